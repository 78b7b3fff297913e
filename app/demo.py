"""Demo areas and accounts; the feature packages add their own demo content."""

from sqlalchemy import func, select

from app.auth import services as accounts
from app.extensions import db
from app.models import Area, User

DEMO_PASSWORD = "wijkstem-demo"  # noqa: S105 - demo accounts only, printed by the command

# The 20 focus areas of the national programme (2022), as (municipality, area).
AREAS_2022 = [
    ("Leeuwarden", "Leeuwarden-Oost"),
    ("Groningen", "Groningen Noord"),
    ("Arnhem", "Arnhem Oost"),
    ("Heerlen", "Heerlen Noord"),
    ("Breda", "Breda Noord"),
    ("Eindhoven", "Eindhoven Woensel-Zuid"),
    ("Tilburg", "Tilburg Noordwest"),
    ("Schiedam", "Schiedam Nieuwland-Oost"),
    ("Rotterdam", "Rotterdam-Zuid"),
    ("Den Haag", "Den Haag Zuidwest"),
    ("Amsterdam", "Amsterdam Zuidoost"),
    ("Amsterdam", "Amsterdam Nieuw-West"),
    ("Zaanstad", "Zaandam Oost"),
    ("Lelystad", "Lelystad Oost"),
    ("Utrecht", "Utrecht Overvecht"),
    ("Nieuwegein", "Nieuwegein Centrale-As"),
    ("Vlaardingen", "Vlaardingen West"),
    ("Delft", "Delft West"),
    ("Dordrecht", "Dordrecht West"),
    ("Roosendaal", "Roosendaal-stad"),
]

# Demo professionals' profiles: (professional role, area).
DEMO_PROFILES = {
    "professional1@wijkstem.test": ("wijkagent", "Rotterdam-Zuid"),
    "professional2@wijkstem.test": ("jongerenwerker", "Den Haag Zuidwest"),
    "professional3@wijkstem.test": ("wijkverpleegkundige", "Utrecht Overvecht"),
    "professional4@wijkstem.test": ("woningcorporatie", "Rotterdam-Zuid"),
    "professional5@wijkstem.test": ("gebiedsmanager", "Utrecht Overvecht"),
}

DEMO_ACCOUNTS = {
    "admin@wijkstem.test": ("admin", "Beheer"),
    "facilitator@wijkstem.test": ("facilitator", "Gespreksleider"),
    "moderator@wijkstem.test": ("moderator", "Moderator"),
    "researcher@wijkstem.test": ("researcher", "Onderzoeker"),
    **{f"professional{n}@wijkstem.test": ("professional", f"Deelnemer {n}") for n in range(1, 6)},
}


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def load_core() -> None:
    existing = {(a.municipality, a.name) for a in db.session.scalars(select(Area))}
    for municipality, name in AREAS_2022:
        if (municipality, name) not in existing:
            db.session.add(Area(municipality=municipality, name=name))
    db.session.flush()
    for email, (role, pseudonym) in DEMO_ACCOUNTS.items():
        if accounts.find_user(email) is None:
            user = accounts.create_user(email, DEMO_PASSWORD, role, pseudonym=pseudonym)
            if email in DEMO_PROFILES:
                user.professional_role, area = DEMO_PROFILES[email]
                user.areas = [area_by_name(area)]
    db.session.flush()


def area_by_name(name: str) -> Area:
    return db.session.execute(select(Area).where(Area.name == name)).scalar_one()


def demo_user(local_part: str) -> User:
    user = accounts.find_user(f"{local_part}@wijkstem.test")
    if user is None:
        raise LookupError(f"demo account {local_part} is missing; load the core demo first")
    return user

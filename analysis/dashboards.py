"""The researchers' dashboards: how often each code occurs, where, when and with which others.

Every number counts contributions, not segments: a contribution with two
segments of one code counts once. Only counted segments (`segments.counted()`)
of approved contributions count. `analysis.dashboard_texts` lists the texts
behind the numbers with the same query pieces (`conditions`, `counted_segments`),
so a number and its list always agree. Each view runs a few GROUP BY queries,
whatever the number of contributions. Dialogue tables are read by name (they
belong to `dialogues`).
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import case, distinct, exists, func, select

from analysis import codebook
from analysis.models import CodebookVersion, CodedSegment
from analysis.segments import counted
from app.errors import InvalidInput
from app.extensions import db
from app.labels import label
from app.models import PROFESSIONAL_ROLES, Area, Channel, Contribution, Status, User

NO_AREA = 0  # the area filter's value for contributions without an area
RESIDENT = "resident"  # the role of an intake story's teller
OTHER_ROLE = "anders"  # a professional who gave no role
ROLES = (*PROFESSIONAL_ROLES, RESIDENT)
# The breakdowns of the overview, each with the filter field its columns set.
DIMENSIONS = {"channel": "channel", "area": "area_id", "role": "role"}


@dataclass(frozen=True)
class Filter:
    """What a dashboard or list is narrowed to; `with_code`: a second code on the contribution."""

    family: Optional[str] = None
    channel: Optional[str] = None
    area_id: Optional[int] = None
    dialogue_id: Optional[int] = None
    round_id: Optional[int] = None
    role: Optional[str] = None
    code: Optional[str] = None
    with_code: Optional[str] = None

    def args(self, **changes) -> dict:
        """Query arguments for a link, with `changes`; a code makes the family redundant."""
        if changes.get("code"):
            changes.setdefault("family", None)
        chosen = dataclasses.replace(self, **changes)
        names = {
            "area_id": "area",
            "dialogue_id": "dialogue",
            "round_id": "round",
            "with_code": "with",
        }
        values = dataclasses.asdict(chosen)
        return {names.get(k, k): v for k, v in values.items() if v is not None and v != ""}


@dataclass(frozen=True)
class CodeInfo:
    key: str
    family: str
    name_nl: str
    name_en: str
    colour: str  # darkened where needed to stand out on white

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


@dataclass
class Family:
    id: str
    name_nl: str
    name_en: str
    codes: list[CodeInfo]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


@dataclass
class Scope:
    """The codes a view counts, from the current codebook."""

    families: list[Family]
    codes: dict[str, CodeInfo]

    @property
    def keys(self) -> list[str]:
        return list(self.codes)


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def contrast_on_white(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)
    return 1.05 / (luminance + 0.05)


def readable(colour: str) -> str:
    """A code's colour darkened until bars and lines reach 3:1 on white (WCAG 1.4.11)."""
    while contrast_on_white(colour) < 3:
        colour = "#" + "".join(f"{int(int(colour[i : i + 2], 16) * 0.85):02x}" for i in (1, 3, 5))
    return colour


def scope(f: Filter, version: Optional[CodebookVersion] = None) -> Scope:
    version = version or codebook.ensure_current()
    families = []
    for family in version.families:
        if f.family and family["id"] != f.family:
            continue
        codes = [
            CodeInfo(c.key, c.family, c.name_nl, c.name_en, readable(c.colour))
            for c in version.codes
            if c.family == family["id"] and (not f.code or c.key == f.code)
        ]
        if codes:
            families.append(Family(family["id"], family["name_nl"], family["name_en"], codes))
    return Scope(families, {c.key: c for family in families for c in family.codes})


def check(f: Filter) -> CodebookVersion:
    """Refuse filter values nothing can match, so a link never quietly shows something else."""
    version = codebook.ensure_current()
    keys = {c.key for c in version.codes}
    if f.family and f.family not in {family["id"] for family in version.families}:
        raise InvalidInput(_("There is no code family %(family)s.", family=f.family))
    for key in (f.code, f.with_code):
        if key and key not in keys:
            raise InvalidInput(_("There is no code %(code)s in the codebook.", code=key))
    if f.channel and f.channel not in (Channel.DIALOGUE, Channel.INTAKE):
        raise InvalidInput(_("There is no channel %(channel)s.", channel=f.channel))
    if f.role and f.role not in ROLES:
        raise InvalidInput(_("There is no role %(role)s.", role=f.role))
    return version


def tables():
    """The prompt and round tables, which tie a dialogue contribution to its round."""
    return db.metadata.tables["prompt"], db.metadata.tables["round"]


def role():
    """The role a contribution speaks from: resident for a story, else its author's role."""
    return case(
        (Contribution.channel == Channel.INTAKE, RESIDENT),
        else_=func.coalesce(User.professional_role, OTHER_ROLE),
    )


def _dimension(name: str):
    return {
        "channel": Contribution.channel,
        "area": func.coalesce(Contribution.area_id, NO_AREA),
        "role": role(),
    }[name]


def joined(query):
    """Provenance joined to the contributions: at most one row each, so nothing doubles."""
    prompt, round_ = tables()
    return (
        query.outerjoin(prompt, prompt.c.id == Contribution.prompt_id)
        .outerjoin(round_, round_.c.id == prompt.c.round_id)
        .outerjoin(User, User.id == Contribution.author_id)
    )


def coded_with(keys):
    """Contributions with a counted segment of one of `keys`.

    Not correlated, so it stays right inside a query that selects segments itself.
    """
    coded = select(CodedSegment.contribution_id).where(counted(), CodedSegment.code_key.in_(keys))
    return Contribution.id.in_(coded.correlate(None))


def conditions(f: Filter) -> list:
    """What `f` asks of a contribution; needs the provenance of `joined`."""
    _prompt, round_ = tables()
    found = [Contribution.status == Status.APPROVED]
    if f.channel:
        found.append(Contribution.channel == f.channel)
    if f.area_id == NO_AREA:
        found.append(Contribution.area_id.is_(None))
    elif f.area_id is not None:
        found.append(Contribution.area_id == f.area_id)
    if f.dialogue_id:
        found.append(round_.c.dialogue_id == f.dialogue_id)
    if f.round_id:
        found.append(round_.c.id == f.round_id)
    if f.role:
        found.append(role() == f.role)
    if f.with_code:
        found.append(coded_with([f.with_code]))
    return found


def counted_segments(f: Filter, keys, *columns):
    """Counted segments of `keys` on the contributions `f` selects, with their provenance."""
    query = select(*columns).select_from(CodedSegment)
    query = joined(query.join(Contribution, Contribution.id == CodedSegment.contribution_id))
    return query.where(counted(), CodedSegment.code_key.in_(keys), *conditions(f))


def count(f: Filter, keys, *group) -> dict[tuple, int]:
    """Contributions with a segment of one of `keys`, per value of the `group` expressions."""
    contributions = func.count(distinct(Contribution.id))
    query = counted_segments(f, keys, *group, contributions).where(*(g.is_not(None) for g in group))
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(query.group_by(*group))}


@dataclass
class Breakdown:
    """Contributions per code and per value of one dimension (channel, area or role)."""

    dimension: str
    field: str  # the Filter field a column narrows
    columns: list[tuple[object, str]]  # (filter value, label)
    cells: dict[tuple[str, object], int]
    row_totals: dict[str, int]
    column_totals: dict[object, int]
    total: int


def _labels(dimension: str, values) -> list[tuple[object, str]]:
    if dimension == "channel":
        names = {
            Channel.DIALOGUE: _("Dialogue contributions"),
            Channel.INTAKE: _("Resident stories"),
        }
        return [(v, names[v]) for v in names if v in values]
    if dimension == "role":
        named = [(v, role_name(v)) for v in values]
        return sorted(named, key=lambda item: (item[0] == RESIDENT, item[1].lower()))
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(values))).all())
    named = sorted(((v, names[v]) for v in values if v in names), key=lambda i: i[1].lower())
    return named + ([(NO_AREA, _("No area"))] if NO_AREA in values else [])


def role_name(role: str) -> str:
    name = _("resident") if role == RESIDENT else label(role)
    return name[:1].upper() + name[1:]


def _sums(counts: dict[tuple, int], *positions: int) -> dict:
    """Add up counts over the parts of their keys not at `positions`."""
    sums: dict = {}
    for key, n in counts.items():
        part = key[positions[0]] if len(positions) == 1 else tuple(key[p] for p in positions)
        sums[part] = sums.get(part, 0) + n
    return sums


@dataclass
class FamilyCounts:
    family: Family
    rows: list[tuple[CodeInfo, int]]  # most frequent first
    total: int  # contributions with any code of the family


@dataclass
class Overview:
    families: list[FamilyCounts]
    splits: list[Breakdown]
    total: int  # contributions with any of the codes


def overview(f: Filter, codes: Scope) -> Overview:
    """Counts per code, family, channel, area and role, from three GROUP BY queries.

    Every contribution has one channel, one area and one role, so counts per
    (code, channel, area, role) add up to exact counts per code and per code
    and channel, area or role; counts across codes need their own query, since
    a contribution with two codes counts once there.
    """
    if not codes.keys:
        return Overview([], [], 0)
    dims = [_dimension(name) for name in DIMENSIONS]
    per_code = count(f, codes.keys, CodedSegment.code_key, *dims)
    per_any = count(f, codes.keys, *dims)
    family_of = case({c.key: c.family for c in codes.codes.values()}, value=CodedSegment.code_key)
    per_family = _sums(count(f, codes.keys, family_of), 0)
    code_totals = _sums(per_code, 0)
    families = []
    for family in codes.families:
        rows = sorted(((c, code_totals.get(c.key, 0)) for c in family.codes), key=lambda r: -r[1])
        families.append(FamilyCounts(family, rows, per_family.get(family.id, 0)))
    splits = []
    for place, (name, field_name) in enumerate(DIMENSIONS.items(), start=1):
        column_totals = _sums(per_any, place - 1)
        splits.append(
            Breakdown(
                name,
                field_name,
                _labels(name, set(column_totals)),
                _sums(per_code, 0, place),
                code_totals,
                column_totals,
                sum(column_totals.values()),
            )
        )
    return Overview(families, splits, sum(per_any.values()))


@dataclass
class Matrix:
    """Contributions coded with both a row code and a column code."""

    rows: list[CodeInfo]
    columns: list[CodeInfo]
    cells: dict[tuple[str, str], int]
    totals: dict[str, int]  # contributions per code, for the margins
    top: int

    def level(self, n: int) -> int:
        """A shade from 0 (none) to 5 (the largest cell)."""
        return 0 if n == 0 else max(1, min(5, -(-5 * n // self.top)))

    def pairs(self, limit: int = 10) -> list[tuple[CodeInfo, CodeInfo, int]]:
        found = [(r, c, self.cells.get((r.key, c.key), 0)) for r in self.rows for c in self.columns]
        return sorted((p for p in found if p[2]), key=lambda p: -p[2])[:limit]


def cooccurrence(f: Filter, rows: str = "knelpunt", columns: str = "werkzaam_principe") -> Matrix:
    version = codebook.ensure_current()
    row_codes = scope(dataclasses.replace(f, family=rows), version).codes
    column_codes = scope(dataclasses.replace(f, family=columns), version).codes
    keys = list(row_codes) + list(column_codes)
    pairs = (
        counted_segments(f, keys, CodedSegment.contribution_id.label("cid"), CodedSegment.code_key)
        .distinct()
        .cte("pairs")
    )
    a, b = pairs.alias("a"), pairs.alias("b")
    query = (
        select(a.c.code_key, b.c.code_key, func.count())
        .join(b, a.c.cid == b.c.cid)
        .where(a.c.code_key.in_(row_codes), b.c.code_key.in_(column_codes))
        .group_by(a.c.code_key, b.c.code_key)
    )
    cells = {(r, c): n for r, c, n in db.session.execute(query)}
    totals = {k: n for (k,), n in count(f, keys, CodedSegment.code_key).items()} if keys else {}
    top = max(cells.values(), default=0) or 1
    return Matrix(list(row_codes.values()), list(column_codes.values()), cells, totals, top)


@dataclass
class Series:
    code: CodeInfo
    counts: list[int]  # per round, in the order of the rounds
    total: int


@dataclass
class DialogueRounds:
    id: int
    title: str
    rounds: list[tuple[int, int, str]]  # (round id, position, title) in order
    totals: list[int]  # contributions with any code, per round
    series: list[Series] = field(default_factory=list)  # codes found in the dialogue
    top: int = 1


def _rounds(f: Filter) -> list[tuple]:
    """Rounds that take contributions (they have prompts), per dialogue in order."""
    prompt, round_ = tables()
    dialogue = db.metadata.tables["dialogue"]
    query = (
        select(dialogue.c.id, dialogue.c.title, round_.c.id, round_.c.position, round_.c.title)
        .join(round_, round_.c.dialogue_id == dialogue.c.id)
        .where(exists().where(prompt.c.round_id == round_.c.id))
        .order_by(dialogue.c.id, round_.c.position)
    )
    if f.dialogue_id:
        query = query.where(dialogue.c.id == f.dialogue_id)
    return list(db.session.execute(query))


def over_rounds(f: Filter, codes: Scope) -> list[DialogueRounds]:
    _prompt, round_ = tables()
    keys = codes.keys
    cells = count(f, keys, CodedSegment.code_key, round_.c.id) if keys else {}
    totals = count(f, keys, round_.c.id) if keys else {}
    dialogues: dict[int, DialogueRounds] = {}
    for dialogue_id, dialogue_title, round_id, position, round_title in _rounds(f):
        found = dialogues.setdefault(
            dialogue_id, DialogueRounds(dialogue_id, dialogue_title, [], [])
        )
        found.rounds.append((round_id, position, round_title))
        found.totals.append(totals.get((round_id,), 0))
    for found in dialogues.values():
        for code in codes.codes.values():
            counts = [cells.get((code.key, r[0]), 0) for r in found.rounds]
            if any(counts):
                found.series.append(Series(code, counts, sum(counts)))
        found.top = max((max(s.counts) for s in found.series), default=0) or 1
    return list(dialogues.values())


def options() -> dict[str, list]:
    """Choices for the filter forms: areas (and "no area"), dialogues and code families."""
    areas = [
        tuple(row) for row in db.session.execute(select(Area.id, Area.name).order_by(Area.name))
    ]
    dialogue = db.metadata.tables["dialogue"]
    found = db.session.execute(select(dialogue.c.id, dialogue.c.title).order_by(dialogue.c.id))
    return {
        "areas": areas + [(NO_AREA, _("No area"))],
        "dialogues": [tuple(row) for row in found],
        "families": scope(Filter()).families,
    }

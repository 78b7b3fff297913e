"""Accounts: creation, authentication with throttling, ending sessions, erasure."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app import audit
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import Contribution, LoginFailure, Role, User, utcnow
from app.registry import erasure_hooks
from app.security import dummy_verify, hash_password, verify_password

MIN_PASSWORD_LENGTH = 10
# What a professional who deletes their account chooses for their contributions.
KEEP_CONTRIBUTIONS, DELETE_CONTRIBUTIONS = "keep", "delete"


@dataclass(frozen=True)
class Throttle:
    per_account: int
    per_address: int
    window: timedelta


class LoginThrottled(Exception):
    """Too many failed logins for this account or address within the window."""


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> Optional[User]:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def make_pseudonym() -> str:
    return f"Deelnemer {secrets.randbelow(9000) + 1000}"


def create_user(email: str, password: str, role: str, *, pseudonym: str | None = None) -> User:
    email = normalise_email(email)
    if role not in Role.ALL:
        raise InvalidInput(
            _(
                "Unknown role %(role)s; choose one of %(roles)s.",
                role=role,
                roles=", ".join(Role.ALL),
            )
        )
    if "@" not in email:
        raise InvalidInput(_("An e-mail address needs an @."))
    _check_password_length(password)
    if find_user(email) is not None:
        raise InvalidInput(_("An account for %(email)s already exists.", email=email))
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        pseudonym=pseudonym or make_pseudonym(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user.create", user, role=role)
    return user


def _check_password_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def _recent_failures(kind: str, key: str, since: datetime) -> int:
    query = select(func.count(LoginFailure.id)).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.created_at >= since
    )
    return db.session.scalar(query) or 0


def too_many_failures(kind: str, subject: str, limit: int, window: timedelta) -> bool:
    """Whether `subject` failed `limit` times within `window` (any worker process)."""
    return _recent_failures(kind, _key(subject), utcnow() - window) >= limit


def record_failure(kind: str, subject: str) -> None:
    db.session.add(LoginFailure(kind=kind, key=_key(subject)))


def authenticate(
    email: str,
    password: str,
    address: str,
    throttle: Throttle,
    release: Callable[[], None] = lambda: None,
) -> Optional[User]:
    """Return the user for valid credentials; None otherwise.

    Raises LoginThrottled, without checking the password, when the account or
    the address has failed too often within the window. `release` is called
    after the reads and before the slow password check, so the caller can end
    its transaction: on SQLite every transaction holds the write lock, and a
    0.2 s argon2 check inside it would stall every other writer.
    """
    account_key, address_key = _key(email), _key(address or "-")
    since = utcnow() - throttle.window
    if (
        _recent_failures("account", account_key, since) >= throttle.per_account
        or _recent_failures("address", address_key, since) >= throttle.per_address
    ):
        raise LoginThrottled()
    user = find_user(email)
    user_id, stored_hash = (user.id, user.password_hash) if user and user.active else (None, None)
    release()
    valid = verify_password(stored_hash, password) if stored_hash else dummy_verify()
    if not valid:
        db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < since))
        db.session.add(LoginFailure(kind="account", key=account_key))
        db.session.add(LoginFailure(kind="address", key=address_key))
        return None
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.kind == "account", LoginFailure.key == account_key)
    )
    user = db.session.get(User, user_id)
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this user, wherever its cookie is."""
    user.session_version += 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidInput(_("Your current password is not correct."))
    _check_password_length(new)
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    audit.record(user, "user.password_change", user)


def set_active(actor: Optional[User], user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_all_sessions(user)
    audit.record(actor, "user.enable" if active else "user.disable", user)


def load_session_user(session_id: str) -> Optional[User]:
    """Resolve Flask-Login's stored id "<user id>:<session version>"."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def erase_account(user: User) -> None:
    """Remove everything that identifies a person, keeping the row their contributions point at.

    Used for a professional's own request and by the retention run alike. The
    packages' hooks run first, while the e-mail address still finds the
    invitations sent to it. The erased account can never log in again, and its
    e-mail address is free for a new account.
    """
    for hook in erasure_hooks():
        hook(user)
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.kind == "account", LoginFailure.key == _key(user.email)
        )
    )
    # Without an @ no account can ever be created with this address.
    user.email, user.password_hash = f"erased-{user.id}", ""
    user.pseudonym, user.display_name, user.show_real_name = "", None, False
    user.professional_role = user.organisation_type = user.locale = None
    user.areas, user.last_login_at = [], None
    user.active, user.erased_at = False, utcnow()
    end_all_sessions(user)


def delete_own_account(user: User, password: str, contributions: str) -> int:
    """A professional ends their account, keeping or deleting their contributions.

    Returns the number of their contributions kept or deleted. Deleting one
    takes its reports, endorsements and codes along (ON DELETE in the schema);
    replies by others stay, without a parent.
    """
    if user.role != Role.PROFESSIONAL:
        raise NotAllowed(
            _("Staff accounts are closed by an administrator. Ask one to close yours.")
        )
    if not verify_password(user.password_hash, password):
        raise InvalidInput(_("Your password is not correct."))
    if contributions not in (KEEP_CONTRIBUTIONS, DELETE_CONTRIBUTIONS):
        raise InvalidInput(_("Choose what happens to your contributions."))
    mine = Contribution.author_id == user.id
    count = db.session.scalar(select(func.count(Contribution.id)).where(mine)) or 0
    if contributions == DELETE_CONTRIBUTIONS:
        db.session.execute(delete(Contribution).where(mine))
    audit.record(user, "account.delete", user, choice=contributions, contributions=count)
    erase_account(user)
    return count

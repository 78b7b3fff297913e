"""Core records shared by every package: accounts, areas, the one Contribution record, audit."""

from datetime import UTC, datetime
from typing import Any, Optional

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: Optional[datetime]) -> Optional[datetime]:
    """Give a naive time read back from SQLite its UTC zone again."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class Role:
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"
    RESEARCHER = "researcher"
    PROFESSIONAL = "professional"
    ALL = (ADMIN, FACILITATOR, MODERATOR, RESEARCHER, PROFESSIONAL)


class Channel:
    DIALOGUE = "dialogue"
    INTAKE = "intake"


class Status:
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # Published, then taken down (after reports or by a moderator) until reviewed.
    HIDDEN = "hidden"


# Professional roles in area-based work (see the domain notes); a participant picks one.
PROFESSIONAL_ROLES = (
    "wijkagent",
    "boa_handhaver",
    "jongerenwerker",
    "opbouwwerker",
    "maatschappelijk_werker",
    "wijkverpleegkundige",
    "huisarts",
    "ggd",
    "wijkteam",
    "schuldhulpverlener",
    "woningcorporatie",
    "gebiedsmanager",
    "leraar",
    "jeugdzorg",
    "zorg_veiligheidshuis",
    "sociaal_ondernemer",
    "buurtconcierge",
    "anders",
)
ORGANISATION_TYPES = (
    "gemeente",
    "politie",
    "woningcorporatie",
    "welzijn",
    "zorg",
    "onderwijs",
    "justitie",
    "bedrijf",
    "bewonersorganisatie",
    "anders",
)

user_area = Table(
    "user_area",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    pseudonym: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[Optional[str]] = mapped_column(String(120))
    # The pseudonym is shown unless the participant chooses their real name.
    show_real_name: Mapped[bool] = mapped_column(default=False)
    professional_role: Mapped[Optional[str]] = mapped_column(String(40))
    organisation_type: Mapped[Optional[str]] = mapped_column(String(40))
    locale: Mapped[Optional[str]] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised on logout, password change and disabling: every session that
    # carries an older number is refused, including copied cookies.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[datetime]]
    # Set when the person's data was erased (on request or after retention);
    # the row stays so that contributions keep pointing at "a former participant".
    erased_at: Mapped[Optional[datetime]]

    areas: Mapped[list["Area"]] = relationship(secondary=user_area, order_by="Area.name")

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def public_name(self) -> str:
        if self.is_erased:
            return _("Former participant")
        return self.display_name if self.show_real_name and self.display_name else self.pseudonym

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return self.role == Role.ADMIN or self.role in roles


class Area(db.Model):
    __table_args__ = (UniqueConstraint("municipality", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))

    def __str__(self) -> str:
        return self.name


class Contribution(db.Model):
    """Every text that enters Wijkstem: a professional's post or a resident story.

    `body` is the screened plain text that moderation and analysis read (for
    resident stories already redacted: their raw text is never stored);
    `body_html` keeps a dialogue contribution's cleaned formatting for display.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    status: Mapped[str] = mapped_column(String(20), default=Status.PENDING, index=True)
    client_uuid: Mapped[Optional[str]] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Provenance: where the text came from. Tables owned by `dialogues` are
    # referenced by name only, so `app` imports nothing of that package.
    area_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    prompt_id: Mapped[Optional[int]] = mapped_column(ForeignKey("prompt.id"))
    intake_session_id: Mapped[Optional[int]] = mapped_column(ForeignKey("intake_session.id"))
    # A reply outlives a parent its author deleted.
    parent_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("contribution.id", ondelete="SET NULL")
    )
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What screening found: [{"start", "end", "label", "detector"}] on `body`.
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Why screening held it for a moderator whatever the mode (moderation.flags).
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    edited_at: Mapped[Optional[datetime]]
    reviewed_at: Mapped[Optional[datetime]]
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    # Shown to the author when a moderator rejects the contribution.
    review_reason: Mapped[Optional[str]] = mapped_column(Text)
    # Raised by every change: a moderator deciding on a version they did not see
    # (another moderator's decision, the author's edit) is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    area: Mapped[Optional[Area]] = relationship()
    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])


class AuditEvent(db.Model):
    """Append-only: who decided what, about which object, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[Optional[str]] = mapped_column(String(64))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[Optional[User]] = relationship()


class LoginFailure(db.Model):
    """A failed login, kept in the database so throttling holds across worker processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of e-mail or address
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"audit event {target.id} is append-only")

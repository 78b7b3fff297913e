"""Dialogues with rounds, prompts, statements and ratings; invitations; intake sessions."""

import secrets
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Area, Contribution, User, as_utc, utcnow

dialogue_area = Table(
    "dialogue_area",
    db.metadata,
    Column("dialogue_id", ForeignKey("dialogue.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class DialogueStatus:
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"
    NEXT = {DRAFT: OPEN, OPEN: CLOSED, CLOSED: ARCHIVED}


class Dialogue(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DialogueStatus.DRAFT)
    moderation_mode: Mapped[str] = mapped_column(String(10), default="pre")
    # "invite": only invited participants; "all": every professional account.
    visibility: Mapped[str] = mapped_column(String(10), default="invite")
    # Delphi consensus: this share agreeing (or disagreeing) with an IQR at most this wide.
    consensus_share: Mapped[float] = mapped_column(default=0.7)
    consensus_iqr: Mapped[float] = mapped_column(default=1.0)
    # Breakdowns hide groups smaller than this.
    min_group_size: Mapped[int] = mapped_column(default=5)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # After this day `wijkstem retention apply` removes the personal data
    # (dialogues.retention); None: the default period after the last round closes.
    retention_until: Mapped[Optional[date]]
    retention_applied_at: Mapped[Optional[datetime]]

    facilitator: Mapped[User] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=dialogue_area, order_by=Area.name)
    rounds: Mapped[list["Round"]] = relationship(
        back_populates="dialogue", order_by="Round.position", cascade="all, delete-orphan"
    )

    def is_facilitated_by(self, user: User) -> bool:
        return user.role == "admin" or user.id == self.facilitator_id


class RoundKind:
    OPEN = "open"
    RATING = "rating"
    REFLECTION = "reflection"
    ALL = (OPEN, RATING, REFLECTION)


round_statement = Table(
    "round_statement",
    db.metadata,
    Column("round_id", ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("statement_id", ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True),
)

statement_source = Table(
    "statement_source",
    db.metadata,
    Column("statement_id", ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True),
    Column("contribution_id", ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True),
)


class Round(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=RoundKind.OPEN)
    opens_at: Mapped[Optional[datetime]]
    closes_at: Mapped[Optional[datetime]]
    # Reflection rounds: the facilitator's synthesis of the earlier rounds.
    synthesis: Mapped[str] = mapped_column(Text, default="")

    dialogue: Mapped[Dialogue] = relationship(back_populates="rounds")
    prompts: Mapped[list["Prompt"]] = relationship(
        back_populates="round", order_by="Prompt.position", cascade="all, delete-orphan"
    )
    statements: Mapped[list["Statement"]] = relationship(
        back_populates="round", order_by="Statement.position", cascade="all, delete-orphan"
    )
    # Reflection rounds: statements of earlier rounds put before the participants again.
    highlighted: Mapped[list["Statement"]] = relationship(secondary=round_statement)


class Statement(db.Model):
    """A statement to rate in a rating round, citing the contributions it came from."""

    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    position: Mapped[int]
    # An identifier from outside (an imported survey's column name), unique in its round.
    key: Mapped[Optional[str]] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="statements")
    sources: Mapped[list[Contribution]] = relationship(secondary=statement_source)


class Rating(db.Model):
    """One participant's answer to one statement: 1-5, or None when skipped.

    Role and area are copied at rating time so breakdowns stay as they were,
    and imported survey answers need no account (`participant_key`).
    """

    __table_args__ = (
        UniqueConstraint("statement_id", "participant_key"),
        Index("ix_rating_breakdown", "statement_id", "role", "area_id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    participant_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    value: Mapped[Optional[int]]
    comment: Mapped[Optional[str]] = mapped_column(Text)
    role: Mapped[Optional[str]] = mapped_column(String(40))
    area_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Prompt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="prompts")


class Participation(db.Model):
    """A professional's place in a dialogue, and when they last looked."""

    __table_args__ = (UniqueConstraint("dialogue_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[Optional[datetime]]
    # The visit before the current one: what came after it is "new".
    previous_seen_at: Mapped[Optional[datetime]]

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """A single-use, expiring invitation; only a hash of its token is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    dialogue: Mapped[Dialogue] = relationship()

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "accepted"
        return "expired" if as_utc(self.expires_at) <= utcnow() else "waiting"


class Endorsement(db.Model):
    """ "Herkenbaar": a participant recognises a contribution, once."""

    __table_args__ = (UniqueConstraint("contribution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(db.Model):
    """A reminder sent for a round, so nobody gets the same one twice."""

    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntakeSession(db.Model):
    """An afternoon in a community centre where a facilitator types residents' stories."""

    id: Mapped[int] = mapped_column(primary_key=True)
    centre: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    held_on: Mapped[date]
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["nl"])
    prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[Optional[datetime]]
    # The PIN that unlocks tablet mode (argon2 hash), and the salt the tablet
    # derives its queue's encryption key from (not secret).
    pin_hash: Mapped[Optional[str]] = mapped_column(String(255))
    key_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    # What happened and who came: kept apart from the stories.
    note: Mapped[str] = mapped_column(Text, default="")
    # After this day the note and PIN are removed; None: the default period after creation.
    retention_until: Mapped[Optional[date]]
    retention_applied_at: Mapped[Optional[datetime]]

    area: Mapped[Area] = relationship()
    facilitator: Mapped[User] = relationship()

    def is_run_by(self, user: User) -> bool:
        return user.role == "admin" or user.id == self.facilitator_id

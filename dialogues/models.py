"""Dialogues with rounds and prompts, and community-centre intake sessions."""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Area, User, utcnow

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
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facilitator: Mapped[User] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=dialogue_area, order_by=Area.name)
    rounds: Mapped[list["Round"]] = relationship(
        back_populates="dialogue", order_by="Round.position", cascade="all, delete-orphan"
    )

    def is_facilitated_by(self, user: User) -> bool:
        return user.role == "admin" or user.id == self.facilitator_id


class Round(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="open")
    opens_at: Mapped[Optional[datetime]]
    closes_at: Mapped[Optional[datetime]]

    dialogue: Mapped[Dialogue] = relationship(back_populates="rounds")
    prompts: Mapped[list["Prompt"]] = relationship(
        back_populates="round", order_by="Prompt.position", cascade="all, delete-orphan"
    )


class Prompt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="prompts")


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

    area: Mapped[Area] = relationship()
    facilitator: Mapped[User] = relationship()

    def is_run_by(self, user: User) -> bool:
        return user.role == "admin" or user.id == self.facilitator_id

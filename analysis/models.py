"""Codebook versions, codes and coded segments."""

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Contribution, utcnow


class CodebookVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    codes: Mapped[list["Code"]] = relationship(
        back_populates="version", order_by="Code.position", cascade="all, delete-orphan"
    )


class Code(db.Model):
    """A code in one codebook version; its `key` (kn_*, wp_*, dom_*) stays across versions."""

    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("codebook_version.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    family: Mapped[str] = mapped_column(String(40))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_nl: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#154273")
    cues: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[CodebookVersion] = relationship(back_populates="codes")

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


class CodedSegment(db.Model):
    """A code on a span of a contribution's text, by the machine or a researcher."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    code_key: Mapped[str] = mapped_column(String(60), index=True)
    codebook_number: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    confidence: Mapped[float] = mapped_column(default=1.0)
    source: Mapped[str] = mapped_column(String(20), default="cue")  # cue | model | human
    evidence: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="suggested")
    coder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship()


class CodingPass(db.Model):
    """A contribution auto-coded with a codebook version, so a run can be repeated safely."""

    __table_args__ = (UniqueConstraint("contribution_id", "codebook_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"))
    codebook_number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Codebook versions, coded segments, memos, trained models and agreement samples."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Contribution, User, utcnow


class CodebookVersion(db.Model):
    """One saved state of the codebook; every edit makes a new one, never changes an old one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    families: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    codes: Mapped[list["Code"]] = relationship(
        back_populates="version", order_by="Code.position", cascade="all, delete-orphan"
    )
    created_by: Mapped[Optional[User]] = relationship()

    def code(self, key: str) -> Optional["Code"]:
        return next((code for code in self.codes if code.key == key), None)

    def family_name(self, family_id: str, language: str) -> str:
        for family in self.families:
            if family["id"] == family_id:
                return family.get(f"name_{language}") or family.get("name_nl") or family_id
        return family_id


class Code(db.Model):
    """A code in one codebook version; its `key` (kn_*, wp_*, dom_*) stays across versions."""

    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("codebook_version.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    parent_key: Mapped[Optional[str]] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    family: Mapped[str] = mapped_column(String(40))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_nl: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)
    colour: Mapped[str] = mapped_column(String(7), default="#154273")
    cues: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Cues that signal this code when negated: "geen vertrouwen" is distrust.
    negated_cues: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[CodebookVersion] = relationship(back_populates="codes")

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl

    def definition(self, language: str) -> str:
        return (
            self.definition_en if language == "en" else self.definition_nl
        ) or self.definition_nl


class SegmentStatus:
    """States of a coded segment. A decided segment is never replaced by a re-run."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DECIDED = (ACCEPTED, REJECTED)


class CodedSegment(db.Model):
    """A code on a span of a contribution's text, by the machine or a researcher.

    Segments with a `sample_id` belong to one coder's blind coding of an
    agreement sample and stay out of the shared coding until settled.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    code_key: Mapped[str] = mapped_column(String(60), index=True)
    codebook_number: Mapped[int]
    model_number: Mapped[int] = mapped_column(default=0)
    start: Mapped[int]
    end: Mapped[int]
    confidence: Mapped[float] = mapped_column(default=1.0)
    source: Mapped[str] = mapped_column(String(20), default="cue")  # cue | model | human
    evidence: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=SegmentStatus.SUGGESTED)
    memo: Mapped[str] = mapped_column(Text, default="")
    coder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sample_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("agreement_sample.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]]

    contribution: Mapped[Contribution] = relationship()
    coder: Mapped[Optional[User]] = relationship()


class CodingPass(db.Model):
    """A contribution auto-coded with a codebook and model version, so a run can be repeated."""

    __table_args__ = (UniqueConstraint("contribution_id", "codebook_number", "model_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"))
    codebook_number: Mapped[int]
    model_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContributionMemo(db.Model):
    """A researcher's memo on a whole contribution, one per researcher."""

    __table_args__ = (UniqueConstraint("contribution_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[Optional[User]] = relationship()


class TrainedModel(db.Model):
    """A text classifier trained on researchers' codes, stored under instance/models/<number>/.

    `metrics` holds, per code, the cross-validated precision, recall and F1 of
    the model and of the cues, the number of examples and which of the two is used.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    codebook_number: Mapped[int]
    examples: Mapped[int] = mapped_column(default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class AgreementSample(db.Model):
    """Contributions that two or more researchers code blind, to measure their agreement."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    codebook_number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    assignments: Mapped[list["AgreementAssignment"]] = relationship(
        back_populates="sample", cascade="all, delete-orphan"
    )


class AgreementAssignment(db.Model):
    """One contribution of a sample for one coder; `done_at` is set when they finish it."""

    __table_args__ = (UniqueConstraint("sample_id", "contribution_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_sample.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    done_at: Mapped[Optional[datetime]]

    sample: Mapped[AgreementSample] = relationship(back_populates="assignments")
    contribution: Mapped[Contribution] = relationship()
    coder: Mapped[User] = relationship()

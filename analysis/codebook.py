"""The codebook: versions in the database, the default one shipped as YAML."""

from pathlib import Path
from typing import Any, Optional

import yaml
from sqlalchemy import select

from analysis.models import Code, CodebookVersion
from app.extensions import db
from app.models import User

DEFAULT_CODEBOOK = Path(__file__).with_name("default_codebook.yml")
CODE_FIELDS = ("family", "name_nl", "name_en", "definition_nl", "definition_en", "colour")


def read_yaml(path: Path = DEFAULT_CODEBOOK) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def current() -> Optional[CodebookVersion]:
    return db.session.scalar(select(CodebookVersion).order_by(CodebookVersion.number.desc()))


def create_version(data: dict[str, Any], author: Optional[User] = None) -> CodebookVersion:
    """Store `data` (the YAML structure) as the next codebook version."""
    latest = current()
    version = CodebookVersion(
        number=(latest.number + 1) if latest else 1,
        note=data.get("version_note", ""),
        created_by_id=author.id if author else None,
    )
    for position, entry in enumerate(data["codes"]):
        fields = {name: entry[name] for name in CODE_FIELDS if name in entry}
        version.codes.append(
            Code(key=entry["id"], position=position, cues=list(entry.get("cues", [])), **fields)
        )
    db.session.add(version)
    db.session.flush()
    return version


def ensure_current() -> CodebookVersion:
    """The current codebook; the shipped default becomes version 1 on first use."""
    return current() or create_version(read_yaml())


def families(data: Optional[dict[str, Any]] = None) -> dict[str, dict[str, str]]:
    data = data or read_yaml()
    return {family["id"]: family for family in data["families"]}

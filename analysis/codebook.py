"""The codebook: versions in the database, the default one shipped as YAML.

A codebook is edited by saving a whole new version; old versions stay as they
were, so every coded segment can name the codebook it was coded with. A code
keeps its `id` (kn_*, wp_*, dom_*) across versions.
"""

import re
from pathlib import Path
from typing import Any, Optional

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from analysis.models import Code, CodebookVersion
from app import audit
from app.errors import InvalidInput
from app.extensions import db
from app.models import User

DEFAULT_CODEBOOK = Path(__file__).with_name("default_codebook.yml")
TEXT_FIELDS = (
    "family",
    "name_nl",
    "name_en",
    "definition_nl",
    "definition_en",
    "inclusion",
    "exclusion",
    "colour",
)
LIST_FIELDS = ("examples", "cues", "negated_cues")
KEY = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class CodebookError(InvalidInput):
    """A codebook that cannot be saved; `problems` lists every reason, not just the first."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def read_yaml(path: Path = DEFAULT_CODEBOOK) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def current() -> Optional[CodebookVersion]:
    return db.session.scalar(select(CodebookVersion).order_by(CodebookVersion.number.desc()))


def version(number: int) -> Optional[CodebookVersion]:
    return db.session.scalar(select(CodebookVersion).where(CodebookVersion.number == number))


def versions() -> list[CodebookVersion]:
    return list(db.session.scalars(select(CodebookVersion).order_by(CodebookVersion.number.desc())))


def ensure_current() -> CodebookVersion:
    """The current codebook; the shipped default becomes version 1 on first use."""
    return current() or create_version(read_yaml())


def validate(data: Any) -> list[str]:
    """Every problem with a codebook structure, in words a researcher can act on."""
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        return [_("A codebook needs a list of codes.")]
    problems = []
    families = data.get("families") or []
    family_ids = {f.get("id") for f in families if isinstance(f, dict)}
    for family in families:
        if not isinstance(family, dict) or not KEY.match(str(family.get("id", ""))):
            problems.append(
                _("Family %(id)s needs an id of lowercase letters, digits and _.", id=family)
            )
    keys: list[str] = []
    for number, code in enumerate(data["codes"], start=1):
        if not isinstance(code, dict):
            problems.append(_("Code %(n)d is not a set of fields.", n=number))
            continue
        key = str(code.get("id", ""))
        label = key or str(number)
        if not KEY.match(key):
            problems.append(
                _("Code %(code)s needs an id of lowercase letters, digits and _.", code=label)
            )
        if key in keys:
            problems.append(_("The id %(code)s is used twice.", code=key))
        keys.append(key)
        if not str(code.get("name_nl") or "").strip():
            problems.append(_("Code %(code)s needs a Dutch name.", code=label))
        if code.get("family") not in family_ids:
            problems.append(
                _(
                    "Code %(code)s has an unknown family %(family)s.",
                    code=label,
                    family=code.get("family"),
                )
            )
        if code.get("colour") and not COLOUR.match(str(code["colour"])):
            problems.append(_("Code %(code)s needs a colour such as #154273.", code=label))
        for field in LIST_FIELDS:
            if not isinstance(code.get(field) or [], list):
                problems.append(
                    _("The %(field)s of %(code)s must be a list.", field=field, code=label)
                )
    parents = {str(c.get("id")): c.get("parent") for c in data["codes"] if isinstance(c, dict)}
    for key, parent in parents.items():
        if parent and parent not in parents:
            problems.append(
                _("Code %(code)s has an unknown parent %(parent)s.", code=key, parent=parent)
            )
            continue
        seen, step = {key}, parent
        while step:
            if step in seen:
                problems.append(_("Code %(code)s is its own ancestor.", code=key))
                break
            seen.add(step)
            step = parents.get(step)
    return problems


def _clean_list(values: list[Any]) -> list[str]:
    return [str(value).strip() for value in values if str(value).strip()]


def create_version(
    data: dict[str, Any], author: Optional[User] = None, note: Optional[str] = None
) -> CodebookVersion:
    """Store `data` (the YAML structure) as the next codebook version."""
    problems = validate(data)
    if problems:
        raise CodebookError(problems)
    latest = current()
    saved = CodebookVersion(
        number=(latest.number + 1) if latest else 1,
        note=note if note is not None else str(data.get("version_note", "")),
        families=[
            {
                "id": f["id"],
                "name_nl": f.get("name_nl") or f["id"],
                "name_en": f.get("name_en") or "",
            }
            for f in data.get("families") or []
        ],
        created_by_id=author.id if author else None,
    )
    for position, entry in enumerate(data["codes"]):
        fields = {name: str(entry[name]).strip() for name in TEXT_FIELDS if entry.get(name)}
        fields.setdefault("name_en", fields["name_nl"])
        saved.codes.append(
            Code(
                key=entry["id"],
                parent_key=entry.get("parent") or None,
                position=position,
                **{name: _clean_list(entry.get(name) or []) for name in LIST_FIELDS},
                **fields,
            )
        )
    db.session.add(saved)
    db.session.flush()
    if latest is not None or author is not None:
        audit.record(author, "codebook.version", saved, number=saved.number, note=saved.note)
    return saved


def to_data(saved: CodebookVersion) -> dict[str, Any]:
    """A version as the YAML structure, ready to edit, export or save again."""
    codes = []
    for code in saved.codes:
        entry: dict[str, Any] = {"id": code.key}
        if code.parent_key:
            entry["parent"] = code.parent_key
        for name in TEXT_FIELDS:
            if getattr(code, name):
                entry[name] = getattr(code, name)
        for name in LIST_FIELDS:
            entry[name] = list(getattr(code, name) or [])
        codes.append(entry)
    return {
        "version_note": saved.note,
        "families": [dict(f) for f in saved.families],
        "codes": codes,
    }


def export_yaml(saved: CodebookVersion) -> str:
    header = f"# Wijkstem codebook, version {saved.number}\n"
    return header + yaml.safe_dump(to_data(saved), allow_unicode=True, sort_keys=False, width=100)


def import_yaml(text: str, author: User) -> CodebookVersion:
    """A YAML codebook (as exported) saved as the next version; nothing is stored if invalid."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" on line %(n)d", n=mark.line + 1) if mark is not None else ""
        raise CodebookError([_("This is not valid YAML%(where)s.", where=where)]) from error
    return create_version(data, author, note=_("Imported from YAML"))


def save_code(author: User, fields: dict[str, Any], key: Optional[str] = None) -> CodebookVersion:
    """A new version with code `key` changed to `fields`, or with a new code when `key` is None."""
    data = to_data(ensure_current())
    entry = {name: value for name, value in fields.items() if value not in (None, "")}
    if key is None:
        data["codes"].append(entry)
        note = _("Added code %(code)s", code=entry.get("id", ""))
    else:
        index = next((i for i, c in enumerate(data["codes"]) if c["id"] == key), None)
        if index is None:
            raise CodebookError([_("There is no code %(code)s.", code=key)])
        entry["id"] = key
        data["codes"][index] = entry
        note = _("Changed code %(code)s", code=key)
    return create_version(data, author, note=note)


def add_family(author: User, family_id: str, name_nl: str, name_en: str = "") -> CodebookVersion:
    data = to_data(ensure_current())
    if any(f["id"] == family_id for f in data["families"]):
        raise CodebookError([_("The family %(id)s already exists.", id=family_id)])
    data["families"].append({"id": family_id, "name_nl": name_nl, "name_en": name_en})
    return create_version(data, author, note=_("Added family %(id)s", id=family_id))


def tree(saved: CodebookVersion) -> list[tuple[Code, int]]:
    """Codes in display order with their depth, children under their parent."""
    children: dict[Optional[str], list[Code]] = {}
    keys = {code.key for code in saved.codes}
    for code in saved.codes:
        parent = code.parent_key if code.parent_key in keys else None
        children.setdefault(parent, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent: Optional[str], depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append((code, depth))
            walk(code.key, depth + 1)

    walk(None, 0)
    return ordered

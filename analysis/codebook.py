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
from sqlalchemy.orm import selectinload

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
COMPARED_FIELDS = ("parent", *TEXT_FIELDS, *LIST_FIELDS)
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
    families = data.get("families") or []
    if not isinstance(families, list):
        return [_("A codebook needs a list of families.")]
    problems = _family_problems(families)
    family_ids = {f.get("id") for f in families if isinstance(f, dict) and _is_text(f.get("id"))}
    keys: list[str] = []
    for number, code in enumerate(data["codes"], start=1):
        problems += _code_problems(number, code, family_ids, keys)
    return problems + _tree_problems(data["codes"])


def _is_text(value: Any) -> bool:
    """A single YAML value; lists and mappings (and their aliases) are refused before use."""
    return value is None or isinstance(value, (str, int, float))


def _family_problems(families: list[Any]) -> list[str]:
    problems = []
    for number, family in enumerate(families, start=1):
        family_id = family.get("id") if isinstance(family, dict) else None
        label = family_id if isinstance(family_id, str) and family_id else str(number)
        if not isinstance(family_id, str) or not KEY.match(family_id):
            problems.append(
                _("Family %(id)s needs an id of lowercase letters, digits and _.", id=label)
            )
        elif not all(_is_text(family.get(name)) for name in ("name_nl", "name_en")):
            problems.append(_("The names of family %(id)s must be text.", id=label))
    return problems


def _code_problems(number: int, code: Any, family_ids: set[Any], keys: list[str]) -> list[str]:
    if not isinstance(code, dict):
        return [_("Code %(n)d is not a set of fields.", n=number)]
    key = code["id"] if isinstance(code.get("id"), str) else ""
    label = key or str(number)
    problems = []
    if not KEY.match(key):
        problems.append(
            _("Code %(code)s needs an id of lowercase letters, digits and _.", code=label)
        )
    if key and key in keys:
        problems.append(_("The id %(code)s is used twice.", code=key))
    keys.append(key)
    untyped = [name for name in ("parent", *TEXT_FIELDS) if not _is_text(code.get(name))]
    problems += [
        _("The %(field)s of %(code)s must be text.", field=name, code=label) for name in untyped
    ]
    if "name_nl" not in untyped and not str(code.get("name_nl") or "").strip():
        problems.append(_("Code %(code)s needs a Dutch name.", code=label))
    if "family" not in untyped and code.get("family") not in family_ids:
        problems.append(
            _(
                "Code %(code)s has an unknown family %(family)s.",
                code=label,
                family=code.get("family"),
            )
        )
    if code.get("colour") and "colour" not in untyped and not COLOUR.match(str(code["colour"])):
        problems.append(_("Code %(code)s needs a colour such as #154273.", code=label))
    for field in LIST_FIELDS:
        values = code.get(field) or []
        if not isinstance(values, list) or not all(_is_text(value) for value in values):
            problems.append(
                _("The %(field)s of %(code)s must be a list of texts.", field=field, code=label)
            )
    return problems


def _tree_problems(codes: list[Any]) -> list[str]:
    parents = {
        c["id"]: c.get("parent")
        for c in codes
        if isinstance(c, dict) and isinstance(c.get("id"), str) and _is_text(c.get("parent"))
    }
    problems = []
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


def save_code(
    author: User, fields: dict[str, Any], key: Optional[str] = None, note: Optional[str] = None
) -> CodebookVersion:
    """A new version with code `key` changed to `fields`, or with a new code when `key` is None.

    Without a `note` the version says which code was added or changed.
    """
    data = to_data(ensure_current())
    entry = {name: value for name, value in fields.items() if value not in (None, "")}
    if key is None:
        data["codes"].append(entry)
        default_note = _("Added code %(code)s", code=entry.get("id", ""))
    else:
        index = next((i for i, c in enumerate(data["codes"]) if c["id"] == key), None)
        if index is None:
            raise CodebookError([_("There is no code %(code)s.", code=key)])
        entry["id"] = key
        data["codes"][index] = entry
        default_note = _("Changed code %(code)s", code=key)
    return create_version(data, author, note=note or default_note)


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


def changes(old: Optional[dict[str, Any]], new: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """What `new` did to the codes of `old` (both as `to_data` gives them).

    Pure, so that history pages and tests can compare any two states, saved or
    not: (key, "added" | "changed" | "removed", names of the changed fields).
    """
    before = {code["id"]: code for code in (old or {}).get("codes", [])}
    after = {code["id"]: code for code in new["codes"]}
    found: list[tuple[str, str, list[str]]] = []
    for key, code in after.items():
        if key not in before:
            found.append((key, "added", []))
            continue
        fields = [f for f in COMPARED_FIELDS if _compared(before[key], f) != _compared(code, f)]
        if fields:
            found.append((key, "changed", fields))
    found += [(key, "removed", []) for key in before if key not in after]
    return found


def _compared(code: dict[str, Any], field: str) -> Any:
    """A field as compared: left out, empty and None are the same."""
    return code.get(field) or ([] if field in LIST_FIELDS else "")


def history() -> list[tuple[CodebookVersion, Optional[list[tuple[str, str, list[str]]]]]]:
    """Every version, newest first, with its changes to the version before (None for the first)."""
    saved = list(
        db.session.scalars(
            select(CodebookVersion)
            .options(selectinload(CodebookVersion.codes), selectinload(CodebookVersion.created_by))
            .order_by(CodebookVersion.number)
        )
    )
    data = [to_data(version) for version in saved]
    rows = [(v, changes(data[i - 1], data[i]) if i else None) for i, v in enumerate(saved)]
    return rows[::-1]

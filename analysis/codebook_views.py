"""The codebook pages: read it, edit it code by code, import and export YAML, browse versions.

Every save makes a new codebook version through `analysis.codebook`; these
views only parse the forms, call it, commit and redirect.
"""

from typing import Any, Optional

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analysis import codebook
from analysis.codebook import CodebookError
from analysis.codebook_forms import FIELD_LABELS, CodeForm, FamilyForm, ImportForm
from analysis.models import Code, CodebookVersion
from analysis.views import bp
from app import audit
from app.extensions import db
from app.models import Role
from app.security import require_role

INDENT = "\u00a0\u00a0\u00a0"


def _current() -> CodebookVersion:
    """The current version; the first visit stores the shipped default as version 1."""
    saved = codebook.ensure_current()
    db.session.commit()
    return saved


def _version_or_404(number: int) -> CodebookVersion:
    return codebook.version(number) or abort(404)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "nl"


def _sections(saved: CodebookVersion) -> list[tuple[dict[str, Any], list[tuple[Code, int]]]]:
    """Families in their order, each with its codes as a tree."""
    ordered = codebook.tree(saved)
    return [
        (family, [(code, depth) for code, depth in ordered if code.family == family["id"]])
        for family in saved.families
    ]


def _codebook_page(saved: CodebookVersion, latest: CodebookVersion):
    return render_template(
        "analysis/codebook/index.html", version=saved, latest=latest, sections=_sections(saved)
    )


@bp.route("/codebook/")
@require_role(Role.RESEARCHER)
def codebook_page():
    saved = _current()
    return _codebook_page(saved, saved)


@bp.route("/codebook/versions/<int:number>")
@require_role(Role.RESEARCHER)
def codebook_version(number: int):
    latest = _current()
    return _codebook_page(_version_or_404(number), latest)


@bp.route("/codebook/versions")
@require_role(Role.RESEARCHER)
def codebook_versions():
    _current()
    return render_template(
        "analysis/codebook/versions.html", history=codebook.history(), labels=FIELD_LABELS
    )


def _code_form(saved: CodebookVersion, code: Optional[Code]) -> CodeForm:
    """The form with its choices; a code cannot be its own parent, and its id never changes."""
    language = _language()
    chosen = {name: request.args[name] for name in ("family", "parent") if name in request.args}
    form = CodeForm(data=CodeForm.initial(code, **chosen))
    form.family.choices = [(f["id"], saved.family_name(f["id"], language)) for f in saved.families]
    form.parent.choices = [("", _("None: a top-level code"))] + [
        (other.key, f"{INDENT * depth}{other.name(language)} ({other.key})")
        for other, depth in codebook.tree(saved)
        if code is None or other.key != code.key
    ]
    if code is not None:
        del form.key
    return form


def _edit_code(key: Optional[str]):
    saved = _current()
    code = saved.code(key) if key else None
    if key and code is None:
        abort(404)
    form = _code_form(saved, code)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            new = codebook.save_code(current_user, form.code_fields(), key, note=form.note.data)
        except CodebookError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=new.number), "success")
            anchor = f"code-{key or form.key.data}"
            return redirect(url_for(".codebook_page", _anchor=anchor))
    page = render_template(
        "analysis/codebook/code_form.html", form=form, code=code, problems=problems
    )
    return page, 400 if form.errors or problems else 200


@bp.route("/codebook/codes/new", methods=["GET", "POST"])
@require_role(Role.RESEARCHER)
def codebook_code_new():
    return _edit_code(None)


@bp.route("/codebook/codes/<key>/edit", methods=["GET", "POST"])
@require_role(Role.RESEARCHER)
def codebook_code_edit(key: str):
    return _edit_code(key)


@bp.route("/codebook/families/new", methods=["GET", "POST"])
@require_role(Role.RESEARCHER)
def codebook_family_new():
    _current()
    form = FamilyForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            new = codebook.add_family(
                current_user, form.key.data, form.name_nl.data, form.name_en.data
            )
        except CodebookError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=new.number), "success")
            return redirect(url_for(".codebook_page", _anchor=f"family-{form.key.data}"))
    page = render_template("analysis/codebook/family_form.html", form=form, problems=problems)
    return page, 400 if form.errors or problems else 200


@bp.route("/codebook/export.yml")
@require_role(Role.RESEARCHER)
def codebook_export():
    number = request.args.get("version", type=int)
    if "version" in request.args and number is None:
        abort(404)
    saved = _version_or_404(number) if number is not None else codebook.ensure_current()
    audit.record(current_user, "codebook.export", saved, number=saved.number)
    db.session.commit()
    filename = f"wijkstem-codebook-v{saved.number}.yml"
    return Response(
        codebook.export_yaml(saved),
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/codebook/import", methods=["GET", "POST"])
@require_role(Role.RESEARCHER)
def codebook_import():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            new = codebook.import_yaml(form.yaml, current_user)
        except CodebookError as error:
            db.session.rollback()
            problems = error.problems
            # A file cannot be chosen again for the visitor: its text goes into the box to correct.
            form.text.data = form.yaml
        else:
            db.session.commit()
            flash(_("Saved as version %(n)d.", n=new.number), "success")
            return redirect(url_for(".codebook_page"))
    page = render_template("analysis/codebook/import.html", form=form, problems=problems)
    return page, 400 if form.errors or problems else 200

"""Emerging themes: groups of contributions no code fits, each one step from a new code."""

from typing import Optional

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from analysis import codebook, themes
from analysis.models import CodebookVersion
from analysis.views import bp
from app.extensions import db
from app.models import Channel, Role
from app.security import require_role

CHANNELS = (Channel.DIALOGUE, Channel.INTAKE)


class ThemeCodeForm(FlaskForm):
    family = SelectField(_l("Family"))
    key = StringField(
        _l("Id"),
        validators=[
            DataRequired(),
            Regexp(
                codebook.KEY,
                message=_l(
                    "Lowercase letters, digits and _, starting with a letter; it never changes."
                ),
            ),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name_nl = StringField(_l("Dutch name"), validators=[DataRequired(), Length(max=200)])
    cues = TextAreaField(_l("Cues"), validators=[Length(max=20000)])

    def code_fields(self) -> dict:
        """The new code as `codebook.save_code` takes it."""
        return {
            "id": self.key.data.strip(),
            "family": self.family.data,
            "name_nl": self.name_nl.data.strip(),
            "cues": [line.strip() for line in (self.cues.data or "").splitlines() if line.strip()],
        }


def _code_form(version: CodebookVersion, first: int, theme: Optional[themes.Theme] = None):
    """A group's form, named after its first member; prefilled, or as posted without `theme`."""
    prefix = f"theme-{first}"
    if theme is None:
        form = ThemeCodeForm(prefix=prefix)
    else:
        form = ThemeCodeForm(formdata=None, prefix=prefix, data=themes.proposal(theme, version))
    language = get_locale().language if get_locale() else "nl"
    form.family.choices = [
        (family["id"], version.family_name(family["id"], language)) for family in version.families
    ]
    return form


def _filters() -> themes.ThemeFilter:
    channel = request.args.get("channel")
    return themes.ThemeFilter(channel=channel if channel in CHANNELS else None)


def _page(filters: themes.ThemeFilter, typed: Optional[ThemeCodeForm] = None, first: int = 0):
    """The groups, each with its form; `typed` is the refused one, shown again as typed."""
    version = codebook.ensure_current()
    db.session.commit()
    found = themes.uncoded_themes(filters)
    forms = {
        theme.members[0]: _code_form(version, theme.members[0], theme) for theme in found.themes
    }
    # The refused form stays on its group's card; if the groups changed meanwhile, above them.
    orphan = typed if typed is not None and first not in forms else None
    if typed is not None and orphan is None:
        forms[first] = typed
    return render_template(
        "analysis/themes.html",
        found=found,
        forms=forms,
        orphan=orphan,
        opened=first if typed is not None else None,
        channel=filters.channel,
        quote=themes.anonymised,
        min_texts=themes.MIN_TEXTS,
        min_group=themes.MIN_GROUP,
    ), 400 if typed is not None else 200


@bp.get("/themes")
@require_role(Role.RESEARCHER)
def themes_page():
    return _page(_filters())


@bp.post("/themes/<int:first>/code")
@require_role(Role.RESEARCHER)
def theme_code(first: int):
    """Save a theme as a new code; a refusal shows the page again with what was typed."""
    filters = _filters()
    form = _code_form(codebook.ensure_current(), first)
    if not form.validate_on_submit():
        return _page(filters, form, first)
    fields = form.code_fields()
    try:
        saved = codebook.save_code(
            current_user,
            fields,
            note=_("Added code %(code)s from an emerging theme", code=fields["id"]),
        )
    except codebook.CodebookError as error:
        db.session.rollback()
        form.form_errors.extend(error.problems)
        return _page(filters, form, first)
    db.session.commit()
    flash(
        _(
            "Code %(code)s added: codebook version %(n)d. Run auto-coding to apply its cues.",
            code=fields["id"],
            n=saved.number,
        ),
        "success",
    )
    return redirect(url_for(".themes_page", channel=filters.channel))

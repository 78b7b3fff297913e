"""Forms of the codebook pages. A code's lists are typed one item per line."""

from typing import Any, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import ColorField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from analysis.codebook import COLOUR, KEY, LIST_FIELDS, TEXT_FIELDS
from analysis.models import Code

MAX_IMPORT = 1024 * 1024
DEFAULT_COLOUR = "#154273"
KEY_RULE = _l("Lowercase letters, digits and _, starting with a letter; it never changes.")
KEY_ATTRIBUTES = {"pattern": KEY.pattern.strip("^$"), "autocomplete": "off", "spellcheck": "false"}

# Names of a code's fields, for the form and for the list of changes between versions.
FIELD_LABELS = {
    "parent": _l("Parent code"),
    "family": _l("Family"),
    "name_nl": _l("Dutch name"),
    "name_en": _l("English name"),
    "definition_nl": _l("Dutch definition"),
    "definition_en": _l("English definition"),
    "inclusion": _l("Inclusion note"),
    "exclusion": _l("Exclusion note"),
    "examples": _l("Examples"),
    "cues": _l("Cues"),
    "negated_cues": _l("Negated cues"),
    "colour": _l("Colour"),
}


def lines(text: Optional[str]) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _long_text(name: str) -> TextAreaField:
    return TextAreaField(FIELD_LABELS[name], validators=[Length(max=20000)])


class CodeForm(FlaskForm):
    key = StringField(
        _l("Id"),
        validators=[DataRequired(), Regexp(KEY, message=KEY_RULE)],
        render_kw=KEY_ATTRIBUTES,
    )
    parent = SelectField(FIELD_LABELS["parent"], default="")
    family = SelectField(FIELD_LABELS["family"], validators=[DataRequired()])
    name_nl = StringField(FIELD_LABELS["name_nl"], validators=[DataRequired(), Length(max=200)])
    name_en = StringField(FIELD_LABELS["name_en"], validators=[Length(max=200)])
    definition_nl = _long_text("definition_nl")
    definition_en = _long_text("definition_en")
    inclusion = _long_text("inclusion")
    exclusion = _long_text("exclusion")
    examples = _long_text("examples")
    cues = _long_text("cues")
    negated_cues = _long_text("negated_cues")
    colour = ColorField(
        FIELD_LABELS["colour"],
        default=DEFAULT_COLOUR,
        validators=[Regexp(COLOUR, message=_l("Choose a colour such as #154273."))],
    )
    note = StringField(_l("Note for this version (optional)"), validators=[Length(max=500)])

    @staticmethod
    def initial(code: Optional[Code], **new: Any) -> dict[str, Any]:
        """The form's starting values: the code as saved, or `new` for a new code."""
        if code is None:
            return {"colour": DEFAULT_COLOUR, **new}
        values = {name: getattr(code, name) for name in TEXT_FIELDS}
        values.update({name: "\n".join(getattr(code, name) or []) for name in LIST_FIELDS})
        if code.name_en == code.name_nl:
            values["name_en"] = ""  # saved as a copy of the Dutch name; saving it empty keeps that
        return {**values, "key": code.key, "parent": code.parent_key or ""}

    def code_fields(self) -> dict[str, Any]:
        """The code as `codebook.save_code` takes it."""
        fields: dict[str, Any] = {name: getattr(self, name).data for name in TEXT_FIELDS}
        fields.update({name: lines(getattr(self, name).data) for name in LIST_FIELDS})
        fields["parent"] = self.parent.data
        if "key" in self:
            fields["id"] = self.key.data
        return fields


class FamilyForm(FlaskForm):
    key = StringField(
        _l("Id"),
        validators=[DataRequired(), Regexp(KEY, message=KEY_RULE)],
        render_kw=KEY_ATTRIBUTES,
    )
    name_nl = StringField(_l("Dutch name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Length(max=200)])


class ImportForm(FlaskForm):
    upload = FileField(
        _l("YAML file (.yml or .yaml, at most 1 MB)"),
        validators=[
            FileAllowed(["yml", "yaml"], _l("Choose a file ending in .yml or .yaml.")),
            FileSize(MAX_IMPORT, message=_l("The file is larger than 1 MB.")),
        ],
        render_kw={"accept": ".yml,.yaml"},
    )
    text = TextAreaField(_l("Or paste the YAML"), validators=[Length(max=MAX_IMPORT)])
    yaml = ""  # the text to import, from the file or the box, once the form validates

    def validate(self, extra_validators=None) -> bool:
        """Also read the file, so that `yaml` holds the text to import, whichever way it came."""
        if not super().validate(extra_validators):
            return False
        if self.upload.data:
            try:
                self.yaml = self.upload.data.read(MAX_IMPORT).decode("utf-8-sig")
            except UnicodeDecodeError:
                self.upload.errors.append(_("The file is not text in UTF-8."))
                return False
        else:
            self.yaml = self.text.data or ""
        if not self.yaml.strip():
            self.text.errors.append(_("Choose a file or paste the YAML."))
            return False
        return True

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FileField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = choices(
    [
        ("nl", _l("Dutch")),
        ("en", _l("English")),
        ("tr", _l("Turkish")),
        ("ar", _l("Arabic")),
        ("pl", _l("Polish")),
    ]
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DialogueForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(_l("Introduction for participants"), validators=[Length(max=5000)])
    areas = CheckboxesField(_l("Areas this dialogue concerns"), coerce=int)
    visibility = RadioField(
        _l("Who may take part"),
        choices=choices(
            [
                ("invite", _l("Only professionals I invite")),
                ("all", _l("Every professional with an account")),
            ]
        ),
        default="invite",
    )
    moderation_mode = RadioField(
        _l("Moderation"),
        choices=choices(
            [
                ("pre", _l("Before publication: a moderator approves every contribution")),
                (
                    "post",
                    _l("After publication: contributions appear at once and can be taken down"),
                ),
            ]
        ),
        default="pre",
    )
    retention_until = DateField(_l("Keep personal data until"), validators=[Optional()])


class RetentionForm(FlaskForm):
    retention_until = DateField(_l("Keep personal data until"), validators=[Optional()])


class RoundForm(FlaskForm):
    title = StringField(_l("Round title"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(
        _l("Kind of round"),
        choices=choices(
            [
                ("open", _l("Open round: questions to answer and discuss")),
                ("rating", _l("Rating round: statements to rate from 1 to 5")),
                ("reflection", _l("Reflection round: react to a synthesis of earlier rounds")),
            ]
        ),
        default="open",
    )
    opens_at = DateTimeLocalField(_l("Opens (optional)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes (optional)"), validators=[Optional()])
    synthesis = TextAreaField(
        _l("Synthesis of earlier rounds (reflection rounds)"), validators=[Length(max=20000)]
    )
    highlighted = CheckboxesField(_l("Statements to put before the participants again"), coerce=int)


class StatementForm(FlaskForm):
    text = TextAreaField(_l("Statement"), validators=[DataRequired(), Length(max=2000)])
    sources = CheckboxesField(_l("Contributions this statement comes from"), coerce=int)


class ConsensusForm(FlaskForm):
    share = IntegerField(
        _l("Share that must agree or disagree (%)"),
        validators=[InputRequired(), NumberRange(50, 100)],
    )
    iqr = DecimalField(
        _l("Largest interquartile range"), places=2, validators=[InputRequired(), NumberRange(0, 4)]
    )
    group = IntegerField(
        _l("Smallest group shown in breakdowns"), validators=[InputRequired(), NumberRange(1, 100)]
    )


class InviteForm(FlaskForm):
    addresses = TextAreaField(_l("E-mail addresses"), validators=[Length(max=100_000)])
    upload = FileField(_l("Or upload a file with addresses (.txt or .csv)"))


class PromptForm(FlaskForm):
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=2000)])


class ContributionForm(FlaskForm):
    text = TextAreaField(_l("Your contribution"), validators=[DataRequired(), Length(max=10000)])
    area = SelectField(_l("The area you write about (optional)"), coerce=int, default=0)


class IntakeSessionForm(FlaskForm):
    centre = StringField(_l("Community centre"), validators=[DataRequired(), Length(max=200)])
    area = SelectField(_l("Area"), coerce=int, validators=[InputRequired()])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    languages = CheckboxesField(_l("Languages spoken"), choices=LANGUAGE_CHOICES, default=["nl"])
    prompts = TextAreaField(_l("Questions to ask, one per line"), validators=[Length(max=2000)])
    pin = PasswordField(
        _l("PIN for tablet mode (4 to 8 digits)"),
        validators=[DataRequired(), Regexp(r"^\d{4,8}$", message=_l("Use 4 to 8 digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    retention_until = DateField(_l("Keep personal data until"), validators=[Optional()])


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Session note: what happened, who came"), validators=[Length(max=10000)]
    )


class StoryForm(FlaskForm):
    text = TextAreaField(_l("The resident's story"), validators=[DataRequired(), Length(max=10000)])
    language = SelectField(_l("Language of the story"), choices=LANGUAGE_CHOICES, default="nl")
    consent = BooleanField(
        _l("The resident has heard the consent text and agrees"), validators=[DataRequired()]
    )


class JoinForm(FlaskForm):
    """The profile a professional fills in when accepting an invitation."""

    pseudonym = StringField(
        _l("Pseudonym (shown to others)"), validators=[DataRequired(), Length(max=80)]
    )
    display_name = StringField(_l("Your name (optional)"), validators=[Length(max=120)])
    show_real_name = BooleanField(_l("Show my name instead of my pseudonym"))
    professional_role = SelectField(_l("Your professional role"), validators=[InputRequired()])
    organisation_type = SelectField(_l("Type of organisation"), validators=[InputRequired()])
    areas = CheckboxesField(_l("The areas you work in"), coerce=int)
    locale = SelectField(
        _l("Language for messages"), choices=choices([("nl", "Nederlands"), ("en", "English")])
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

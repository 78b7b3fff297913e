from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
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


class RoundForm(FlaskForm):
    title = StringField(_l("Round title"), validators=[DataRequired(), Length(max=200)])
    opens_at = DateTimeLocalField(_l("Opens (optional)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes (optional)"), validators=[Optional()])


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


class StoryForm(FlaskForm):
    text = TextAreaField(_l("The resident's story"), validators=[DataRequired(), Length(max=10000)])
    language = SelectField(_l("Language of the story"), choices=LANGUAGE_CHOICES, default="nl")
    consent = BooleanField(
        _l("The resident has heard the consent text and agrees"), validators=[DataRequired()]
    )

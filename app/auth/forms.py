from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from app.auth.services import DELETE_CONTRIBUTIONS, KEEP_CONTRIBUTIONS


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


class DeleteAccountForm(FlaskForm):
    contributions = RadioField(
        _l("Your contributions"),
        choices=[
            SelectChoice(KEEP_CONTRIBUTIONS, _l('Keep them, shown as "Former participant"')),
            SelectChoice(DELETE_CONTRIBUTIONS, _l("Delete them")),
        ],
        validators=[InputRequired(message=_l("Choose what happens to your contributions."))],
    )
    password = PasswordField(_l("Your password"), validators=[DataRequired()])

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import DeleteAccountForm, LoginForm, PasswordForm
from app.errors import InvalidInput
from app.extensions import db
from app.security import safe_next

bp = Blueprint("auth", __name__)


def _throttle() -> services.Throttle:
    config = current_app.config
    return services.Throttle(
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        per_address=config["LOGIN_FAILURES_PER_ADDRESS"],
        window=config["LOGIN_FAILURE_WINDOW"],
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data,
                form.password.data,
                request.remote_addr or "-",
                _throttle(),
                release=db.session.commit,
            )
        except services.LoginThrottled:
            user = None
            form.form_errors.append(
                _("Too many failed attempts. Wait a quarter of an hour and try again.")
            )
            status = 429
        else:
            if user is None:
                form.form_errors.append(_("E-mail address or password is not correct."))
                status = 401
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except InvalidInput as error:
            form.current.errors.append(error.message)
        else:
            db.session.commit()
            # Log this session in again under the new session version.
            login_user(current_user._get_current_object())
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Staff accounts see why they cannot; the service refuses them too (403)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        choice = form.contributions.data
        try:
            count = services.delete_own_account(current_user, form.password.data, choice)
        except InvalidInput as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            logout_user()
            flash(_deleted_message(choice, count), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/delete.html", form=form), 400 if form.errors else 200


def _deleted_message(choice: str, count: int) -> str:
    if choice == services.DELETE_CONTRIBUTIONS:
        return _("Your account has been deleted, and with it %(n)d contribution(s).", n=count)
    return _(
        'Your account has been deleted. %(n)d contribution(s) stay, shown as "Former participant".',
        n=count,
    )

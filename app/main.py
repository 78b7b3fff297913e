"""Start page, dashboard, privacy statement, language switch and health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import text

from app.extensions import db
from app.registry import nav_for
from app.security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("dashboard.html", items=nav_for(current_user))


@bp.route("/privacy")
def privacy():
    """The privacy statement is prose, so each language has its own template."""
    language = "en" if str(get_locale()) == "en" else "nl"
    return render_template(
        f"privacy_{language}.html",
        days=current_app.config["RETENTION_DEFAULT_DAYS"],
        contact=current_app.config["PRIVACY_CONTACT"],
        window=current_app.config["LOGIN_FAILURE_WINDOW"],
    )


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next(request.form.get("next"), "/"))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unavailable", detail=type(error).__name__), 503
    return jsonify(status="ok", database="ok", backend=db.engine.dialect.name)

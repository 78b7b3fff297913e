"""Wijkstem: listening to neighbourhoods."""

import os
import secrets
from pathlib import Path
from typing import Any, Mapping, Optional

from flask import Flask, current_app, has_request_context, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.config import Defaults
from app.database import configure_sqlite
from app.extensions import babel, csrf, db, login_manager, migrate

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Optional[Mapping[str, Any]] = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WIJKSTEM")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _finish_config(app)
    _init_extensions(app)
    _register_core(app)
    _register_packages(app)
    return app


def _finish_config(app: Flask) -> None:
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "wijkstem.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith(("postgres://", "postgresql://")):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.debug
    configure_sqlite(app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _instance_secret(path: Path) -> str:
    """Generate the secret key once and keep it, so sessions survive a restart."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _select_locale() -> str:
    """The visitor's explicit choice, else their account's language, else Dutch."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    return session.get("language") or getattr(current_user, "locale", None) or default


def _init_extensions(app: Flask) -> None:
    from app.auth.services import load_session_user

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)


def _register_core(app: Flask) -> None:
    from app import audit_views, cli, main
    from app.auth.views import bp as auth_bp
    from app.errors import register_error_handlers
    from app.labels import label
    from app.models import Role
    from app.registry import NavItem, add_nav, nav_for
    from app.security import register_security_headers

    app.register_blueprint(main.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(audit_views.bp)
    add_nav(
        app,
        NavItem(
            "audit.index",
            _l("Audit trail"),
            (Role.ADMIN,),
            _l("Who decided what, and why; filter and export."),
        ),
    )
    register_error_handlers(app)
    register_security_headers(app)
    cli.register(app)
    app.add_template_filter(label)

    @app.context_processor
    def _template_globals():
        return {
            "current_language": _select_locale,
            "nav_items": lambda: nav_for(current_user),
        }


def _register_packages(app: Flask) -> None:
    """The only place that knows the feature packages."""
    import analysis
    import dialogues
    import moderation

    for package in (dialogues, moderation, analysis):
        package.init_app(app)

"""Domain errors, mapped once to HTTP status codes, pages and JSON bodies."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class WijkstemError(Exception):
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(WijkstemError):
    status_code = 400


class LoginRequired(WijkstemError):
    status_code = 401


class NotAllowed(WijkstemError):
    status_code = 403


class NotFound(WijkstemError):
    status_code = 404


class Conflict(WijkstemError):
    status_code = 409


class TooLarge(WijkstemError):
    status_code = 413


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be handled"),
        401: _("Log in to continue"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        409: _("This could not be done right now"),
        413: _("What you sent is too large"),
        500: _("Something went wrong on our side"),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _respond(status: int, message: str):
    title = _titles().get(status, _("Something went wrong"))
    if _wants_json():
        return jsonify(error=title, message=message, status=status), status
    return render_template(
        "errors/error.html", error_code=status, title=title, message=message
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(WijkstemError)
    def _domain_error(error: WijkstemError):
        db.session.rollback()
        return _respond(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError):
        return _respond(
            400, _("Your form was out of date. Reload the page and try again; nothing was saved.")
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        messages = {
            403: _("Your role does not give access to this page."),
            404: _("The page you asked for does not exist or has moved."),
        }
        return _respond(error.code or 500, messages.get(error.code, error.description or ""))

    @app.errorhandler(Exception)
    def _server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(500, _("The error has been logged. Please try again later."))

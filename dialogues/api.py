"""JSON API for the tablet: PIN check, screening preview, and idempotent story upload.

Errors are JSON with a message (see app.errors). The raw text of a story is
never logged: only the screened, redacted text is stored.
"""

from datetime import timedelta

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import services as accounts
from app.errors import InvalidInput, LoginRequired, NotAllowed
from app.extensions import db
from app.models import Role
from dialogues import intake
from dialogues.blueprint import bp
from dialogues.models import IntakeSession
from dialogues.services import MAX_TEXT_LENGTH
from moderation import screening

API = "/api/v1/intake-sessions/<int:session_id>"
PIN_TRIES, PIN_WINDOW = 10, timedelta(minutes=15)


def _session(session_id: int) -> IntakeSession:
    if not current_user.is_authenticated:
        raise LoginRequired(_("Your session has ended. Log in again; nothing typed is lost."))
    session = db.get_or_404(IntakeSession, session_id)
    if not current_user.has_role(Role.FACILITATOR) or not session.is_run_by(current_user):
        raise NotAllowed(_("This intake session is run by another facilitator."))
    return session


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput(_("Send a JSON object."))
    return data


@bp.post(f"{API}/pin")
def check_pin(session_id: int):
    """Check the session PIN; ten wrong ones within 15 minutes block further tries."""
    session = _session(session_id)
    subject = f"intake-session:{session.id}"
    if accounts.too_many_failures("pin", subject, PIN_TRIES, PIN_WINDOW):
        message = _("Too many failed attempts. Wait a quarter of an hour and try again.")
        return jsonify(error="throttled", message=message, status=429), 429
    if intake.check_pin(current_user, session, str(_json().get("pin", ""))):
        return jsonify(ok=True)
    accounts.record_failure("pin", subject)
    db.session.commit()
    return jsonify(error="wrong PIN", message=_("The PIN is not correct."), status=403), 403


@bp.post(f"{API}/preview")
def preview(session_id: int):
    """Screen a story without storing it, so the facilitator sees what will be kept."""
    _session(session_id)
    data = _json()
    text = str(data.get("text", ""))[: MAX_TEXT_LENGTH + 1]
    result = screening.screen(text, str(data.get("language", "nl")))
    findings = [{"start": f.start, "end": f.end, "label": f.label} for f in result.findings]
    return jsonify(cleaned=result.cleaned, redacted=result.redacted, findings=findings)


@bp.post(f"{API}/stories")
def upload_story(session_id: int):
    session = _session(session_id)
    data = _json()
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict) or not isinstance(data.get("text", ""), str):
        raise InvalidInput(_("Send the attributes as an object and the text as a string."))
    story, created = intake.record_story(
        current_user,
        session,
        data.get("text", ""),
        language=str(data.get("language") or "nl")[:5],
        consent=data.get("consent") is True,
        attributes=attributes,
        client_uuid=_client_uuid(data),
    )
    db.session.commit()
    return jsonify(id=story.id, status=story.status, client_uuid=story.client_uuid), (
        201 if created else 200
    )


def _client_uuid(data: dict) -> str:
    value = str(data.get("client_uuid") or "")
    if not 8 <= len(value) <= 36:
        raise InvalidInput(_("Each story needs the client_uuid the tablet made for it."))
    return value

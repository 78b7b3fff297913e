"""Human names for the codes stored in the database (statuses, roles, channels)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "pending": _l("waiting for moderation"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "draft": _l("draft"),
    "open": _l("open"),
    "closed": _l("closed"),
    "archived": _l("archived"),
    "admin": _l("administrator"),
    "facilitator": _l("facilitator"),
    "moderator": _l("moderator"),
    "researcher": _l("researcher"),
    "professional": _l("professional"),
    "dialogue": _l("dialogue"),
    "intake": _l("resident story"),
    "pre": _l("before publication"),
    "post": _l("after publication"),
    "email": _l("e-mail address"),
    "phone": _l("phone number"),
}


def label(code: str) -> str:
    return str(LABELS.get(code, code))

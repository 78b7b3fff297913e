"""The dialogues blueprint and what its view modules share."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint
from sqlalchemy import select

from app.errors import WijkstemError
from app.extensions import db
from app.models import Area

bp = Blueprint(
    "dialogues",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/dialogues/static",
)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def all_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def local_to_utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=AMSTERDAM).astimezone(ZoneInfo("UTC")) if moment else None


def keep_form_with_error(form, error: WijkstemError, field: str | None = None) -> None:
    """Show a service's refusal beside the form, keeping what was typed."""
    db.session.rollback()
    target = getattr(form, field).errors if field else form.form_errors
    target.append(error.message)

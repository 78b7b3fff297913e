"""The audit trail for administrators: read, filter and export; never change."""

import csv
import io
from datetime import UTC, date, datetime, time
from typing import Optional

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app import audit
from app.extensions import db
from app.models import AuditEvent, Role, User
from app.security import require_role

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PAGE_SIZE = 100


def _day(value: Optional[str], end: bool = False) -> Optional[datetime]:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if day is None:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def filtered(args) -> Select:
    """Events matching the filters in `args` (action, actor e-mail, object type, dates)."""
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if args.get("action"):
        query = query.where(AuditEvent.action.startswith(args["action"].strip()))
    if args.get("object_type"):
        query = query.where(AuditEvent.object_type == args["object_type"].strip())
    if args.get("actor"):
        actor = select(User.id).where(User.email == args["actor"].strip().lower())
        query = query.where(AuditEvent.actor_id.in_(actor))
    if since := _day(args.get("since")):
        query = query.where(AuditEvent.created_at >= since)
    if until := _day(args.get("until"), end=True):
        query = query.where(AuditEvent.created_at <= until)
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


@bp.route("/")
@require_role(Role.ADMIN)
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    query = filtered(request.args).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    events = list(db.session.scalars(query))
    return render_template(
        "audit/index.html",
        events=events[:PAGE_SIZE],
        page=page,
        more=len(events) > PAGE_SIZE,
        args=request.args,
        filters={k: v for k, v in request.args.items() if k != "page" and v},
    )


@bp.route("/export.csv")
@require_role(Role.ADMIN)
def export():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time_utc", "actor", "action", "object_type", "object_id", "reason"])
    for event in db.session.scalars(filtered(request.args)):
        writer.writerow(
            [
                event.id,
                event.created_at.isoformat(),
                event.actor.email if event.actor else "",
                event.action,
                event.object_type,
                event.object_id or "",
                event.reason or "",
            ]
        )
    audit.record(current_user, "export.audit_csv", None, filters=dict(request.args))
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=wijkstem-audit.csv"},
    )

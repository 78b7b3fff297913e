"""The one way to write an audit event."""

from typing import Any, Optional

from app.extensions import db
from app.models import AuditEvent, User


def record(
    actor: Optional[User],
    action: str,
    obj: Any = None,
    *,
    reason: Optional[str] = None,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "-",
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) else None,
        reason=reason,
        details=details,
    )
    db.session.add(event)
    return event

import csv
import io

from sqlalchemy import select

from app import audit
from app.models import AuditEvent


def test_admin_sees_and_filters_the_audit_trail(db, client, make_user, login):
    admin = make_user("admin")
    moderator = make_user("moderator")
    audit.record(moderator, "moderation.reject", None, reason="Scheldwoorden")
    audit.record(moderator, "moderation.approve", None)
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit/?action=moderation.reject").get_data(as_text=True)
    assert "Scheldwoorden" in page and "moderation.approve" not in page
    page = client.get(f"/admin/audit/?actor={moderator.email}").get_data(as_text=True)
    assert "moderation.approve" in page and "user.create" not in page


def test_export_is_csv_and_is_itself_audited(db, client, make_user, login):
    admin = make_user("admin")
    login(admin)
    response = client.get("/admin/audit/export.csv?action=user.create")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert rows and {row["action"] for row in rows} == {"user.create"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.audit_csv"))


def test_only_admins_see_the_audit_trail(client, make_user, login):
    login(make_user("moderator"))
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403

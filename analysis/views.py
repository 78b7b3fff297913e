from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from analysis import codebook, services
from analysis.models import CodedSegment
from app.extensions import db
from app.models import Contribution, Role, Status
from app.security import require_role

bp = Blueprint("analysis", __name__, url_prefix="/analysis", template_folder="templates")


@bp.route("/")
@require_role(Role.RESEARCHER)
def index():
    version = codebook.ensure_current()
    db.session.commit()
    approved = db.session.scalar(
        select(func.count(Contribution.id)).where(Contribution.status == Status.APPROVED)
    )
    waiting = len(services.uncoded(version.number))
    return render_template(
        "analysis/index.html",
        version=version,
        codes={code.key: code for code in version.codes},
        families=version.families,
        approved=approved,
        waiting=waiting,
        segment_count=db.session.scalar(select(func.count(CodedSegment.id))),
        segments=services.segments(limit=50),
    )


@bp.route("/code", methods=["POST"])
@require_role(Role.RESEARCHER)
def run_coding():
    count = services.code_pending(current_user, commit=db.session.commit)
    db.session.commit()
    flash(_("%(n)d contributions coded.", n=count), "success")
    return redirect(url_for(".index"))


@bp.route("/export/segments.csv", methods=["POST"])
@require_role(Role.RESEARCHER)
def export_segments():
    body = services.export_csv(current_user, current_app.config["SECRET_KEY"])
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=wijkstem-segments.csv"},
    )

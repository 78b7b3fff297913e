from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from analysis import codebook, learning, segments, services
from analysis.models import CodedSegment, SegmentStatus, TrainedModel
from app.extensions import db
from app.models import Contribution, Role, Status
from app.security import require_role

bp = Blueprint("analysis", __name__, url_prefix="/analysis", template_folder="templates")


@bp.route("/")
@require_role(Role.RESEARCHER)
def index():
    engine = learning.current_engine(with_model=False)
    db.session.commit()
    approved = db.session.scalar(
        select(func.count(Contribution.id)).where(Contribution.status == Status.APPROVED)
    )
    by_status = dict(
        db.session.execute(
            select(CodedSegment.status, func.count(CodedSegment.id))
            .where(CodedSegment.sample_id.is_(None))
            .group_by(CodedSegment.status)
        ).all()
    )
    _, to_code = segments.queue(segments.QueueFilter())
    return render_template(
        "analysis/index.html",
        engine=engine,
        approved=approved,
        to_code=to_code,
        suggested=by_status.get(SegmentStatus.SUGGESTED, 0),
        accepted=by_status.get(SegmentStatus.ACCEPTED, 0),
        model=learning.latest_model(),
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


@bp.route("/models")
@require_role(Role.RESEARCHER)
def models():
    engine = learning.current_engine()
    version = codebook.ensure_current()
    db.session.commit()
    history = db.session.scalars(select(TrainedModel).order_by(TrainedModel.number.desc())).all()
    metrics = history[0].metrics if history else learning.engine_metrics(engine)
    return render_template(
        "analysis/models.html",
        engine=engine,
        version=version,
        history=history,
        metrics=metrics,
        examples=learning.decided_count(),
    )


@bp.route("/models", methods=["POST"])
@require_role(Role.RESEARCHER)
def train():
    model = learning.train(current_user)
    db.session.commit()
    flash(_("Model %(n)d trained on %(s)d sentences.", n=model.number, s=model.examples), "success")
    return redirect(url_for(".models"))

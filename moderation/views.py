from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from app.errors import WijkstemError
from app.extensions import db
from app.models import Contribution, Role
from app.security import require_role, safe_next
from moderation import flags, services

bp = Blueprint("moderation", __name__, url_prefix="/moderation", template_folder="templates")


def highlighted(contribution: Contribution) -> Markup:
    """A story's plain text, escaped, with what screening found (or put in its place) marked."""
    body, parts, position = contribution.body, [], 0
    for finding in sorted(contribution.findings, key=lambda f: f["start"]):
        parts.append(escape(body[position : finding["start"]]))
        parts.append(
            Markup('<mark class="finding" title="{}">{}</mark>').format(
                finding["label"], body[finding["start"] : finding["end"]]
            )
        )
        position = finding["end"]
    parts.append(escape(body[position:]))
    return Markup("").join(parts)


@bp.route("/")
@require_role(Role.MODERATOR)
def queue():
    channel = request.args.get("channel") or None
    flag = request.args.get("flag") or None
    return render_template(
        "moderation/queue.html",
        items=services.queue(channel, flag),
        channel=channel,
        flag=flag,
        flag_codes=flags.ALL,
        reports_on=services.reports_on,
        highlighted=highlighted,
    )


@bp.route("/<int:contribution_id>/decide", methods=["POST"])
@require_role(Role.MODERATOR)
def decide(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    decision = request.form.get("decision")
    seen = request.form.get("version", type=int)
    try:
        if decision == "reject":
            services.reject(current_user, contribution, request.form.get("reason", ""), seen)
        elif decision in ("approve", "approve_redacted"):
            redact = decision == "approve_redacted"
            services.approve(current_user, contribution, redact=redact, seen=seen)
        else:
            raise WijkstemError(_("Choose approve or reject."))
        db.session.commit()
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    except StaleDataError:
        # Another moderator's decision landed between our read and our write.
        db.session.rollback()
        flash(_("Another moderator has already decided on this contribution."), "error")
    else:
        flash(_("Decision saved."), "success")
    return redirect(
        url_for(".queue", channel=request.args.get("channel"), flag=request.args.get("flag"))
    )


@bp.route("/report/<int:contribution_id>", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def report(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    try:
        hidden = services.report(
            current_user,
            contribution,
            request.form.get("reason", ""),
            current_app.config["REPORTS_TO_HIDE"],
        )
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Thank you. A moderator will look at it."), "success")
        if hidden:
            flash(_("The contribution is hidden until a moderator has reviewed it."), "success")
    return redirect(safe_next(request.form.get("next"), "/"))

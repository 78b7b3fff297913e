"""The moderation pages: the queue, recently published items, and decisions on them.

Each decision posts the version the moderator saw; a refusal shows the page
again with the reason and what was typed.
"""

from datetime import timedelta
from typing import Callable, Optional

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from app.errors import InvalidInput, WijkstemError
from app.extensions import db
from app.models import Channel, Contribution, Role, as_utc, utcnow
from app.security import require_role, safe_next
from moderation import flags, redaction, services

bp = Blueprint(
    "moderation",
    __name__,
    url_prefix="/moderation",
    template_folder="templates",
    static_folder="static",
)
_CHANNELS = (Channel.DIALOGUE, Channel.INTAKE)


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


def _chosen() -> dict:
    """The filters in the query string; values the queue does not know are left out."""
    args = request.args
    return {
        "channel": args.get("channel") if args.get("channel") in _CHANNELS else None,
        "flag": args.get("flag") if args.get("flag") in ("any", *flags.ALL) else None,
        "dialogue": args.get("dialogue", type=int),
        "intake_session": args.get("intake_session", type=int),
        "waiting": args.get("waiting") if args.get("waiting") in services.WAITING else None,
    }


def _age(moment) -> timedelta:
    return utcnow() - as_utc(moment)


def _render(template: str, items: list[Contribution], problem: Optional[dict], status: int, **more):
    return render_template(
        template,
        items=items,
        chosen=_chosen(),
        problem=problem,
        origins=services.origins(items),
        dialogues=services.dialogue_choices(),
        intake_sessions=services.intake_session_choices(),
        flag_codes=flags.ALL,
        waiting_options=services.WAITING,
        reject_reasons=current_app.config["MODERATION_REJECT_REASONS"],
        redact_labels=redaction.LABELS,
        reports_on=services.reports_on,
        highlighted=highlighted,
        bulk_ok=services.may_approve_in_bulk,
        age=_age,
        **more,
    ), status


def _queue_page(problem: Optional[dict] = None, status: int = 200):
    return _render("moderation/queue.html", services.queue(**_chosen()), problem, status)


def _published_page(problem: Optional[dict] = None, status: int = 200):
    chosen, size = _chosen(), current_app.config["MODERATION_PAGE_SIZE"]
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = services.recently_published(
        chosen["channel"],
        dialogue=chosen["dialogue"],
        intake_session=chosen["intake_session"],
        page=page,
        per_page=size,
    )
    pages = max((total + size - 1) // size, 1)
    return _render(
        "moderation/published.html", items, problem, status, total=total, page=page, pages=pages
    )


@bp.route("/")
@require_role(Role.MODERATOR)
def queue():
    return _queue_page()


@bp.route("/published")
@require_role(Role.MODERATOR)
def published():
    return _published_page()


def _back() -> str:
    """The page the form came from, with its filters (the query string the form posted to)."""
    endpoint = ".published" if request.form.get("view") == "published" else ".queue"
    return safe_next(request.form.get("next"), url_for(endpoint, **request.args))


def _refused(item_id: Optional[int], message: str, status: int):
    """Show the page again with the reason and everything typed; a dialogue page gets a flash."""
    db.session.rollback()
    if request.form.get("next"):
        flash(message, "error")
        return redirect(_back())
    problem = {"item": item_id, "message": message, "typed": request.form}
    if request.form.get("view") == "published":
        return _published_page(problem, status)
    return _queue_page(problem, status)


def _act(contribution_id: int, act: Callable[[Contribution, Optional[int]], str]):
    """Run one decision at the version the moderator saw; commit once."""
    contribution = db.get_or_404(Contribution, contribution_id)
    try:
        done = act(contribution, request.form.get("version", type=int))
        db.session.commit()
    except WijkstemError as error:
        return _refused(contribution_id, error.message, error.status_code)
    except StaleDataError:
        # Another moderator's decision landed between our read and our write.
        message = _("Another moderator has already decided on this contribution.")
        return _refused(contribution_id, message, 409)
    flash(done, "success")
    return redirect(_back())


@bp.route("/<int:contribution_id>/decide", methods=["POST"])
@require_role(Role.MODERATOR)
def decide(contribution_id: int):
    def act(contribution: Contribution, seen: Optional[int]) -> str:
        decision = request.form.get("decision")
        if decision == "reject":
            services.reject(
                current_user,
                contribution,
                request.form.get("reason", ""),
                seen,
                listed=request.form.get("listed_reason") or None,
                listed_reasons=tuple(current_app.config["MODERATION_REJECT_REASONS"]),
            )
        elif decision in ("approve", "approve_redacted"):
            redact = decision == "approve_redacted"
            services.approve(current_user, contribution, redact=redact, seen=seen)
        else:
            raise InvalidInput(_("Choose approve or reject."))
        return _("Decision saved.")

    return _act(contribution_id, act)


@bp.route("/<int:contribution_id>/redact", methods=["POST"])
@require_role(Role.MODERATOR)
def redact(contribution_id: int):
    def act(contribution: Contribution, seen: Optional[int]) -> str:
        form = request.form
        text, label = form.get("text", ""), form.get("label", "")
        services.redact(current_user, contribution, text, label, seen, form.get("start", type=int))
        return _("The text has been replaced by a placeholder.")

    return _act(contribution_id, act)


@bp.route("/<int:contribution_id>/hide", methods=["POST"])
@require_role(Role.MODERATOR)
def hide(contribution_id: int):
    def act(contribution: Contribution, seen: Optional[int]) -> str:
        services.hide(current_user, contribution, request.form.get("reason", ""), seen)
        return _("The contribution is hidden. Restore it from the queue.")

    return _act(contribution_id, act)


@bp.route("/<int:contribution_id>/restore", methods=["POST"])
@require_role(Role.MODERATOR)
def restore(contribution_id: int):
    def act(contribution: Contribution, seen: Optional[int]) -> str:
        services.restore(current_user, contribution, seen)
        return _("The contribution is published again.")

    return _act(contribution_id, act)


def _numbers(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids)


@bp.route("/approve-selected", methods=["POST"])
@require_role(Role.MODERATOR)
def approve_selected():
    chosen = request.form.getlist("item", type=int)
    seen = {i: request.form.get(f"version-{i}", type=int) for i in chosen}
    try:
        result = services.approve_selected(current_user, seen)
        db.session.commit()
    except WijkstemError as error:
        return _refused(None, error.message, error.status_code)
    if result.approved:
        count = len(result.approved)
        flash(ngettext("%(num)d item approved.", "%(num)d items approved.", count), "success")
    if result.changed:
        flash(
            _(
                "Not approved because they changed while you were reading: %(items)s. Look again.",
                items=_numbers(result.changed),
            ),
            "error",
        )
    if result.refused:
        flash(
            _(
                "Not approved: %(items)s. Items with flags or personal data need a look each.",
                items=_numbers(result.refused),
            ),
            "error",
        )
    return redirect(_back())


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

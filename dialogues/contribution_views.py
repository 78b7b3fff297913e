"""What professionals do in a round: contribute, reply, edit, withdraw, endorse, rate."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import InvalidInput, WijkstemError
from app.extensions import db
from app.models import Area, Contribution, Role
from app.security import require_role
from dialogues import rating, services
from dialogues.blueprint import bp, keep_form_with_error
from dialogues.forms import ContributionForm, choices
from dialogues.models import Prompt, Round, RoundKind, Statement
from dialogues.views import participant_page


def _back_to(prompt_id: int, dialogue_id: int):
    return redirect(url_for(".dialogue", dialogue_id=dialogue_id, _anchor=f"prompt-{prompt_id}"))


@bp.route("/prompts/<int:prompt_id>/contributions", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def contribute(prompt_id: int):
    prompt = db.get_or_404(Prompt, prompt_id)
    dialogue = prompt.round.dialogue
    form = ContributionForm()
    form.area.choices = choices([(0, "")] + [(a.id, a.name) for a in dialogue.areas])
    parent_id = request.form.get("parent_id", type=int)
    stance = request.form.get("stance") or None
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data) if form.area.data else None
        parent = db.session.get(Contribution, parent_id) if parent_id else None
        try:
            if stance not in (None, "agree", "nuance"):
                raise InvalidInput(_("Choose whether you agree or add nuance."))
            contribution = services.post_contribution(
                current_user, prompt, form.text.data, area, parent=parent, stance=stance
            )
        except WijkstemError as error:
            keep_form_with_error(form, error, "text")
        else:
            db.session.commit()
            flash(request.form.get("draft_key", ""), "draft-sent")
            if contribution.status == "pending":
                flash(_("Thank you. Your contribution is waiting for a moderator."), "success")
            else:
                flash(_("Thank you. Your contribution has been published."), "success")
            return _back_to(prompt.id, dialogue.id)
    return participant_page(dialogue, form, failed={"prompt": prompt.id, "parent": parent_id})


@bp.route("/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
@require_role(Role.PROFESSIONAL)
def edit_contribution(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    prompt = db.get_or_404(Prompt, contribution.prompt_id)
    if request.method == "GET":
        services.require_editable(current_user, contribution)
    form = ContributionForm(data={"text": contribution.body} if request.method == "GET" else None)
    del form.area
    if form.validate_on_submit():
        try:
            services.edit_contribution(current_user, contribution, form.text.data)
        except WijkstemError as error:
            keep_form_with_error(form, error, "text")
        else:
            db.session.commit()
            flash(_("Your contribution has been changed."), "success")
            return _back_to(prompt.id, prompt.round.dialogue_id)
    return render_template(
        "dialogues/edit.html", form=form, contribution=contribution, prompt=prompt
    ), 400 if form.errors else 200


def _act_on(contribution_id: int, action, done: str):
    """Run a one-click service action on a contribution, then go back to it."""
    contribution = db.get_or_404(Contribution, contribution_id)
    prompt = db.get_or_404(Prompt, contribution.prompt_id)
    try:
        action(current_user, contribution)
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _back_to(prompt.id, prompt.round.dialogue_id)


@bp.route("/contributions/<int:contribution_id>/withdraw", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def withdraw(contribution_id: int):
    return _act_on(
        contribution_id,
        services.withdraw_contribution,
        _("Your contribution has been withdrawn."),
    )


@bp.route("/contributions/<int:contribution_id>/endorse", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def endorse(contribution_id: int):
    return _act_on(contribution_id, services.endorse, _("Marked as recognisable."))


def _parse_rating(statement: Statement) -> tuple[bool, int | None, str]:
    """(answered, value or None for skip, comment) from the rating form."""
    raw = request.form.get(f"value-{statement.id}", "")
    comment = request.form.get(f"comment-{statement.id}", "")
    if raw == "skip":
        return True, None, comment
    if raw.isdigit():
        return True, int(raw), comment
    return False, None, comment


@bp.route("/rounds/<int:round_id>/ratings", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def rate(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    dialogue = round_.dialogue
    try:
        saved = []
        for statement in round_.statements:
            answered, value, comment = _parse_rating(statement)
            if answered:
                rating.rate(current_user, statement, value, comment)
                saved.append(statement.id)
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        for statement_id in saved:
            flash(f"comment-{statement_id}", "draft-sent")
        done, total = rating.progress(current_user, round_)
        flash(
            _("Saved. You have rated %(done)d of %(total)d statements.", done=done, total=total),
            "success",
        )
    return redirect(url_for(".dialogue", dialogue_id=dialogue.id, _anchor=f"round-{round_.id}"))


@bp.route("/rounds/<int:round_id>/results")
@require_role(Role.FACILITATOR, Role.RESEARCHER)
def results(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    if round_.kind != RoundKind.RATING:
        abort(404)
    if current_user.role == Role.FACILITATOR:
        services.require_facilitator(current_user, round_.dialogue)
    return render_template("dialogues/results.html", round=round_, results=rating.results(round_))

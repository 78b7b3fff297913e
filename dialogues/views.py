"""Dialogue pages for facilitators and professionals; each view parses, calls a service, commits."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.errors import WijkstemError
from app.extensions import db
from app.labels import label
from app.models import Area, Contribution, Role, Status, as_utc
from app.security import require_role
from dialogues import rating, retention, services
from dialogues.blueprint import all_areas, bp, keep_form_with_error, local_to_utc
from dialogues.forms import (
    ConsensusForm,
    ContributionForm,
    DialogueForm,
    PromptForm,
    RetentionForm,
    RoundForm,
    StatementForm,
    choices,
)
from dialogues.models import Dialogue, Round, RoundKind, Statement


@bp.route("/dialogues/")
@require_role(Role.FACILITATOR, Role.PROFESSIONAL)
def index():
    return render_template(
        "dialogues/index.html", dialogues=services.visible_dialogues(current_user)
    )


@bp.route("/dialogues/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def new_dialogue():
    form = DialogueForm()
    form.areas.choices = choices((a.id, a.name) for a in all_areas())
    if request.method == "GET":
        form.retention_until.data = retention.today() + retention.period()
    if form.validate_on_submit():
        chosen = [db.session.get(Area, i) for i in form.areas.data]
        try:
            dialogue = services.create_dialogue(
                current_user,
                form.title.data,
                form.intro.data,
                chosen,
                form.moderation_mode.data,
                form.visibility.data,
            )
            retention.set_until(current_user, dialogue, form.retention_until.data)
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Dialogue created. Add a round and a question."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return render_template(
        "dialogues/new.html", form=form, days=retention.period().days
    ), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>")
@require_role(Role.FACILITATOR, Role.PROFESSIONAL)
def dialogue(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    if dialogue.is_facilitated_by(current_user):
        return _manage_page(dialogue)
    return participant_page(dialogue)


def _statement_choices(dialogue: Dialogue):
    return choices(
        (s.id, s.text[:120])
        for r in dialogue.rounds
        if r.kind == RoundKind.RATING
        for s in r.statements
    )


def _source_choices(dialogue: Dialogue):
    prompt_ids = [p.id for r in dialogue.rounds for p in r.prompts]
    query = select(Contribution).where(
        Contribution.prompt_id.in_(prompt_ids), Contribution.status == Status.APPROVED
    )
    return choices(
        (c.id, f"#{c.id}: {c.body[:100]}")
        for c in db.session.scalars(query.order_by(Contribution.id))
    )


def _manage_page(dialogue: Dialogue, **forms):
    round_form = forms.get("round_form") or RoundForm()
    round_form.highlighted.choices = _statement_choices(dialogue)
    statement_form = forms.get("statement_form") or StatementForm()
    statement_form.sources.choices = _source_choices(dialogue)
    consensus_form = forms.get("consensus_form") or ConsensusForm(
        share=round(dialogue.consensus_share * 100),
        iqr=dialogue.consensus_iqr,
        group=dialogue.min_group_size,
    )
    retention_form = forms.get("retention_form") or RetentionForm(
        retention_until=retention.until(dialogue)
    )
    all_forms = (round_form, statement_form, consensus_form, retention_form)
    status = 400 if any(f.errors for f in all_forms) else 200
    return render_template(
        "dialogues/manage.html",
        dialogue=dialogue,
        round_form=round_form,
        prompt_form=forms.get("prompt_form") or PromptForm(),
        statement_form=statement_form,
        consensus_form=consensus_form,
        retention_form=retention_form,
        retention_until=retention.until(dialogue),
        retention_days=retention.period().days,
        failed_round=forms.get("failed_round"),
        round_state=services.round_state,
    ), status


def participant_page(dialogue: Dialogue, form: ContributionForm | None = None, failed=None):
    if dialogue not in services.visible_dialogues(current_user):
        abort(404)
    form = form or ContributionForm()
    form.area.choices = choices(
        [(0, _("No particular area"))] + [(a.id, a.name) for a in dialogue.areas]
    )
    previous_visit = None
    if services.may_take_part(current_user, dialogue) and request.method == "GET":
        previous_visit = services.record_visit(current_user, dialogue)
        db.session.commit()
    return render_template(
        "dialogues/participate.html",
        dialogue=dialogue,
        form=form,
        failed=failed or {},
        current=services.current_round(dialogue),
        is_new=lambda c: bool(previous_visit and as_utc(c.created_at) > previous_visit),
        new_count=services.new_since(current_user, dialogue, previous_visit),
        may_take_part=services.may_take_part(current_user, dialogue),
        round_state=services.round_state,
        contributions_to=lambda prompt: services.contributions_to(prompt, current_user),
        endorsement_counts=services.endorsement_counts,
        endorsed_by=lambda prompt: services.endorsed_by(current_user, prompt),
        can_edit=lambda c: services.can_edit(current_user, c),
        ratings_of=lambda round_: rating.ratings_of(current_user, round_),
        progress=lambda round_: rating.progress(current_user, round_),
        results=rating.results,
    ), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>/rounds", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_round(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = RoundForm()
    form.highlighted.choices = _statement_choices(dialogue)
    if form.validate_on_submit():
        try:
            previous_default = retention.default_until(dialogue)
            round_ = services.add_round(
                current_user,
                dialogue,
                form.title.data,
                local_to_utc(form.opens_at.data),
                local_to_utc(form.closes_at.data),
                kind=form.kind.data,
                synthesis=form.synthesis.data,
            )
            round_.highlighted = [db.session.get(Statement, i) for i in form.highlighted.data]
            retention.follow_rounds(dialogue, previous_default)
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Round added."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return _manage_page(dialogue, round_form=form)


@bp.route("/rounds/<int:round_id>/prompts", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_prompt(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = PromptForm()
    if form.validate_on_submit():
        try:
            services.add_prompt(current_user, round_, form.text.data)
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for(".dialogue", dialogue_id=round_.dialogue_id))
    return _manage_page(round_.dialogue, prompt_form=form, failed_round=round_.id)


@bp.route("/rounds/<int:round_id>/statements", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_statement(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = StatementForm()
    form.sources.choices = _source_choices(round_.dialogue)
    if form.validate_on_submit():
        try:
            sources = [db.session.get(Contribution, i) for i in form.sources.data]
            rating.add_statement(current_user, round_, form.text.data, sources)
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Statement added."), "success")
            return redirect(url_for(".dialogue", dialogue_id=round_.dialogue_id))
    return _manage_page(round_.dialogue, statement_form=form, failed_round=round_.id)


@bp.route("/dialogues/<int:dialogue_id>/consensus", methods=["POST"])
@require_role(Role.FACILITATOR)
def set_consensus(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = ConsensusForm()
    if form.validate_on_submit():
        try:
            services.set_consensus_rules(
                current_user, dialogue, form.share.data / 100, float(form.iqr.data), form.group.data
            )
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Consensus rules saved."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return _manage_page(dialogue, consensus_form=form)


@bp.route("/dialogues/<int:dialogue_id>/retention", methods=["POST"])
@require_role(Role.FACILITATOR)
def set_retention(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = RetentionForm()
    if form.validate_on_submit():
        try:
            retention.set_until(current_user, dialogue, form.retention_until.data)
        except WijkstemError as error:
            keep_form_with_error(form, error, "retention_until")
        else:
            db.session.commit()
            day = format_date(dialogue.retention_until, "long")
            flash(_("Personal data is kept until %(day)s.", day=day), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return _manage_page(dialogue, retention_form=form)


@bp.route("/dialogues/<int:dialogue_id>/advance", methods=["POST"])
@require_role(Role.FACILITATOR)
def advance(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    try:
        services.advance_dialogue(current_user, dialogue)
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The dialogue is now: %(status)s.", status=label(dialogue.status)), "success")
    return redirect(url_for(".dialogue", dialogue_id=dialogue_id))

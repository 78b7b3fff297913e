"""Pages for facilitators and professionals; each view parses, calls a service, commits."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.errors import WijkstemError
from app.extensions import db
from app.labels import label
from app.models import Area, Role
from app.security import require_role
from dialogues import services
from dialogues.forms import (
    ContributionForm,
    DialogueForm,
    IntakeSessionForm,
    PromptForm,
    RoundForm,
    StoryForm,
    choices,
)
from dialogues.models import Dialogue, IntakeSession, Prompt, Round

bp = Blueprint("dialogues", __name__, template_folder="templates")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def _local_to_utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=AMSTERDAM).astimezone(ZoneInfo("UTC")) if moment else None


def _fail(form, error: WijkstemError, field: str | None = None) -> None:
    """Show a service's refusal beside the form, keeping what was typed."""
    db.session.rollback()
    target = getattr(form, field).errors if field else form.form_errors
    target.append(error.message)


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
    form.areas.choices = choices((a.id, a.name) for a in _areas())
    if form.validate_on_submit():
        chosen = [db.session.get(Area, i) for i in form.areas.data]
        try:
            dialogue = services.create_dialogue(
                current_user, form.title.data, form.intro.data, chosen, form.moderation_mode.data
            )
        except WijkstemError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("Dialogue created. Add a round and a question."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return render_template("dialogues/new.html", form=form), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>")
@require_role(Role.FACILITATOR, Role.PROFESSIONAL)
def dialogue(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    if dialogue.is_facilitated_by(current_user):
        return render_template(
            "dialogues/manage.html",
            dialogue=dialogue,
            round_form=RoundForm(),
            prompt_form=PromptForm(),
        )
    return _participant_page(dialogue, ContributionForm())


def _participant_page(dialogue: Dialogue, form: ContributionForm, failed_prompt: int | None = None):
    if dialogue not in services.visible_dialogues(current_user):
        abort(404)
    form.area.choices = choices(
        [(0, _("No particular area"))] + [(a.id, a.name) for a in dialogue.areas]
    )
    return render_template(
        "dialogues/participate.html",
        dialogue=dialogue,
        form=form,
        failed_prompt=failed_prompt,
        round_is_open=services.round_is_open,
        contributions_to=lambda prompt: services.contributions_to(prompt, current_user),
    ), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>/rounds", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_round(dialogue_id: int):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            services.add_round(
                current_user,
                dialogue,
                form.title.data,
                _local_to_utc(form.opens_at.data),
                _local_to_utc(form.closes_at.data),
            )
        except WijkstemError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("Round added."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return render_template(
        "dialogues/manage.html", dialogue=dialogue, round_form=form, prompt_form=PromptForm()
    ), 400


@bp.route("/rounds/<int:round_id>/prompts", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_prompt(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = PromptForm()
    if form.validate_on_submit():
        try:
            services.add_prompt(current_user, round_, form.text.data)
        except WijkstemError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for(".dialogue", dialogue_id=round_.dialogue_id))
    return render_template(
        "dialogues/manage.html",
        dialogue=round_.dialogue,
        round_form=RoundForm(),
        prompt_form=form,
        failed_round=round_.id,
    ), 400


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


@bp.route("/prompts/<int:prompt_id>/contributions", methods=["POST"])
@require_role(Role.PROFESSIONAL)
def contribute(prompt_id: int):
    prompt = db.get_or_404(Prompt, prompt_id)
    dialogue = prompt.round.dialogue
    form = ContributionForm()
    form.area.choices = choices([(0, "")] + [(a.id, a.name) for a in dialogue.areas])
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data) if form.area.data else None
        try:
            contribution = services.post_contribution(current_user, prompt, form.text.data, area)
        except WijkstemError as error:
            _fail(form, error, "text")
        else:
            db.session.commit()
            if contribution.status == "pending":
                flash(_("Thank you. Your contribution is waiting for a moderator."), "success")
            else:
                flash(_("Thank you. Your contribution has been published."), "success")
            return redirect(
                url_for(".dialogue", dialogue_id=dialogue.id, _anchor=f"prompt-{prompt.id}")
            )
    return _participant_page(dialogue, form, failed_prompt=prompt.id)


@bp.route("/intake/")
@require_role(Role.FACILITATOR)
def intake_index():
    return render_template(
        "dialogues/intake_index.html", sessions=services.intake_sessions_for(current_user)
    )


@bp.route("/intake/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def new_intake():
    form = IntakeSessionForm()
    form.area.choices = choices((a.id, a.name) for a in _areas())
    if form.validate_on_submit():
        try:
            session = services.create_intake_session(
                current_user,
                form.centre.data,
                db.get_or_404(Area, form.area.data),
                form.held_on.data,
                form.languages.data,
            )
        except WijkstemError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(_("Intake session created."), "success")
            return redirect(url_for(".intake", session_id=session.id))
    return render_template("dialogues/intake_new.html", form=form), 400 if form.errors else 200


def _intake_page(session: IntakeSession, form: StoryForm):
    if not session.is_run_by(current_user):
        abort(403)
    return render_template(
        "dialogues/intake.html", session=session, form=form, stories=services.stories_of(session)
    ), 400 if form.errors else 200


@bp.route("/intake/<int:session_id>")
@require_role(Role.FACILITATOR)
def intake(session_id: int):
    return _intake_page(db.get_or_404(IntakeSession, session_id), StoryForm())


@bp.route("/intake/<int:session_id>/stories", methods=["POST"])
@require_role(Role.FACILITATOR)
def add_story(session_id: int):
    session = db.get_or_404(IntakeSession, session_id)
    form = StoryForm()
    if form.validate_on_submit():
        try:
            story = services.record_story(
                current_user,
                session,
                form.text.data,
                language=form.language.data,
                consent=form.consent.data,
            )
        except WijkstemError as error:
            _fail(form, error, "text")
        else:
            db.session.commit()
            removed = len(story.findings)
            flash(
                _(
                    "Story saved and waiting for a moderator. Personal details removed: %(n)d.",
                    n=removed,
                ),
                "success",
            )
            return redirect(url_for(".intake", session_id=session.id))
    return _intake_page(session, form)

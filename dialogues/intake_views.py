"""Pages for facilitators running intake sessions in community centres."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import WijkstemError
from app.extensions import db
from app.models import Area, Role
from app.security import require_role
from dialogues import intake as stories
from dialogues.blueprint import all_areas, bp, keep_form_with_error
from dialogues.forms import IntakeSessionForm, StoryForm, choices
from dialogues.models import IntakeSession


@bp.route("/intake/")
@require_role(Role.FACILITATOR)
def intake_index():
    return render_template(
        "dialogues/intake_index.html", sessions=stories.intake_sessions_for(current_user)
    )


@bp.route("/intake/new", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def new_intake():
    form = IntakeSessionForm()
    form.area.choices = choices((a.id, a.name) for a in all_areas())
    if form.validate_on_submit():
        try:
            session = stories.create_intake_session(
                current_user,
                form.centre.data,
                db.get_or_404(Area, form.area.data),
                form.held_on.data,
                form.languages.data,
            )
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Intake session created."), "success")
            return redirect(url_for(".intake", session_id=session.id))
    return render_template("dialogues/intake_new.html", form=form), 400 if form.errors else 200


def _intake_page(session: IntakeSession, form: StoryForm):
    if not session.is_run_by(current_user):
        abort(403)
    return render_template(
        "dialogues/intake.html", session=session, form=form, stories=stories.stories_of(session)
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
            story = stories.record_story(
                current_user,
                session,
                form.text.data,
                language=form.language.data,
                consent=form.consent.data,
            )
        except WijkstemError as error:
            keep_form_with_error(form, error, "text")
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

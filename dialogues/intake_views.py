"""Pages for facilitators running intake sessions in community centres."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import WijkstemError
from app.extensions import db
from app.labels import label
from app.models import Area, Role
from app.security import require_role
from dialogues import intake as stories
from dialogues import retention
from dialogues.blueprint import all_areas, bp, keep_form_with_error
from dialogues.forms import (
    LANGUAGE_CHOICES,
    IntakeSessionForm,
    NoteForm,
    RetentionForm,
    StoryForm,
    choices,
)
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
    if request.method == "GET":
        form.prompts.data = "\n".join(stories.DEFAULT_PROMPTS)
        form.retention_until.data = retention.today() + retention.period()
    if form.validate_on_submit():
        try:
            session = stories.create_intake_session(
                current_user,
                form.centre.data,
                db.get_or_404(Area, form.area.data),
                form.held_on.data,
                form.languages.data,
                (form.prompts.data or "").splitlines(),
                pin=form.pin.data,
            )
            retention.set_until(current_user, session, form.retention_until.data)
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            flash(_("Intake session created."), "success")
            return redirect(url_for(".intake", session_id=session.id))
    return render_template(
        "dialogues/intake_new.html", form=form, days=retention.period().days
    ), 400 if form.errors else 200


def _intake_page(
    session: IntakeSession,
    form: StoryForm,
    note_form: NoteForm | None = None,
    retention_form: RetentionForm | None = None,
):
    if not session.is_run_by(current_user):
        abort(403)
    retention_form = retention_form or RetentionForm(retention_until=retention.until(session))
    return render_template(
        "dialogues/intake.html",
        session=session,
        form=form,
        note_form=note_form or NoteForm(note=session.note),
        retention_form=retention_form,
        retention_until=retention.until(session),
        retention_days=retention.period().days,
        stories=stories.stories_of(session),
        summary=stories.summary(session),
        attribute_labels=stories.ATTRIBUTE_LABELS,
        small_cell=stories.SMALL_CELL,
    ), 400 if form.errors or retention_form.errors else 200


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
            story, _created = stories.record_story(
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


def _run_by_me(session_id: int) -> IntakeSession:
    session = db.get_or_404(IntakeSession, session_id)
    if not session.is_run_by(current_user):
        abort(403)
    return session


@bp.route("/intake/<int:session_id>/close", methods=["POST"])
@require_role(Role.FACILITATOR)
def close_intake(session_id: int):
    session = _run_by_me(session_id)
    try:
        stories.close_session(current_user, session)
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _("The session is closed. Stories still on a tablet can no longer be sent."), "success"
        )
    return redirect(url_for(".intake", session_id=session.id))


@bp.route("/intake/<int:session_id>/note", methods=["POST"])
@require_role(Role.FACILITATOR)
def save_note(session_id: int):
    session = _run_by_me(session_id)
    form = NoteForm()
    if form.validate_on_submit():
        stories.set_note(current_user, session, form.note.data)
        db.session.commit()
        flash(_("Session note saved."), "success")
        return redirect(url_for(".intake", session_id=session.id, _anchor="note"))
    return _intake_page(session, StoryForm(formdata=None), form)


@bp.route("/intake/<int:session_id>/retention", methods=["POST"])
@require_role(Role.FACILITATOR)
def set_intake_retention(session_id: int):
    session = _run_by_me(session_id)
    form = RetentionForm()
    if form.validate_on_submit():
        try:
            retention.set_until(current_user, session, form.retention_until.data)
        except WijkstemError as error:
            keep_form_with_error(form, error, "retention_until")
        else:
            db.session.commit()
            day = format_date(session.retention_until, "long")
            flash(_("Personal data is kept until %(day)s.", day=day), "success")
            return redirect(url_for(".intake", session_id=session.id, _anchor="retention"))
    return _intake_page(session, StoryForm(formdata=None), retention_form=form)


@bp.route("/intake/<int:session_id>/tablet")
@require_role(Role.FACILITATOR)
def tablet(session_id: int):
    """Full-screen, offline-capable story entry; the page itself holds no stories."""
    session = _run_by_me(session_id)
    api = f"/api/v1/intake-sessions/{session.id}"
    return render_template(
        "dialogues/tablet.html",
        session=session,
        language_choices=[c for c in LANGUAGE_CHOICES if c.value in session.languages]
        or LANGUAGE_CHOICES[:1],
        attribute_choices={
            name: [(value, label(value)) for value in values]
            for name, values in stories.ATTRIBUTES.items()
        },
        attribute_labels=stories.ATTRIBUTE_LABELS,
        consent_text=_(
            "We write down your story without your name. Researchers use it to improve the "
            "approach in your neighbourhood. You can stop at any moment."
        ),
        urls={
            "stories": f"{api}/stories",
            "preview": f"{api}/preview",
            "pin": f"{api}/pin",
            "exit": url_for(".intake", session_id=session.id),
            "sw": url_for(".service_worker"),
            "static": url_for(".static", filename=""),
        },
    )


@bp.route("/intake/sw.js")
def service_worker():
    """The tablet's service worker, served from /intake/ so that its scope covers tablet pages."""
    path = f"{bp.static_folder}/tablet-sw.js"
    response = send_file(path, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response

"""Inviting professionals, joining by invitation, and the facilitator's overview."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.errors import WijkstemError
from app.extensions import db
from app.labels import label
from app.models import ORGANISATION_TYPES, PROFESSIONAL_ROLES, Area, Role
from app.security import require_role
from dialogues import invitations, overview, services
from dialogues.blueprint import all_areas, bp, keep_form_with_error
from dialogues.forms import InviteForm, JoinForm, choices
from dialogues.models import Dialogue, Round

MAX_UPLOAD = 1_000_000


def _facilitated(dialogue_id: int) -> Dialogue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    services.require_facilitator(current_user, dialogue)
    return dialogue


def _invitations_page(dialogue: Dialogue, form: InviteForm, issued=(), invalid=()):
    return render_template(
        "dialogues/invitations.html",
        dialogue=dialogue,
        form=form,
        issued=issued,
        invalid=invalid,
        invitations=invitations.invitations_of(dialogue),
        participants=invitations.participants(dialogue),
    ), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>/invitations", methods=["GET", "POST"])
@require_role(Role.FACILITATOR)
def invite(dialogue_id: int):
    dialogue = _facilitated(dialogue_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return _invitations_page(dialogue, form)
    text = form.addresses.data or ""
    if form.upload.data:
        text += "\n" + form.upload.data.read(MAX_UPLOAD).decode("utf-8", errors="replace")
    valid, invalid = invitations.parse_addresses(text)
    if not valid:
        form.addresses.errors.append(_("Enter at least one e-mail address."))
        return _invitations_page(dialogue, form, invalid=invalid)
    issued = invitations.invite(
        current_user,
        dialogue,
        valid,
        lambda d, token: url_for(".join", dialogue_id=d, token=token, _external=True),
    )
    db.session.commit()
    return _invitations_page(dialogue, InviteForm(formdata=None), issued=issued, invalid=invalid)


def _join_form() -> JoinForm:
    form = JoinForm()
    form.professional_role.choices = choices((r, label(r).capitalize()) for r in PROFESSIONAL_ROLES)
    form.organisation_type.choices = choices((o, label(o).capitalize()) for o in ORGANISATION_TYPES)
    form.areas.choices = choices((a.id, a.name) for a in all_areas())
    return form


@bp.route("/dialogues/<int:dialogue_id>/join/<token>", methods=["GET", "POST"])
def join(dialogue_id: int, token: str):
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    invitation = invitations.find(dialogue, token)
    form = _join_form()
    if current_user.is_authenticated:
        if request.method == "POST":
            invitations.accept(invitation, current_user)
            db.session.commit()
            flash(_("Welcome to the dialogue."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    elif form.validate_on_submit():
        try:
            user = invitations.register(
                invitation,
                form.password.data,
                pseudonym=form.pseudonym.data,
                display_name=form.display_name.data or "",
                show_real_name=form.show_real_name.data,
                professional_role=form.professional_role.data,
                organisation_type=form.organisation_type.data,
                areas=[db.session.get(Area, i) for i in form.areas.data],
                locale=form.locale.data,
            )
        except WijkstemError as error:
            keep_form_with_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            session["language"] = user.locale
            flash(_("Welcome to the dialogue."), "success")
            return redirect(url_for(".dialogue", dialogue_id=dialogue.id))
    return render_template(
        "dialogues/join.html", dialogue=dialogue, invitation=invitation, form=form
    ), 400 if form.errors else 200


@bp.route("/dialogues/<int:dialogue_id>/overview")
@require_role(Role.FACILITATOR)
def overview_page(dialogue_id: int):
    dialogue = _facilitated(dialogue_id)
    return render_template(
        "dialogues/overview.html", dialogue=dialogue, rounds=overview.rounds(dialogue)
    )


@bp.route("/rounds/<int:round_id>/reminders", methods=["POST"])
@require_role(Role.FACILITATOR)
def remind(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    link = url_for(".dialogue", dialogue_id=round_.dialogue_id, _external=True)
    try:
        reminded, sent = invitations.send_reminders(current_user, round_, link)
    except WijkstemError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(n)d reminders made, %(sent)d sent by e-mail.", n=reminded, sent=sent), "success")
    return redirect(url_for(".overview_page", dialogue_id=round_.dialogue_id))

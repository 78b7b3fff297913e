"""Agreement pages: draw a sample, code it blind, read the report, settle the disagreements."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from analysis import codebook, sample_report, samples, segments
from analysis.views import bp
from app.errors import InvalidInput
from app.extensions import db
from app.models import Area, Role
from app.security import require_role


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SampleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    coders = CheckboxesField(_l("Coders (at least two)"), coerce=int)
    size = IntegerField(
        _l("Number of contributions"), validators=[InputRequired(), NumberRange(min=1)]
    )
    channel = SelectField(
        _l("Channel"),
        choices=[
            SelectChoice("", _l("Everything")),
            SelectChoice("dialogue", _l("Dialogue contributions")),
            SelectChoice("intake", _l("Resident stories")),
        ],
        default="",
    )
    area = SelectField(_l("Area"), default="")
    seed = IntegerField(_l("Seed (optional)"), validators=[Optional(), NumberRange(min=0)])
    machine = BooleanField(_l("Compare with the machine in the report"))


def _form() -> SampleForm:
    form = SampleForm()
    form.coders.choices = [SelectChoice(u.id, samples.name(u)) for u in samples.researchers()]
    areas = db.session.scalars(select(Area).order_by(Area.name))
    form.area.choices = [SelectChoice("", _("All areas"))] + [
        SelectChoice(str(a.id), a.name) for a in areas
    ]
    return form


def _index(form: SampleForm):
    return render_template(
        "analysis/agreement/index.html",
        form=form,
        tasks=samples.my_assignments(current_user),
        overview=samples.overview(),
        can_see=lambda sample: samples.can_see_results(current_user, sample),
        name=samples.name,
    ), 400 if form.errors else 200


@bp.get("/agreement")
@require_role(Role.RESEARCHER)
def agreement():
    return _index(_form())


@bp.post("/agreement")
@require_role(Role.RESEARCHER)
def agreement_create():
    form = _form()
    if not form.validate_on_submit():
        return _index(form)
    try:
        sample = samples.create_sample(
            current_user,
            form.title.data,
            form.coders.data,
            form.size.data,
            channel=form.channel.data or None,
            area_id=int(form.area.data) if form.area.data else None,
            seed=form.seed.data,
        )
    except InvalidInput as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _index(form)
    db.session.commit()
    flash(
        _(
            "Sample drawn (seed %(seed)d). The coders find it under their coding tasks.",
            seed=samples.seed_of(sample),
        ),
        "success",
    )
    if not samples.can_see_results(current_user, sample):  # the creator codes it too: blind
        return redirect(url_for(".agreement", _anchor="tasks"))
    machine = 1 if form.machine.data else None
    return redirect(url_for(".agreement_sample", sample_id=sample.id, machine=machine))


def _visible(sample_id: int):
    sample = samples.get(sample_id)
    samples.require_results(current_user, sample)
    return sample


@bp.get("/agreement/<int:sample_id>")
@require_role(Role.RESEARCHER)
def agreement_sample(sample_id: int):
    sample = _visible(sample_id)
    machine = request.args.get("machine") == "1"
    progress = samples.progress(sample)
    report = sample_report.report(sample, include_machine=machine)
    coders = {p.coder.id: p.coder for p in progress}
    return render_template(
        "analysis/agreement/sample.html",
        sample=sample,
        seed=samples.seed_of(sample),
        progress=progress,
        report=report,
        compared=[samples.name(coders.get(coder, coder)) for coder in report.coders],
        machine=machine,
        version=codebook.version(sample.codebook_number) or codebook.ensure_current(),
        reading=sample_report.reading,
        name=samples.name,
    )


@bp.get("/agreement/<int:sample_id>/disagreements")
@require_role(Role.RESEARCHER)
def agreement_disagreements(sample_id: int):
    sample = _visible(sample_id)
    progress = samples.progress(sample)
    return render_template(
        "analysis/agreement/disagreements.html",
        sample=sample,
        items=sample_report.disagreements(sample),
        finished=sum(p.done == p.total for p in progress),
        version=codebook.version(sample.codebook_number) or codebook.ensure_current(),
        coders={p.coder.id: p.coder for p in progress},
        name=samples.name,
    )


@bp.post("/agreement/<int:sample_id>/contributions/<int:contribution_id>/done")
@require_role(Role.RESEARCHER)
def agreement_done(sample_id: int, contribution_id: int):
    sample = samples.get(sample_id)
    samples.mark_done(current_user, sample, segments.coded_contribution(contribution_id))
    db.session.commit()
    following = samples.next_for(current_user, sample)
    if following is not None:
        return redirect(url_for(".coding_screen", contribution_id=following, sample=sample.id))
    flash(
        _(
            "You have coded every contribution of “%(title)s”. Its results are open to you now.",
            title=sample.title,
        ),
        "success",
    )
    return redirect(url_for(".agreement"))


def _span(value: str):
    return int(value) if value and value.isdigit() else None


@bp.post("/agreement/<int:sample_id>/contributions/<int:contribution_id>/settle")
@require_role(Role.RESEARCHER)
def agreement_settle(sample_id: int, contribution_id: int):
    sample = samples.get(sample_id)
    code, decision = request.form.get("code", ""), request.form.get("decision")
    if decision not in ("apply", "reject"):
        raise InvalidInput(_("Choose to apply the code or not."))
    keep = decision == "apply"
    samples.settle(
        current_user,
        sample,
        segments.coded_contribution(contribution_id),
        code,
        keep,
        _span(request.form.get("start", "")),
        _span(request.form.get("end", "")),
    )
    db.session.commit()
    flash(
        _("Code applied in the shared coding.") if keep else _("Recorded: code not applied."),
        "success",
    )
    anchor = f"c{contribution_id}-{code}"
    return redirect(url_for(".agreement_disagreements", sample_id=sample.id, _anchor=anchor))

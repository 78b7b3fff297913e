"""The researchers' dashboards, and the list of contributions behind each of their numbers."""

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from analysis import dashboard_texts, dashboards
from analysis.views import bp
from app.errors import InvalidInput
from app.extensions import db
from app.models import Role
from app.security import require_role


def _number(name: str):
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(_("The filter %(name)s needs a number.", name=name))
    return int(value)


def _text(name: str):
    return request.args.get(name, "").strip() or None


def _filter() -> dashboards.Filter:
    return dashboards.Filter(
        family=_text("family"),
        channel=_text("channel"),
        area_id=_number("area"),
        dialogue_id=_number("dialogue"),
        round_id=_number("round"),
        role=_text("role"),
        code=_text("code"),
        with_code=_text("with"),
    )


def _render(template: str, f: dashboards.Filter, **context):
    # The first look at the codebook may have saved the shipped default as version 1.
    db.session.commit()
    return render_template(
        f"analysis/dashboard/{template}", f=f, options=dashboards.options(), **context
    )


@bp.route("/dashboard")
@require_role(Role.RESEARCHER)
def dashboard():
    f = _filter()
    codes = dashboards.scope(f, dashboards.check(f))
    return _render("overview.html", f, codes=codes, overview=dashboards.overview(f, codes))


@bp.route("/dashboard/cooccurrence")
@require_role(Role.RESEARCHER)
def dashboard_cooccurrence():
    f = _filter()
    dashboards.check(f)
    return _render("cooccurrence.html", f, matrix=dashboards.cooccurrence(f))


@bp.route("/dashboard/rounds")
@require_role(Role.RESEARCHER)
def dashboard_rounds():
    f = _filter()
    codes = dashboards.scope(f, dashboards.check(f))
    return _render("rounds.html", f, codes=codes, dialogues=dashboards.over_rounds(f, codes))


@bp.route("/dashboard/quotes")
@require_role(Role.RESEARCHER)
def dashboard_quotes():
    f = _filter()
    version = dashboards.check(f)
    codes = dashboards.scope(f, version)
    return _render(
        "quotes.html",
        f,
        codes=codes,
        all_codes=dashboards.scope(dashboards.Filter(), version),
        quotes={q.code.key: q for q in dashboard_texts.quotes(f, codes)},
    )


@bp.route("/contributions")
@require_role(Role.RESEARCHER)
def dashboard_contributions():
    f = _filter()
    version = dashboards.check(f)
    found = dashboard_texts.contributions(f, _number("page") or 1, current_app.config["SECRET_KEY"])
    return _render(
        "contributions.html",
        f,
        found=found,
        codes=dashboards.scope(dashboards.Filter(), version),
        described=dashboard_texts.describe(f, get_locale().language),
    )

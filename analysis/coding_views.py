"""The human coding screen: the queue, one contribution with its codes, and the actions on them.

Every action is a plain form that redirects back to the screen; the page
script sends the same forms with fetch and gets JSON. The queue's filters ride
along in the query string, so "save and next" stays in the queue the
researcher chose. With ?sample=<id> the screen is a coder's blind view of an
agreement sample: only their own codes there, no suggestions.
"""

import itertools
import re
from dataclasses import dataclass
from typing import Optional

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis import codebook, nlp, segments, services
from analysis.models import AgreementSample, CodedSegment, SegmentStatus
from analysis.views import bp
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import Channel, Contribution, Role
from app.security import require_role

FILTERS = ("channel", "area", "round", "code", "done")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Piece:
    """A stretch of the text that the same segments cover, shortest segment first."""

    start: int
    text: str
    segments: tuple[CodedSegment, ...]


def pieces(body: str, found: list[CodedSegment]) -> list[Piece]:
    """The text cut wherever a shown segment starts or ends: overlapping codes need no nesting."""
    shown = sorted(
        (s for s in found if s.status != SegmentStatus.REJECTED), key=lambda s: s.end - s.start
    )
    cuts = {0, len(body)} | {min(max(p, 0), len(body)) for s in shown for p in (s.start, s.end)}
    return [
        Piece(start, body[start:end], tuple(s for s in shown if s.start < end and start < s.end))
        for start, end in itertools.pairwise(sorted(cuts))
    ]


def sentences(contribution: Contribution) -> list[tuple[int, int]]:
    """Sentence spans without outer spaces, cut as the auto-coding cuts them."""
    spans = []
    for sent in nlp.pipeline(contribution.language)(contribution.body).sents:
        text = sent.text
        start = sent.start_char + len(text) - len(text.lstrip())
        end = sent.end_char - len(text) + len(text.rstrip())
        if start < end:
            spans.append((start, end))
    return spans


def nudges(body: str, start: int, end: int, spans: list[tuple[int, int]]):
    """Spans one word wider or narrower at either end, and the whole sentence: one button each."""
    words = [m.span() for m in WORD.finditer(body)]
    inside = [w for w in words if w[0] < end and start < w[1]]
    before = [w[0] for w in words if w[0] < start]
    after = [w[1] for w in words if w[1] > end]
    around = [s for s in spans if s[0] < end and start < s[1]]
    options = [
        (_("Start one word earlier"), before[-1] if before else None, end),
        (_("Start one word later"), inside[1][0] if len(inside) > 1 else None, end),
        (_("End one word earlier"), start, inside[-2][1] if len(inside) > 1 else None),
        (_("End one word later"), start, after[0] if after else None),
        (_("Whole sentence"), around[0][0] if around else None, around[-1][1] if around else None),
    ]
    return [
        (label, s, e)
        for label, s, e in options
        if s is not None and e is not None and (s, e) != (start, end)
    ]


def _filters() -> segments.QueueFilter:
    args = request.args
    channel = args.get("channel")
    return segments.QueueFilter(
        channel=channel if channel in (Channel.DIALOGUE, Channel.INTAKE) else None,
        area_id=args.get("area", type=int),
        round_id=args.get("round", type=int),
        code_key=args.get("code") or None,
        include_done=args.get("done") == "1",
    )


def _carried() -> dict[str, str]:
    """What links and redirects keep of the query string: the queue's filters and the sample."""
    return {name: request.args[name] for name in (*FILTERS, "sample") if request.args.get(name)}


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _field(name: str) -> Optional[str]:
    data = request.get_json(silent=True) if request.is_json else request.form
    value = (data or {}).get(name)
    return None if value is None else str(value)


def _span() -> tuple[int, int]:
    """From `span` ("start-end", a sentence or a nudge button) or from `start` and `end`."""
    span = _field("span")
    raw = span.split("-", 1) if span else [_field("start"), _field("end")]
    try:
        return int(raw[0]), int(raw[1])
    except (TypeError, ValueError, IndexError):
        raise InvalidInput(_("Select some text of the contribution first.")) from None


def _screen_url(contribution_id: int, anchor: Optional[str] = None) -> str:
    return url_for(".coding_screen", contribution_id=contribution_id, _anchor=anchor, **_carried())


def _answer(contribution_id: int, message: str, anchor: Optional[str] = None, **data):
    if _wants_json():
        return jsonify(ok=True, message=message, **data)
    flash(message, "success")
    return redirect(_screen_url(contribution_id, anchor))


def _refused(contribution_id: int, error: InvalidInput):
    """A plain form gets the screen again with the reason; fetch gets the JSON error."""
    if _wants_json():
        raise error
    db.session.rollback()
    flash(error.message, "error")
    return redirect(_screen_url(contribution_id))


def _sample(contribution: Contribution) -> Optional[AgreementSample]:
    if "sample" not in request.args:
        return None
    sample_id = request.args.get("sample", type=int)
    if sample_id is None:
        raise NotFound(_("This contribution is not in your agreement sample."))
    return segments.blind_sample(sample_id, contribution, current_user)


def _segment(segment_id: int) -> CodedSegment:
    segment = segments.get(segment_id, current_user)
    segments.coded_contribution(segment.contribution_id)
    return segment


def _segment_data(segment: CodedSegment) -> dict:
    body = segment.contribution.body
    return {
        "id": segment.id,
        "code": segment.code_key,
        "start": segment.start,
        "end": segment.end,
        "text": body[segment.start : segment.end],
        "status": segment.status,
        "source": segment.source,
        "sample": segment.sample_id,
    }


@bp.get("/coding")
@require_role(Role.RESEARCHER)
def coding_queue():
    version = codebook.ensure_current()
    db.session.commit()
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = segments.queue(_filters(), page)
    return render_template(
        "analysis/coding/queue.html",
        version=version,
        items=items,
        total=total,
        page=page,
        per_page=segments.QUEUE_PAGE,
        pages=max((total + segments.QUEUE_PAGE - 1) // segments.QUEUE_PAGE, 1),
        waiting=segments.waiting(c.id for c in items),
        origins=segments.origins(items),
        chosen=_filters(),
        carried=_carried(),
        areas=segments.area_choices(),
        rounds=segments.round_choices(),
    )


@bp.get("/coding/codes.css")
@require_role(Role.RESEARCHER)
def code_colours():
    """Code colours as classes: the page's security policy allows no inline styles."""
    version = codebook.ensure_current()
    db.session.commit()
    rules = [
        f".code-{c.key}{{--code-colour:{c.colour}}}.code2-{c.key}{{--code-colour-2:{c.colour}}}"
        for c in version.codes
        if codebook.KEY.match(c.key) and codebook.COLOUR.match(c.colour)
    ]
    response = Response("\n".join(rules), mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


@bp.get("/coding/<int:contribution_id>")
@require_role(Role.RESEARCHER)
def coding_screen(contribution_id: int):
    version = codebook.ensure_current()
    db.session.commit()
    contribution = segments.coded_contribution(contribution_id)
    sample = _sample(contribution)
    found = segments.for_contribution(contribution, current_user, sample)
    spans = sentences(contribution)
    return render_template(
        "analysis/coding/screen.html",
        contribution=contribution,
        sample=sample,
        version=version,
        codes={code.key: code for code in version.codes},
        found=found,
        pieces=pieces(contribution.body, found),
        sentences=spans,
        nudges={s.id: nudges(contribution.body, s.start, s.end, spans) for s in found},
        origin=segments.origins([contribution])[contribution.id],
        author=services.pseudonym(contribution.author_id, current_app.config["SECRET_KEY"]),
        memo=segments.contribution_memo(contribution, current_user),
        carried=_carried(),
    )


@bp.post("/coding/<int:contribution_id>/segments")
@require_role(Role.RESEARCHER)
def coding_add(contribution_id: int):
    contribution = segments.coded_contribution(contribution_id)
    sample = _sample(contribution)
    try:
        code = _field("code")
        if not code:
            raise InvalidInput(_("Choose a code first."))
        start, end = _span()
        segment = segments.add(
            current_user, contribution, code, start, end, _field("memo") or "", sample=sample
        )
    except InvalidInput as error:
        return _refused(contribution_id, error)
    db.session.commit()
    anchor = f"segment-{segment.id}"
    return _answer(contribution_id, _("Code added."), anchor, segment=_segment_data(segment))


@bp.post("/coding/<int:contribution_id>/memo")
@require_role(Role.RESEARCHER)
def coding_memo(contribution_id: int):
    contribution = segments.coded_contribution(contribution_id)
    segments.set_contribution_memo(contribution, current_user, _field("memo") or "")
    db.session.commit()
    if not _field("next"):
        return _answer(contribution_id, _("Memo saved."))
    following = segments.next_in_queue(contribution_id, _filters())
    carried = {k: v for k, v in _carried().items() if k != "sample"}
    if following is None:
        flash(_("That was the last contribution in this queue."), "success")
        return redirect(url_for(".coding_queue", **carried))
    return redirect(url_for(".coding_screen", contribution_id=following, **carried))


@bp.post("/segments/<int:segment_id>/decision")
@require_role(Role.RESEARCHER)
def segment_decision(segment_id: int):
    segment = _segment(segment_id)
    try:
        segments.decide(current_user, segment, _field("decision") or "")
    except InvalidInput as error:
        return _refused(segment.contribution_id, error)
    db.session.commit()
    accepted = segment.status == SegmentStatus.ACCEPTED
    message = _("Code accepted.") if accepted else _("Code rejected.")
    return _answer(
        segment.contribution_id, message, f"segment-{segment.id}", segment=_segment_data(segment)
    )


@bp.post("/segments/<int:segment_id>/span")
@require_role(Role.RESEARCHER)
def segment_span(segment_id: int):
    segment = _segment(segment_id)
    try:
        segments.adjust(current_user, segment, *_span())
    except InvalidInput as error:
        return _refused(segment.contribution_id, error)
    db.session.commit()
    return _answer(
        segment.contribution_id,
        _("Span changed."),
        f"segment-{segment.id}",
        segment=_segment_data(segment),
    )


@bp.post("/segments/<int:segment_id>/memo")
@require_role(Role.RESEARCHER)
def segment_memo(segment_id: int):
    segment = _segment(segment_id)
    segments.set_memo(segment, _field("memo") or "")
    db.session.commit()
    return _answer(segment.contribution_id, _("Memo saved."), f"segment-{segment.id}")


@bp.post("/segments/<int:segment_id>/delete")
@require_role(Role.RESEARCHER)
def segment_delete(segment_id: int):
    segment = _segment(segment_id)
    contribution_id = segment.contribution_id
    segments.remove(current_user, segment)
    db.session.commit()
    return _answer(contribution_id, _("Code removed."), removed=segment_id)

"""The texts behind the dashboard numbers: the best quotes per code, and the list of contributions.

Kept apart from `analysis.dashboards`, which counts. The list narrows with the same
`dashboards.conditions` as the counts, so it holds exactly the contributions its number counted.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from analysis import codebook, dashboards
from analysis.models import CodedSegment, SegmentStatus
from analysis.segments import counted
from analysis.services import pseudonym
from app.extensions import db
from app.labels import label
from app.models import Area, Contribution

PAGE_SIZE = 25
QUOTES_PER_CODE = 5


@dataclass
class Quote:
    contribution_id: int
    text: str
    channel: str
    area: str
    dialogue: str
    round: str
    confidence: float
    source: str
    status: str


@dataclass
class CodeQuotes:
    code: dashboards.CodeInfo
    count: int
    quotes: list[Quote]


def _best_segments(f: dashboards.Filter, keys, limit: int):
    """Ids of the best segment per code and contribution, the best `limit` contributions per code.

    Best: accepted before suggested, a researcher's before the machine's, then
    the highest confidence.
    """
    accepted = case((CodedSegment.status == SegmentStatus.ACCEPTED, 0), else_=1)
    human = case((CodedSegment.source == "human", 0), else_=1)
    per_contribution = func.row_number().over(
        partition_by=(CodedSegment.code_key, CodedSegment.contribution_id),
        order_by=(accepted, human, CodedSegment.confidence.desc(), CodedSegment.start),
    )
    best = dashboards.counted_segments(
        f,
        keys,
        CodedSegment.id,
        CodedSegment.code_key,
        CodedSegment.contribution_id,
        CodedSegment.confidence,
        accepted.label("accepted"),
        human.label("human"),
        per_contribution.label("n"),
    ).subquery()
    per_code = func.row_number().over(
        partition_by=best.c.code_key,
        order_by=(best.c.accepted, best.c.human, best.c.confidence.desc(), best.c.contribution_id),
    )
    ranked = select(best.c.id, per_code.label("rank")).where(best.c.n == 1).subquery()
    return select(ranked.c.id).where(ranked.c.rank <= limit)


def quotes(
    f: dashboards.Filter, codes: dashboards.Scope, limit: int = QUOTES_PER_CODE
) -> list[CodeQuotes]:
    """The best quotes per code: the coded text only, with where it came from, never who."""
    if not codes.keys:
        return []
    prompt, round_ = dashboards.tables()
    dialogue = db.metadata.tables["dialogue"]
    query = (
        select(
            CodedSegment,
            Contribution.body,
            Contribution.channel,
            Area.name,
            dialogue.c.title,
            round_.c.title,
        )
        .join(Contribution, Contribution.id == CodedSegment.contribution_id)
        .outerjoin(Area, Area.id == Contribution.area_id)
        .outerjoin(prompt, prompt.c.id == Contribution.prompt_id)
        .outerjoin(round_, round_.c.id == prompt.c.round_id)
        .outerjoin(dialogue, dialogue.c.id == round_.c.dialogue_id)
        .where(CodedSegment.id.in_(_best_segments(f, codes.keys, limit)))
    )
    found: dict[str, list[tuple]] = {}
    for s, body, channel, area, dialogue_title, round_title in db.session.execute(query):
        rank = (s.status != SegmentStatus.ACCEPTED, s.source != "human", -s.confidence)
        quote = Quote(
            s.contribution_id,
            body[s.start : s.end],
            channel,
            area or "",
            dialogue_title or "",
            round_title or "",
            s.confidence,
            s.source,
            s.status,
        )
        found.setdefault(s.code_key, []).append((*rank, s.contribution_id, quote))
    per_code = {k: n for (k,), n in dashboards.count(f, codes.keys, CodedSegment.code_key).items()}
    return [
        CodeQuotes(
            code, per_code.get(code.key, 0), [q[-1] for q in sorted(found.get(code.key, []))]
        )
        for code in codes.codes.values()
    ]


def pieces(body: str, spans) -> list[tuple[str, tuple[str, ...]]]:
    """The text cut at the edges of its coded spans, each piece with the codes covering it."""
    cuts = sorted(
        {0, len(body), *(min(max(p, 0), len(body)) for s, e, _k in spans for p in (s, e))}
    )
    result: list[tuple[str, tuple[str, ...]]] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        keys = tuple(sorted({k for s, e, k in spans if s <= start and end <= e}))
        if result and result[-1][1] == keys:
            result[-1] = (result[-1][0] + body[start:end], keys)
        else:
            result.append((body[start:end], keys))
    return result


@dataclass
class Listed:
    id: int
    channel: str
    area: str
    dialogue: str
    round: str
    prompt: str
    author: str  # a pseudonym; empty for a resident's story
    role: str
    pieces: list[tuple[str, tuple[str, ...]]]


@dataclass
class ContributionPage:
    items: list[Listed]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1


def _spans(ids, keys) -> dict[int, list[tuple[int, int, str]]]:
    query = select(
        CodedSegment.contribution_id, CodedSegment.start, CodedSegment.end, CodedSegment.code_key
    ).where(CodedSegment.contribution_id.in_(ids), CodedSegment.code_key.in_(keys), counted())
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for contribution_id, start, end, key in db.session.execute(query):
        spans.setdefault(contribution_id, []).append((start, end, key))
    return spans


def contributions(f: dashboards.Filter, page: int, secret: str) -> ContributionPage:
    """The contributions behind a dashboard number, with the segments it counted marked."""
    keys = dashboards.scope(f).keys
    prompt, round_ = dashboards.tables()
    dialogue = db.metadata.tables["dialogue"]
    wanted = [*dashboards.conditions(f), dashboards.coded_with(keys)]
    chosen = dashboards.joined(select(Contribution.id).select_from(Contribution)).where(*wanted)
    total = db.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    columns = (
        Contribution.id,
        Contribution.channel,
        Area.name,
        dialogue.c.title,
        round_.c.title,
        prompt.c.text,
        Contribution.author_id,
        dashboards.role(),
        Contribution.body,
    )
    query = (
        dashboards.joined(select(*columns).select_from(Contribution))
        .outerjoin(Area, Area.id == Contribution.area_id)
        .outerjoin(dialogue, dialogue.c.id == round_.c.dialogue_id)
        .where(*wanted)
        .order_by(Contribution.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = list(db.session.execute(query))
    spans = _spans([row[0] for row in rows], keys + ([f.with_code] if f.with_code else []))
    items = [
        Listed(
            contribution_id,
            channel,
            *(text or "" for text in provenance),
            pseudonym(author_id, secret),
            role,
            pieces(body, spans.get(contribution_id, [])),
        )
        for contribution_id, channel, *provenance, author_id, role, body in rows
    ]
    return ContributionPage(items, total, page, pages)


def describe(f: dashboards.Filter, language: str) -> list[tuple[str, str]]:
    """The filter in words, for the heading of a list: (what, value) pairs."""
    version = codebook.ensure_current()
    _prompt, round_ = dashboards.tables()
    dialogue = db.metadata.tables["dialogue"]
    found = []
    for what, key in ((_("Code"), f.code), (_("Together with"), f.with_code)):
        if key:
            found.append((what, version.code(key).name(language)))
    if f.family and not f.code:
        found.append((_("Code family"), version.family_name(f.family, language)))
    if f.channel:
        found.append((_("Channel"), label(f.channel)))
    if f.area_id is not None:
        area = db.session.get(Area, f.area_id) if f.area_id != dashboards.NO_AREA else None
        found.append((_("Area"), area.name if area else _("No area")))
    if f.dialogue_id:
        title = select(dialogue.c.title).where(dialogue.c.id == f.dialogue_id)
        found.append((_("Dialogue"), db.session.scalar(title) or str(f.dialogue_id)))
    if f.round_id:
        title = select(round_.c.title).where(round_.c.id == f.round_id)
        found.append((_("Round"), db.session.scalar(title) or str(f.round_id)))
    if f.role:
        found.append((_("Role"), dashboards.role_name(f.role)))
    return found

"""Rating rounds: statements, ratings, results with Delphi consensus per group."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Area, Contribution, User
from dialogues import consensus, services
from dialogues.models import Dialogue, Rating, Round, RoundKind, Statement
from moderation import screening

CONSENSUS, DISSENT, OPEN_QUESTION = "consensus", "dissent", "no_consensus"


def add_statement(
    actor: User, round_: Round, text: str, sources: Iterable[Contribution] = (), key=None
) -> Statement:
    if not round_.dialogue.is_facilitated_by(actor):
        raise NotAllowed(_("Only the facilitator of this dialogue can change it."))
    if round_.kind != RoundKind.RATING:
        raise InvalidInput(_("Statements belong in a rating round."))
    text = screening.screen(text or "").cleaned
    if not text:
        raise InvalidInput(_("%(what)s cannot be empty.", what=_("The statement")))
    statement = Statement(
        text=text, key=key, position=len(round_.statements) + 1, sources=list(sources)
    )
    round_.statements.append(statement)
    db.session.flush()
    return statement


def participant_key(user: User) -> str:
    return f"user:{user.id}"


def rate(user: User, statement: Statement, value: Optional[int], comment: str = "") -> Rating:
    """Record or change a rating; `value` None means the participant skipped the statement."""
    round_ = statement.round
    if not services.may_take_part(user, round_.dialogue):
        raise NotAllowed(_("Only invited professionals can contribute to this dialogue."))
    if not services.round_is_open(round_):
        raise Conflict(_("This round is closed; contributions can no longer be added."))
    if value is not None and value not in consensus.SCALE:
        raise InvalidInput(_("Choose a value from 1 to 5, or skip the statement."))
    key = participant_key(user)
    rating = db.session.scalar(
        select(Rating).where(Rating.statement_id == statement.id, Rating.participant_key == key)
    )
    if rating is None:
        rating = Rating(statement_id=statement.id, participant_key=key, user_id=user.id)
        db.session.add(rating)
    rating.value = value
    rating.comment = screening.screen(comment).redacted if comment and comment.strip() else None
    rating.role = user.professional_role
    rating.area_id = user.areas[0].id if user.areas else None
    db.session.flush()
    return rating


def ratings_of(user: User, round_: Round) -> dict[int, Rating]:
    query = (
        select(Rating)
        .join(Statement)
        .where(Statement.round_id == round_.id, Rating.participant_key == participant_key(user))
    )
    return {rating.statement_id: rating for rating in db.session.scalars(query)}


def progress(user: User, round_: Round) -> tuple[int, int]:
    """(statements answered or skipped, statements in the round)."""
    return len(ratings_of(user, round_)), len(round_.statements)


@dataclass
class StatementResult:
    statement: Statement
    overall: consensus.Summary
    by_role: dict = field(default_factory=dict)
    by_area: dict = field(default_factory=dict)
    category: str = OPEN_QUESTION
    comments: list[str] = field(default_factory=list)


def _tallies(round_: Round):
    """One aggregate over all ratings of the round: counts per statement, role, area, value."""
    # An IN over the round's statements (not a join) lets SQLite group straight off
    # ix_rating_breakdown: 0.09 s instead of 0.32 s for 750,000 ratings.
    statements = select(Statement.id).where(Statement.round_id == round_.id)
    query = (
        select(Rating.statement_id, Rating.role, Rating.area_id, Rating.value, func.count())
        .where(Rating.statement_id.in_(statements))
        .group_by(Rating.statement_id, Rating.role, Rating.area_id, Rating.value)
    )
    overall = defaultdict(lambda: defaultdict(int))
    by_role = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    by_area = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for statement_id, role, area_id, value, count in db.session.execute(query):
        overall[statement_id][value] += count
        by_role[statement_id][role or "-"][value] += count
        by_area[statement_id][area_id][value] += count
    return overall, by_role, by_area


def _comments(round_: Round) -> dict[int, list[str]]:
    """Participants' comments per statement, without who wrote them."""
    query = (
        select(Rating.statement_id, Rating.comment)
        .join(Statement)
        .where(Statement.round_id == round_.id, Rating.comment.is_not(None))
        .order_by(Rating.created_at)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for statement_id, comment in db.session.execute(query):
        found[statement_id].append(comment)
    return found


def _area_labels() -> dict[int, str]:
    """Area names, with the municipality added where two areas share a name."""
    found = list(db.session.scalars(select(Area)))
    names = [a.name for a in found]
    return {
        a.id: a.name if names.count(a.name) == 1 else f"{a.name} ({a.municipality})" for a in found
    }


def results(round_: Round) -> list[StatementResult]:
    dialogue: Dialogue = round_.dialogue
    limits = {"share": dialogue.consensus_share, "iqr_max": dialogue.consensus_iqr}
    overall, by_role, by_area = _tallies(round_)
    comments = _comments(round_)
    areas = _area_labels()
    found = []
    for statement in round_.statements:
        result = StatementResult(statement, consensus.summarise(overall[statement.id], **limits))
        result.comments = comments.get(statement.id, [])
        size = dialogue.min_group_size
        result.by_role = consensus.breakdown(by_role[statement.id], min_size=size, **limits)
        result.by_area = {
            areas.get(area_id, "-"): summary
            for area_id, summary in consensus.breakdown(
                by_area[statement.id], min_size=size, **limits
            ).items()
        }
        if consensus.dissent(result.by_role):
            result.category = DISSENT
        elif result.overall.label in (consensus.CONSENSUS_AGREE, consensus.CONSENSUS_DISAGREE):
            result.category = CONSENSUS
        found.append(result)
    return found

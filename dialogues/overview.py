"""The facilitator's overview: who was invited, who joined, who took part, per round."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.extensions import db
from app.models import Contribution, Status, User
from dialogues import invitations
from dialogues.models import Dialogue, Invitation, Prompt, Rating, Round, Statement


@dataclass
class RoundFigures:
    round: Round
    invited: int
    joined: int
    active: int
    contributions: int
    ratings: int
    joined_by_role: Counter = field(default_factory=Counter)
    active_by_role: Counter = field(default_factory=Counter)
    joined_by_area: Counter = field(default_factory=Counter)
    active_by_area: Counter = field(default_factory=Counter)
    waiting: list[User] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return sorted(self.joined_by_role)

    @property
    def areas(self) -> list[str]:
        return sorted(self.joined_by_area)


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _figures(round_: Round, invited: int, people: list[User]) -> RoundFigures:
    active = invitations.active_in(round_)
    contributions = _count(
        select(func.count(Contribution.id))
        .join(Prompt, Prompt.id == Contribution.prompt_id)
        .where(Prompt.round_id == round_.id, Contribution.status != Status.WITHDRAWN)
    )
    ratings = _count(
        select(func.count(Rating.id))
        .join(Statement, Statement.id == Rating.statement_id)
        .where(Statement.round_id == round_.id, Rating.value.is_not(None))
    )
    figures = RoundFigures(round_, invited, len(people), len(active), contributions, ratings)
    for user in people:
        role = user.professional_role or "anders"
        areas = [a.name for a in user.areas] or ["-"]
        figures.joined_by_role[role] += 1
        figures.joined_by_area.update(areas)
        if user.id in active:
            figures.active_by_role[role] += 1
            figures.active_by_area.update(areas)
        else:
            figures.waiting.append(user)
    return figures


def rounds(dialogue: Dialogue) -> list[RoundFigures]:
    invited = _count(select(func.count(Invitation.id)).where(Invitation.dialogue_id == dialogue.id))
    people = invitations.participants(dialogue)
    return [_figures(round_, invited, people) for round_ in dialogue.rounds]

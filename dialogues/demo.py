"""Demo dialogue and intake session, entered through the same services as real ones."""

from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from app.demo import area_by_name, demo_user
from app.extensions import db
from app.models import utcnow
from dialogues import intake, invitations, rating, services
from dialogues.models import Dialogue, IntakeSession, RoundKind

CONTENT = Path(__file__).with_name("demo_content.yml")
DEMO_PIN = "2468"  # the demo intake session's tablet PIN, printed in the README
PROFESSIONALS = [f"professional{n}" for n in range(1, 6)]
# Days from now that each demo round opens and closes: all three are running.
ROUND_TIMES = [(-21, 14), (-7, 7), (-1, 21)]


def load() -> None:
    with CONTENT.open(encoding="utf-8") as handle:
        content = yaml.safe_load(handle)
    facilitator = demo_user("facilitator")
    _load_dialogue(facilitator, content["dialogue"])
    _load_intake(facilitator, content["intake_session"])


def _load_dialogue(facilitator, spec: dict) -> None:
    if db.session.scalar(select(Dialogue).where(Dialogue.title == spec["title"])):
        return
    dialogue = services.create_dialogue(
        facilitator, spec["title"], spec["intro"], [area_by_name(a) for a in spec["areas"]]
    )
    for round_spec in spec["rounds"]:
        _add_round(facilitator, dialogue, round_spec)
    services.advance_dialogue(facilitator, dialogue)
    _invite_professionals(facilitator, dialogue)
    for round_, round_spec in zip(dialogue.rounds, spec["rounds"], strict=True):
        _take_part(round_, round_spec)
    now = utcnow()
    for round_, (opens, closes) in zip(dialogue.rounds, ROUND_TIMES, strict=False):
        round_.opens_at, round_.closes_at = (
            now + timedelta(days=opens),
            now + timedelta(days=closes),
        )


def _add_round(facilitator, dialogue, spec: dict) -> None:
    kind = spec.get("kind", RoundKind.OPEN)
    earlier = [s for r in dialogue.rounds for s in r.statements]
    round_ = services.add_round(
        facilitator, dialogue, spec["title"], kind=kind, synthesis=spec.get("synthesis", "")
    )
    round_.highlighted = [earlier[i] for i in spec.get("highlight", [])]
    for prompt_spec in spec.get("prompts", []):
        services.add_prompt(facilitator, round_, prompt_spec["text"])
    for statement_spec in spec.get("statements", []):
        rating.add_statement(facilitator, round_, statement_spec["text"])


def _invite_professionals(facilitator, dialogue) -> None:
    """The demo professionals join the way real ones do: by an accepted invitation."""
    emails = [demo_user(name).email for name in PROFESSIONALS]
    tokens = {}
    invitations.invite(
        facilitator, dialogue, emails, lambda _dialogue, token: tokens.setdefault(token, token)
    )
    for email, token in zip(emails, tokens, strict=True):
        invitation = invitations.find(dialogue, token)
        invitations.accept(invitation, demo_user(email.split("@")[0]))


def _take_part(round_, spec: dict) -> None:
    for prompt, prompt_spec in zip(round_.prompts, spec.get("prompts", []), strict=True):
        for item in prompt_spec.get("contributions", []):
            contribution = services.post_contribution(
                demo_user(item["author"]), prompt, item["text"], area_by_name(item["area"])
            )
            contribution.provenance = {
                **contribution.provenance,
                "source": "demo",
                "demo_status": item.get("status", "approved"),
            }
    for statement, statement_spec in zip(
        round_.statements, spec.get("statements", []), strict=True
    ):
        for name, value in statement_spec.get("ratings", {}).items():
            rating.rate(demo_user(name), statement, value)


def _load_intake(facilitator, spec: dict) -> None:
    if db.session.scalar(select(IntakeSession).where(IntakeSession.centre == spec["centre"])):
        return
    session = intake.create_intake_session(
        facilitator,
        spec["centre"],
        area_by_name(spec["area"]),
        date.today(),
        spec.get("languages", ["nl"]),
        pin=DEMO_PIN,
    )
    for story in spec["stories"]:
        contribution, _created = intake.record_story(
            facilitator,
            session,
            story["text"],
            language=story.get("language", "nl"),
            consent=True,
            attributes=story.get("attributes"),
        )
        contribution.provenance = {
            **contribution.provenance,
            "source": "demo",
            "demo_status": story.get("status", "approved"),
        }

"""Demo dialogue and intake session, entered through the same services as real ones."""

from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from app.demo import area_by_name, demo_user
from app.extensions import db
from dialogues import services
from dialogues.models import Dialogue, IntakeSession

CONTENT = Path(__file__).with_name("demo_content.yml")


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
        round_ = services.add_round(facilitator, dialogue, round_spec["title"])
        for prompt_spec in round_spec["prompts"]:
            services.add_prompt(facilitator, round_, prompt_spec["text"])
    services.advance_dialogue(facilitator, dialogue)
    for round_, round_spec in zip(dialogue.rounds, spec["rounds"], strict=True):
        for prompt, prompt_spec in zip(round_.prompts, round_spec["prompts"], strict=True):
            for item in prompt_spec.get("contributions", []):
                contribution = services.post_contribution(
                    demo_user(item["author"]), prompt, item["text"], area_by_name(item["area"])
                )
                contribution.provenance = {
                    **contribution.provenance,
                    "source": "demo",
                    "demo_status": item.get("status", "approved"),
                }


def _load_intake(facilitator, spec: dict) -> None:
    if db.session.scalar(select(IntakeSession).where(IntakeSession.centre == spec["centre"])):
        return
    session = services.create_intake_session(
        facilitator,
        spec["centre"],
        area_by_name(spec["area"]),
        date.today(),
        spec.get("languages", ["nl"]),
    )
    for story in spec["stories"]:
        contribution = services.record_story(
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

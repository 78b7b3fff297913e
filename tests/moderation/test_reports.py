import pytest
from sqlalchemy import select

from app.errors import Conflict, NotAllowed
from app.models import AuditEvent
from dialogues import services as capture
from moderation import services
from tests import factories


@pytest.fixture
def published(db, make_user):
    facilitator = make_user("facilitator")
    _, prompt = factories.open_dialogue(db, facilitator, mode="post")
    contribution = capture.post_contribution(
        make_user("professional"), prompt, "De buurtbus rijdt niet meer op zondag, dat is lastig."
    )
    db.session.commit()
    assert contribution.status == "approved"
    return contribution, prompt


def test_reports_hide_a_contribution_at_the_threshold(db, make_user, published):
    contribution, _prompt = published
    assert not services.report(make_user("professional"), contribution, "Klopt niet", 2)
    assert services.report(make_user("professional"), contribution, "Kwetsend", 2)
    assert contribution.status == "hidden"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.auto_hide"))
    services.approve(make_user("moderator"), contribution)
    assert contribution.status == "approved"


def test_reports_are_once_per_person_and_not_on_ones_own(db, make_user, published):
    contribution, _prompt = published
    reporter = make_user("professional")
    services.report(reporter, contribution, "Klopt niet", 3)
    with pytest.raises(Conflict):
        services.report(reporter, contribution, "Nog eens", 3)
    author = db.session.get(type(contribution.author), contribution.author_id)
    with pytest.raises(NotAllowed):
        services.report(author, contribution, "Eigen", 3)


def test_report_through_the_page_and_review_in_the_queue(
    app, db, client, make_user, login, published
):
    contribution, prompt = published
    app.config["REPORTS_TO_HIDE"] = 1
    try:
        login(make_user("professional"))
        response = client.post(
            f"/moderation/report/{contribution.id}",
            data={
                "reason": "Persoonlijke aanval",
                "next": f"/dialogues/{prompt.round.dialogue_id}",
            },
        )
    finally:
        app.config["REPORTS_TO_HIDE"] = 3
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dialogues/{prompt.round.dialogue_id}"
    moderator = app.test_client()
    moderator.post(
        "/login", data={"email": make_user("moderator").email, "password": "correct horse battery"}
    )
    page = moderator.get("/moderation/").get_data(as_text=True)
    assert "Persoonlijke aanval" in page and f"#{contribution.id}" in page

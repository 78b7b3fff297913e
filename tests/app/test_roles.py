"""The role matrix: every page for every role, allowed (200) or refused (403)."""

import pytest

from tests import factories

ROLES = ["admin", "facilitator", "moderator", "researcher", "professional"]
PAGES = {
    "/dashboard": set(ROLES),
    "/dialogues/": {"admin", "facilitator", "professional"},
    "/dialogues/new": {"admin", "facilitator"},
    "/intake/": {"admin", "facilitator"},
    "/intake/new": {"admin", "facilitator"},
    "/moderation/": {"admin", "moderator"},
    "/analysis/": {"admin", "researcher"},
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, make_user, login, role):
    login(make_user(role))
    for path, allowed in PAGES.items():
        expected = 200 if role in allowed else 403
        assert client.get(path).status_code == expected, (role, path)


def test_anonymous_visitors_are_sent_to_login(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_intake_session_of_another_facilitator_is_refused(db, client, make_user, login):
    owner = make_user("facilitator")
    session = factories.intake_session(db, owner)
    login(make_user("facilitator"))
    assert client.get(f"/intake/{session.id}").status_code == 403
    response = client.post(
        f"/intake/{session.id}/stories", data={"text": "x", "consent": "y", "language": "nl"}
    )
    assert response.status_code == 403


def test_posting_writes_is_refused_for_the_wrong_role(client, make_user, login):
    login(make_user("professional"))
    assert client.post("/analysis/code").status_code == 403
    assert client.post("/moderation/1/decide", data={"decision": "approve"}).status_code == 403

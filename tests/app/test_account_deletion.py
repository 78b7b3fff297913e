import re

import pytest
from sqlalchemy import func, select

from analysis.models import CodedSegment, CodingPass
from app.models import AuditEvent, Contribution
from dialogues import services
from dialogues.models import Endorsement, Participation
from moderation.models import Report
from tests import factories
from tests.conftest import PASSWORD


@pytest.fixture
def scene(db, make_user):
    """An author with a contribution that others replied to, endorsed, reported; and it is coded."""
    facilitator, author, other = make_user("facilitator"), make_user(), make_user()
    dialogue, prompt = factories.open_dialogue(db, facilitator, mode="post")
    mine = services.post_contribution(author, prompt, "De wachtlijsten bij het wijkteam zijn lang.")
    theirs = services.post_contribution(other, prompt, "Jongeren hebben geen plek om te zijn.")
    db.session.flush()
    reply = services.post_contribution(other, prompt, "Dat herken ik.", parent=mine)
    my_reply = services.post_contribution(author, prompt, "Hier ook zo.", parent=theirs)
    services.endorse(other, mine)
    db.session.add(Report(contribution_id=mine.id, reporter_id=other.id, reason="Klopt niet"))
    db.session.add(
        CodedSegment(contribution_id=mine.id, code_key="kn_x", codebook_number=1, start=0, end=3)
    )
    db.session.add(CodingPass(contribution_id=mine.id, codebook_number=1))
    services.join(dialogue.id, author)
    db.session.commit()
    return {
        "dialogue": dialogue,
        "author": author,
        "email": author.email,
        "mine": mine.id,
        "my_reply": my_reply.id,
        "reply": reply.id,
        "theirs": theirs.id,
        "other": other,
    }


def count(db, model, **where):
    query = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query)


def deletions(db):
    query = select(AuditEvent).where(AuditEvent.action == "account.delete")
    return list(db.session.scalars(query))


def test_page_asks_for_the_choice_and_the_password(client, login, scene):
    login(scene["author"])
    page = client.get("/account/delete").get_data(as_text=True)
    assert 'name="password"' in page
    assert 'value="keep"' in page and 'value="delete"' in page
    assert 'href="/account/delete"' in client.get("/dashboard").get_data(as_text=True)


def test_wrong_password_keeps_the_page_and_deletes_nothing(db, client, login, scene):
    login(scene["author"])
    response = client.post(
        "/account/delete", data={"contributions": "delete", "password": "not my password"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page
    assert re.search(r'<input checked[^>]*value="delete"', page)
    db.session.expire_all()
    assert db.session.get(Contribution, scene["mine"]) is not None
    assert scene["author"].email == scene["email"] and not scene["author"].is_erased
    assert deletions(db) == []
    assert client.get("/dashboard").status_code == 200


def test_a_choice_is_required(db, client, login, scene):
    login(scene["author"])
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    assert 'id="contributions-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert not scene["author"].is_erased


def test_keep_erases_the_account_and_shows_former_participant(db, app, client, login, scene):
    author = scene["author"]
    login(author)
    response = client.post("/account/delete", data={"contributions": "keep", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "alert--success" in client.get("/").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    db.session.expire_all()
    assert author.is_erased and author.email != scene["email"]
    assert (author.display_name, author.pseudonym, author.password_hash) == (None, "", "")
    mine = db.session.get(Contribution, scene["mine"])
    assert (mine.author_id, mine.body) == (author.id, "De wachtlijsten bij het wijkteam zijn lang.")
    assert count(db, Participation, user_id=author.id) == 0
    assert [e.details for e in deletions(db)] == [{"choice": "keep", "contributions": 2}]
    response = client.post("/login", data={"email": scene["email"], "password": PASSWORD})
    assert response.status_code == 401

    reader = app.test_client()
    reader.post("/login", data={"email": scene["other"].email, "password": PASSWORD})
    reader.post("/language/en", data={"next": "/"})
    page = reader.get(f"/dialogues/{scene['dialogue'].id}").get_data(as_text=True)
    assert "Former participant" in page and "De wachtlijsten bij het wijkteam" in page


def test_delete_removes_the_contributions_and_what_hangs_off_them(db, client, login, scene):
    login(scene["author"])
    response = client.post(
        "/account/delete", data={"contributions": "delete", "password": PASSWORD}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, scene["mine"]) is None
    assert db.session.get(Contribution, scene["my_reply"]) is None
    reply = db.session.get(Contribution, scene["reply"])
    assert (reply.body, reply.parent_id) == ("Dat herken ik.", None)
    assert db.session.get(Contribution, scene["theirs"]) is not None
    for model in (Endorsement, Report, CodedSegment, CodingPass):
        assert count(db, model, contribution_id=scene["mine"]) == 0, model
    assert scene["author"].is_erased
    assert [e.details for e in deletions(db)] == [{"choice": "delete", "contributions": 2}]


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_staff_accounts_are_refused_with_a_clear_message(db, client, login, make_user, role):
    staff = make_user(role)
    login(staff)
    client.post("/language/en", data={"next": "/"})
    page = client.get("/account/delete").get_data(as_text=True)
    assert 'name="password"' not in page and "administrator" in page
    response = client.post("/account/delete", data={"contributions": "keep", "password": PASSWORD})
    assert response.status_code == 403
    db.session.expire_all()
    assert not staff.is_erased and staff.active
    assert deletions(db) == []

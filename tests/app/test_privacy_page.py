from datetime import timedelta

import pytest


def test_privacy_page_in_dutch_names_the_retention_period(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Privacy: wat Wijkstem bewaart" in page
    assert "365 dagen nadat de laatste ronde" in page
    assert "wijkstem retention apply" in page
    assert 'href="/account/delete"' in page


def test_privacy_page_follows_the_chosen_language(client):
    client.post("/language/en", data={"next": "/privacy"})
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Privacy: what Wijkstem stores" in page
    assert "365 days after a dialogue's last round closes" in page
    assert "Former participant" in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_privacy_page_shows_the_configured_period_and_contact(app, client, monkeypatch, language):
    monkeypatch.setitem(app.config, "RETENTION_DEFAULT_DAYS", 90)
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "privacy@gemeente.example")
    client.post(f"/language/{language}", data={"next": "/"})
    page = client.get("/privacy").get_data(as_text=True)
    assert ("90 dagen" if language == "nl" else "90 days") in page
    assert "365" not in page
    assert '<a href="mailto:privacy@gemeente.example">' in page


def test_privacy_page_without_a_contact_points_to_the_inviting_organisation(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "mailto:" not in page
    assert "de organisatie die u voor de dialoog uitnodigde" in page


def test_failed_login_window_comes_from_the_settings(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW", timedelta(minutes=30))
    assert "Na 30 minuten" in client.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/login", "/privacy"])
def test_every_page_links_to_the_privacy_page_in_its_footer(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = page.split('<footer class="site-footer">', 1)[1]
    assert 'href="/privacy"' in footer


def test_footer_link_on_a_logged_in_page(client, make_user, login):
    login(make_user("researcher"))
    footer = client.get("/dashboard").get_data(as_text=True).split("<footer", 1)[1]
    assert 'href="/privacy"' in footer

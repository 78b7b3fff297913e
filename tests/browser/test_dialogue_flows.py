"""Dialogue pages in Chromium: drafts that survive, invitations, rating; new pages pass axe."""

import pytest

from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def _contribution_box(page):
    return page.locator("#prompt-1 textarea[data-draft-key='draft-1-top']")


def test_typed_text_survives_reload_and_expired_session_until_sent(page):
    log_in(page, "professional3@wijkstem.test")
    page.goto("/dialogues/1")
    text = "Wat bij ons werkt: elke week hetzelfde spreekuur in het buurthuis."
    _contribution_box(page).fill(text)
    page.reload()
    assert _contribution_box(page).input_value() == text
    assert page.locator(".draft-note").first.is_visible()

    # The session ends before sending: the server never got the text, the browser kept it.
    page.context.clear_cookies()
    page.goto("/dialogues/1")
    log_in(page, "professional3@wijkstem.test")
    page.goto("/dialogues/1")
    assert _contribution_box(page).input_value() == text

    _contribution_box(page).locator("xpath=ancestor::form").get_by_role("button").click()
    page.wait_for_url("**/dialogues/1#prompt-1")
    assert _contribution_box(page).input_value() == ""
    assert (
        page.evaluate("() => Object.keys(localStorage).filter(k => k.includes('draft-1-top'))")
        == []
    )


def test_invitation_link_lets_a_new_professional_join(browser, live_server, page, axe_source):
    log_in(page, "facilitator@wijkstem.test")
    page.goto("/dialogues/1/invitations")
    page.fill("#addresses", "nieuwe.collega@example.org")
    page.get_by_role("button", name="Uitnodigingen versturen").click()
    link = page.locator("td.link-box").first.inner_text().strip()
    assert "/dialogues/1/join/" in link

    guest = browser.new_context(base_url=live_server).new_page()
    guest.goto(link)
    assert axe_violations(guest, axe_source) == []
    guest.fill("#pseudonym", "Buurtwerker 12")
    guest.select_option("#professional_role", "opbouwwerker")
    guest.select_option("#organisation_type", "welzijn")
    guest.get_by_label("Delft West").check()
    guest.fill("#password", "een lang wachtwoord")
    guest.fill("#confirm", "een lang wachtwoord")
    guest.get_by_role("button", name="Account maken en meedoen").click()
    guest.wait_for_url("**/dialogues/1")
    assert guest.locator("h1").inner_text() == "Wat werkt in kwetsbare wijken?"
    assert guest.locator("form[action$='/ratings'] button[type=submit]").is_visible()
    guest.context.close()


def test_rating_round_saves_and_shows_progress(page):
    log_in(page, "professional2@wijkstem.test")
    page.goto("/dialogues/1")
    form = page.locator("form[action$='/ratings']")
    form.locator("input[value='skip']").first.check()
    form.get_by_role("button").click()
    assert "5 van de 5" in page.locator(".alert--success").inner_text()

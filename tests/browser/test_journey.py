"""The thin journey through the real pages in Chromium."""

import csv
import io

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_thin_journey_in_the_browser(browser, live_server):
    def as_user(email):
        context = browser.new_context(base_url=live_server, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, email)
        return page

    facilitator = as_user("facilitator@wijkstem.test")
    facilitator.goto("/dialogues/new")
    facilitator.fill("#title", "Veiligheid rond de school")
    facilitator.get_by_label("Delft West").check()
    facilitator.get_by_label("Iedere professional met een account").check()
    facilitator.click("main button[type=submit]")
    facilitator.fill("#title", "Eerste ronde")
    facilitator.get_by_role("button", name="Ronde toevoegen", exact=True).click()
    facilitator.fill("textarea[name=text]", "Wat merkt u van overlast rond de school?")
    facilitator.get_by_role("button", name="Vraag toevoegen", exact=True).click()
    facilitator.get_by_role("button", name="Dialoog openen", exact=True).click()
    dialogue_url = facilitator.url
    assert facilitator.locator("main .status").first.inner_text() == "open"

    facilitator.goto("/intake/new")
    facilitator.fill("#centre", "Buurthuis Het Anker")
    facilitator.select_option("#area", label="Delft West")
    facilitator.fill("#held_on", "2026-11-20")
    facilitator.fill("#pin", "9753")
    facilitator.click("main button[type=submit]")
    facilitator.fill(
        "#text", "Sinds het buurthuis dicht is, hangen de jongeren op straat. Bel 06-87654321."
    )
    facilitator.check("#consent")
    facilitator.get_by_role("button", name="Verhaal opslaan", exact=True).click()
    assert "[telefoonnummer]" in facilitator.locator(".contributions").inner_text()

    professional = as_user("professional2@wijkstem.test")
    professional.goto(dialogue_url.replace(live_server, ""))
    professional.fill(
        "textarea[name=text]", "De wijkagent is nooit meer te zien sinds de bezuiniging."
    )
    professional.get_by_role("button", name="Bijdrage versturen", exact=True).click()
    assert "wacht op een moderator" in professional.locator(".alert").inner_text()

    moderator = as_user("moderator@wijkstem.test")
    for snippet in ("De wijkagent is nooit meer te zien", "hangen de jongeren op straat"):
        moderator.goto("/moderation/")
        item = moderator.locator("article", has_text=snippet)
        item.locator("button[value=approve]").click()
        assert moderator.locator(".alert--success").is_visible()

    researcher = as_user("researcher@wijkstem.test")
    researcher.goto("/analysis/")
    researcher.get_by_role("button", name="Automatisch coderen", exact=True).click()
    with researcher.expect_download() as download:
        researcher.get_by_role(
            "button", name="Gecodeerde fragmenten downloaden (CSV)", exact=True
        ).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    texts = [row["text"] for row in rows]
    assert any("wijkagent is nooit meer te zien" in t for t in texts)
    assert any("buurthuis dicht" in t for t in texts)
    assert not any("06-87654321" in t for t in texts)

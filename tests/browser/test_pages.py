"""Log in, see the dashboard, and check every page for each role with axe-core."""

import pytest

from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

PAGES_BY_ROLE = {
    None: ["/", "/login", "/does-not-exist"],
    "admin@wijkstem.test": ["/dashboard", "/account/password", "/admin/audit/"],
    "facilitator@wijkstem.test": [
        "/dashboard",
        "/dialogues/",
        "/dialogues/new",
        "/dialogues/1",
        "/intake/",
        "/intake/new",
        "/intake/1",
        "/dialogues/1/invitations",
        "/dialogues/1/overview",
        "/rounds/2/results",
        "/moderation/",  # refused: the 403 page must be accessible too
    ],
    "professional1@wijkstem.test": ["/dashboard", "/dialogues/", "/dialogues/1"],
    "moderator@wijkstem.test": ["/dashboard", "/moderation/", "/moderation/?channel=intake"],
    "researcher@wijkstem.test": ["/dashboard", "/analysis/", "/rounds/2/results"],
}


def test_login_shows_the_dashboard(page):
    log_in(page, "researcher@wijkstem.test")
    assert page.locator("h1").inner_text() == "Overzicht"
    assert page.locator("nav[aria-label] a", has_text="Analyse").is_visible()


def test_language_switch(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.click("button[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "listening to neighbourhoods" in page.locator("h1").inner_text()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "account", list(PAGES_BY_ROLE), ids=lambda a: (a or "anonymous").split("@")[0]
)
def test_every_page_passes_axe(page, axe_source, account, language):
    if account:
        log_in(page, account)
    if language == "en":
        page.goto("/")
        page.click("button[lang=en]")
    failures = {}
    for path in PAGES_BY_ROLE[account]:
        page.goto(path)
        violations = axe_violations(page, axe_source)
        if violations:
            failures[path] = violations
    assert failures == {}


def test_axe_catches_a_broken_page(page, axe_source):
    page.set_content(
        '<html><body><img src="x.png"><a href="/x"></a>'
        '<p style="color:#bbb;background:#fff">faint</p></body></html>'
    )
    ids = {v["id"] for v in axe_violations(page, axe_source)}
    assert {"image-alt", "link-name", "html-has-lang"} <= ids

"""Tablet mode in Chromium: the offline queue, a cut-off sync, the PIN, the preview, axe.

All browser tests share one live server and other tests add stories to intake
session 1 too, so each test counts the session's stories before and after, and
finds its own stories by a marker written into their text.
"""

import time
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@wijkstem.test"
SESSION_PAGE = "/intake/1"
TABLET = "/intake/1/tablet"
PIN = "2468"
STORIES_API = "**/api/v1/intake-sessions/*/stories"

QUEUE_SIZE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("wijkstem-intake");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
    request.onerror = () => reject(request.error);
  };
})"""

# True once the service worker is active and holds this page for offline loads.
PAGE_CACHED = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  return Boolean(registration && registration.active && await caches.match(location.pathname));
}"""

# The queue's records as the test sees them: fields, and the ciphertext read as text.
QUEUE_RECORDS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("wijkstem-intake");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => {
      open.result.close();
      resolve(request.result.map((record) => ({
        fields: Object.keys(record).sort(),
        session_id: record.session_id,
        iv_bytes: record.iv.byteLength,
        readable: new TextDecoder().decode(record.ciphertext),
      })));
    };
    request.onerror = () => reject(request.error);
  };
})"""

SELECT_IN_PREVIEW = """(words) => {
  const box = document.getElementById("preview-text");
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      return true;
    }
  }
  return false;
}"""


def _wait_until(page, check, what: str, timeout: float = 45):
    """Poll from Python: wait_for_function returns at once for async checks."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        page.wait_for_timeout(250)
    return result


def _stories_with(page, marker: str | None = None) -> int:
    """Stories listed on the facilitator's session page (those with `marker` when given)."""
    other = page.context.new_page()
    try:
        other.goto(SESSION_PAGE)
        items = other.locator("li.contribution")
        return (items.filter(has_text=marker) if marker else items).count()
    finally:
        other.close()


def _open_tablet(page) -> None:
    page.goto(TABLET)
    _wait_until(page, lambda: page.evaluate(PAGE_CACHED), "the service worker keeps the page")


def _submit_pin(page, pin: str) -> None:
    page.fill("#unlock-pin", pin)
    page.click("#unlock-form button[type=submit]")


def _unlock(page) -> None:
    _submit_pin(page, PIN)
    expect(page.locator("#story-step")).to_be_visible()
    expect(page.locator("#consent")).to_be_focused()


def _preview(page, text: str) -> None:
    page.check("#consent")
    page.fill("#answer-2", text)
    page.click("#preview-button")
    expect(page.locator("#preview-step")).to_be_visible()


def _save(page) -> None:
    page.click("#save-story")
    expect(page.locator("#story-step")).to_be_visible()
    expect(page.locator("#answer-2")).to_have_value("")


def _waiting(page) -> int:
    return int(page.locator("#queue-status").get_attribute("data-count") or -1)


def _wait_until_all_sent(page) -> None:
    _wait_until(page, lambda: _waiting(page) == 0, "the server confirmed every story")
    all_sent = page.locator("body").get_attribute("data-msg-all-sent")
    expect(page.locator("#queue-status")).to_have_text(all_sent)
    assert page.evaluate(QUEUE_SIZE) == 0


def _expected_waiting_text(page, count: int) -> str:
    body = page.locator("body")
    pattern = body.get_attribute("data-msg-waiting-other")
    return pattern.replace(body.get_attribute("data-count-sample"), str(count))


def test_stories_typed_offline_survive_a_reload_and_arrive_exactly_once(page):
    log_in(page, FACILITATOR)
    before = _stories_with(page)
    _open_tablet(page)
    _unlock(page)

    page.context.set_offline(True)
    markers = [f"offline-{uuid4().hex[:10]}" for _ in range(3)]
    for marker in markers:
        _preview(page, f"Het buurthuis is op dinsdag dicht ({marker}).")
        expect(page.locator("#preview-offline")).to_be_visible()
        expect(page.locator("#preview-text")).to_contain_text(marker)
        _save(page)
        expect(page.locator("#consent")).to_be_focused()
    _wait_until(page, lambda: _waiting(page) == 3, "three stories wait")
    records = page.evaluate(QUEUE_RECORDS)
    assert [r["fields"] for r in records] == [
        ["ciphertext", "client_uuid", "created_at", "iv", "session_id"]
    ] * 3
    assert {(r["session_id"], r["iv_bytes"]) for r in records} == {(1, 12)}
    assert not any(m in r["readable"] for r in records for m in markers)  # encrypted

    page.reload()  # still offline: the service worker serves the page
    expect(page.locator("#queue-status")).to_have_text(_expected_waiting_text(page, 3))
    assert page.evaluate(QUEUE_SIZE) == 3
    _unlock(page)  # checked against the value stored at the online unlock

    page.context.set_offline(False)
    _wait_until_all_sent(page)
    assert _stories_with(page) == before + 3
    assert [_stories_with(page, marker) for marker in markers] == [1, 1, 1]


def test_a_sync_cut_off_after_the_server_stored_the_story_makes_no_duplicate(page):
    log_in(page, FACILITATOR)
    before = _stories_with(page)
    cut: list[str] = []

    def reach_server_then_drop_the_answer(route):
        if cut:
            route.continue_()
            return
        route.fetch()  # the server stores the story...
        cut.append(route.request.post_data_json["client_uuid"])
        route.abort()  # ...but the tablet never hears back

    page.route(STORIES_API, reach_server_then_drop_the_answer)
    _open_tablet(page)
    _unlock(page)
    markers = [f"cut-{uuid4().hex[:10]}" for _ in range(2)]
    _preview(page, f"Er is te weinig licht op het pleintje ({markers[0]}).")
    _save(page)
    _wait_until(page, lambda: cut, "the first upload was cut off")
    assert _waiting(page) == 1  # not confirmed, so still waiting

    _preview(page, f"De bus rijdt 's avonds niet meer ({markers[1]}).")
    _save(page)  # the next sync resends the first story with the same client_uuid
    _wait_until_all_sent(page)
    assert _stories_with(page) == before + 2
    assert [_stories_with(page, marker) for marker in markers] == [1, 1]


def test_leaving_tablet_mode_needs_the_session_pin(page):
    log_in(page, FACILITATOR)
    page.goto(TABLET)
    _submit_pin(page, "1357")
    expect(page.locator("#unlock-error")).not_to_be_empty()
    expect(page.locator("#story-step")).to_be_hidden()
    _unlock(page)

    page.click("#leave-open")
    page.fill("#leave-pin", "1357")
    page.click("#leave-form button[type=submit]")
    expect(page.locator("#leave-error")).not_to_be_empty()
    expect(page.locator("#leave-dialog")).to_be_visible()
    assert page.url.endswith(TABLET)

    page.fill("#leave-pin", PIN)
    page.click("#leave-form button[type=submit]")
    page.wait_for_url(f"**{SESSION_PAGE}")


def test_preview_redacts_online_lets_the_facilitator_remove_more_and_warns_offline(page):
    log_in(page, FACILITATOR)
    _open_tablet(page)
    _unlock(page)
    marker = f"preview-{uuid4().hex[:10]}"
    # A description can point at someone as surely as a name; only the facilitator sees that.
    _preview(page, f"Bel de buurtwerker op 06-12345678, zei die lange van hiernaast ({marker}).")
    preview = page.locator("#preview-text")
    expect(preview.locator("mark.finding")).to_have_text("[telefoonnummer]")
    expect(preview).not_to_contain_text("06-12345678")
    expect(page.locator("#preview-offline")).to_be_hidden()

    assert page.evaluate(SELECT_IN_PREVIEW, "die lange van hiernaast")
    page.click("#remove-selection")
    removed = page.locator("body").get_attribute("data-msg-removed")
    expect(preview).not_to_contain_text("die lange")
    expect(preview.locator("mark.finding--removed")).to_have_text(removed)
    _save(page)
    _wait_until_all_sent(page)
    other = page.context.new_page()
    other.goto(SESSION_PAGE)
    stored = other.locator("li.contribution", has_text=marker).inner_text()
    other.close()
    assert "[telefoonnummer]" in stored and removed in stored
    assert "06-12345678" not in stored and "die lange" not in stored

    page.context.set_offline(True)
    _preview(page, "Bel de buurtwerker op 06-12345678.")
    expect(page.locator("#preview-offline")).to_be_visible()
    expect(preview).to_contain_text("06-12345678")
    page.click("#back-to-story")
    expect(page.locator("#answer-2")).to_have_value("Bel de buurtwerker op 06-12345678.")


def test_tablet_page_passes_axe_when_locked_unlocked_and_in_preview(page, axe_source):
    log_in(page, FACILITATOR)
    page.goto(TABLET)
    assert axe_violations(page, axe_source) == []
    _unlock(page)
    assert axe_violations(page, axe_source) == []
    _preview(page, "Het pleintje is 's avonds donker.")
    assert axe_violations(page, axe_source) == []
    page.click("#leave-open")
    assert axe_violations(page, axe_source) == []


def test_a_refused_story_stays_on_the_tablet_with_the_reason_until_accepted(page):
    log_in(page, FACILITATOR)
    refusals: list[str] = []

    def refuse_once(route):
        if refusals:
            route.continue_()
            return
        refusals.append(route.request.post_data_json["client_uuid"])
        route.fulfill(
            status=409,
            json={"error": "Conflict", "message": "Test: refused as it is.", "status": 409},
        )

    page.route(STORIES_API, refuse_once)
    _open_tablet(page)
    _unlock(page)
    marker = f"refused-{uuid4().hex[:10]}"
    _preview(page, f"Niemand weet wie de straat schoonhoudt ({marker}).")
    _save(page)
    expect(page.locator("#rejected-list")).to_contain_text("Test: refused as it is.")
    assert _waiting(page) == 1 and page.evaluate(QUEUE_SIZE) == 1
    expect(page.locator("#queue-status")).to_have_text(
        page.locator("body").get_attribute("data-msg-waiting-one")
    )

    page.reload()
    _unlock(page)  # a new unlock offers the refused story once more
    _wait_until_all_sent(page)
    expect(page.locator("#rejected")).to_be_hidden()
    assert _stories_with(page, marker) == 1


def test_an_ended_login_keeps_the_story_until_the_facilitator_logs_in_again(page):
    log_in(page, FACILITATOR)
    _open_tablet(page)
    _unlock(page)
    page.context.clear_cookies()
    marker = f"login-{uuid4().hex[:10]}"
    _preview(page, f"Het wijkteam is moeilijk te bereiken ({marker}).")
    _save(page)
    expect(page.locator("#signed-out")).to_be_visible()
    assert _waiting(page) == 1 and page.evaluate(QUEUE_SIZE) == 1

    other = page.context.new_page()
    log_in(other, FACILITATOR)
    other.close()
    # The next sync (every 15 s) fetches a fresh CSRF token and sends the story.
    _wait_until_all_sent(page)
    expect(page.locator("#signed-out")).to_be_hidden()
    assert _stories_with(page, marker) == 1


def test_typed_text_survives_a_reload_sealed_until_the_pin_is_entered(page):
    log_in(page, FACILITATOR)
    page.goto(TABLET)
    _unlock(page)
    text = f"Half verteld verhaal ({uuid4().hex[:10]})"
    page.check("#consent")
    page.fill("#answer-1", text)
    page.select_option("#attribute-age_band", "65+")
    page.wait_for_timeout(1000)  # the draft is written shortly after typing stops
    page.reload()
    expect(page.locator("#answer-1")).to_have_value("")  # nothing readable while locked
    _unlock(page)
    expect(page.locator("#answer-1")).to_have_value(text)
    expect(page.locator("#consent")).to_be_checked()
    expect(page.locator("#attribute-age_band")).to_have_value("65+")
    expect(page.locator("#story-note")).not_to_be_empty()

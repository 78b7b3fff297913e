"""The moderation queue in Chromium: keyboard shortcuts and redacting a selected span."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Where a phrase sits on screen: the test then drags the mouse across it.
PHRASE_BOX = """(phrase) => {
  const source = [...document.querySelectorAll("[data-redact-source]")]
    .find((element) => element.textContent.includes(phrase));
  source.scrollIntoView({block: "center"});
  const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      const box = range.getBoundingClientRect();
      return {left: box.left, right: box.right, middle: box.top + box.height / 2};
    }
  }
  return null;
}"""


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_keyboard_approval_and_redacting_a_selected_span(page):
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling under the mouse
    log_in(page, "moderator@wijkstem.test")
    page.goto("/moderation/?channel=intake")
    articles = page.locator("article.moderation-item")
    first, second = articles.nth(0).get_attribute("id"), articles.nth(1).get_attribute("id")
    assert "trappenhuis" not in articles.nth(0).inner_text()

    page.keyboard.press("j")
    assert _focused_id(page) == first
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.locator(".alert--success").is_visible()
    assert page.locator(f"#{first}").count() == 0
    assert page.url.endswith("/moderation/?channel=intake")
    assert _focused_id(page) == second  # focus went on to the next item

    story_id = page.locator("article.moderation-item", has_text="trappenhuis").get_attribute("id")
    story = page.locator(f"#{story_id}")
    box = page.evaluate(PHRASE_BOX, "trappenhuis")
    page.mouse.move(box["left"] + 0.5, box["middle"])
    page.mouse.down()
    page.mouse.move(box["right"] - 0.5, box["middle"], steps=8)
    page.mouse.up()
    form = story.locator("form.redact-form")
    text = form.locator("input[name=text]")
    text.wait_for(state="visible")  # the selection opened the form and filled it in
    assert text.input_value() == "trappenhuis"
    assert form.locator("input[name=start]").input_value().isdigit()

    form.locator("select[name=label]").select_option("other")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".alert--success").is_visible()
    body = story.locator("[data-redact-source]").inner_text()
    assert "[verwijderd]" in body and "trappenhuis" not in body

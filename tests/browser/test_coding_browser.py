"""The coding screen in Chromium: select text, pick a code by typing, accept with one key."""

import pytest

from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

# Where a phrase sits on screen (it may cross highlighted pieces): the test drags across it.
PHRASE_BOX = """(phrase) => {
  const block = document.getElementById("coding-text");
  block.scrollIntoView({block: "center"});
  const nodes = [];
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  const text = nodes.map((node) => node.data).join("");
  let at = text.indexOf(phrase);
  const point = (offset) => {
    for (const node of nodes) {
      if (offset <= node.data.length) return [node, offset];
      offset -= node.data.length;
    }
  };
  const range = document.createRange();
  range.setStart(...point(at));
  range.setEnd(...point(at + phrase.length));
  const boxes = range.getClientRects();
  const first = boxes[0], last = boxes[boxes.length - 1];
  return {left: first.left, top: first.top + first.height / 2,
          right: last.right, bottom: last.top + last.height / 2};
}"""

# The page's own conversion from a selection to offsets, on a text with accents and an emoji.
SELECTED_SPAN = """() => {
  const block = document.createElement("div");
  block.dataset.length = "17";
  block.innerHTML = '<span data-start="0">Café 🏠 </span><mark data-start="7">wachtlijst</mark>';
  document.body.append(block);
  const range = document.createRange();
  range.setStart(block.firstChild.firstChild, 2);
  range.setEnd(block.lastChild.firstChild, 10);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  const span = selectedSpan(block);
  getSelection().removeAllRanges();
  block.remove();
  return span;
}"""


def _phrase(text: str) -> str:
    """Two words that occur once in the text, away from its start."""
    words = text.split()
    for index in range(2, len(words) - 1):
        phrase = f"{words[index]} {words[index + 1]}"
        if text.count(phrase) == 1:
            return phrase
    raise AssertionError(f"no phrase to select in {text!r}")


def _open_first_with_suggestions(page) -> None:
    page.goto("/analysis/coding")
    page.locator(
        ".coding-queue__item", has=page.locator(".coding-queue__waiting--some")
    ).first.locator("a").click()
    page.locator("#coding-text").wait_for()


def test_select_text_pick_a_code_by_typing_and_accept_with_a_key(page, axe_source):
    page.emulate_media(reduced_motion="reduce")
    log_in(page, "researcher@wijkstem.test")
    _open_first_with_suggestions(page)
    assert page.evaluate(SELECTED_SPAN) == {"start": 2, "end": 17, "text": "fé 🏠 wachtlijst"}
    assert axe_violations(page, axe_source) == []

    body = page.evaluate("() => document.getElementById('coding-text').textContent")
    phrase = _phrase(body)
    box = page.evaluate(PHRASE_BOX, phrase)
    page.mouse.move(box["left"] + 0.5, box["top"])
    page.mouse.down()
    page.mouse.move(box["right"] - 0.5, box["bottom"], steps=8)
    page.mouse.up()
    chosen = page.locator("#apply-span option[data-selection]")
    chosen.wait_for(state="attached")
    assert (
        chosen.get_attribute("value") == f"{body.index(phrase)}-{body.index(phrase) + len(phrase)}"
    )

    count = page.locator("li.segment").count()
    page.locator("#apply-code").click()
    page.keyboard.type("wacht")
    assert (
        page.locator("#apply-code-list [role=option]").first.get_attribute("aria-selected")
        == "true"
    )
    assert axe_violations(page, axe_source) == []  # with the listbox open
    with page.expect_response(
        lambda r: r.url.endswith("/segments") and r.request.method == "POST"
    ) as answer:
        page.keyboard.press("Enter")
    added = answer.value.json()["segment"]
    assert added["code"] == "kn_wachtlijst" and added["text"] == phrase
    assert body[added["start"] : added["end"]] == phrase
    new = page.locator(f"#segment-{added['id']}")
    new.wait_for()
    assert page.locator("li.segment").count() == count + 1
    assert phrase in new.locator(".segment__quote").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "apply-code"

    suggestion = page.locator("li.segment--suggested").first
    suggestion_id = suggestion.get_attribute("id")
    suggestion.focus()
    page.keyboard.press("a")
    page.locator(f"#{suggestion_id}.segment--accepted").wait_for()
    assert page.evaluate("() => document.activeElement.closest('li.segment') !== null")
    page.reload()
    assert "segment--accepted" in page.locator(f"#{suggestion_id}").get_attribute("class")
    assert axe_violations(page, axe_source) == []


def test_keyboard_selection_and_the_queue_pass_axe(page, axe_source):
    log_in(page, "researcher@wijkstem.test")
    page.goto("/analysis/coding?channel=intake")
    assert axe_violations(page, axe_source) == []
    _open_first_with_suggestions(page)
    page.locator("#coding-text").focus()
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    chosen = page.locator("#apply-span option[data-selection]")
    chosen.wait_for(state="attached")
    assert chosen.get_attribute("value") == "0-4"
    page.keyboard.press("?")
    assert page.locator("#coding-shortcuts").get_attribute("open") is not None

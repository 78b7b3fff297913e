// The coding queue and screen: a searchable code picker, selected text as
// character offsets, actions sent with fetch, and one-key shortcuts.
// Progressive enhancement only: every action is a plain form that works without it.
"use strict";

const TEXT_INPUTS = /^(text|search|email|url|tel|password|number|date|datetime-local|month|time|week)$/;

/* ---------- The code picker: a select becomes a combobox with a filtered listbox ---------- */

function normalised(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function pickerItems(select, listId) {
  return Array.from(select.options)
    .filter((option) => option.value)
    .map((option, index) => {
      const item = document.createElement("li");
      item.id = `${listId}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.className = "code-picker__option";
      const swatch = document.createElement("span");
      swatch.className = `code-swatch code-${option.value}`;
      swatch.setAttribute("aria-hidden", "true");
      const name = document.createElement("span");
      name.textContent = option.text;
      const meta = document.createElement("span");
      meta.className = "code-picker__meta";
      meta.textContent = `${option.value} · ${option.dataset.family || ""}`;
      item.append(swatch, name, " ", meta);
      const primary = normalised(`${option.text} ${option.value}`);
      const rest = normalised(`${option.dataset.family || ""} ${option.dataset.search || ""}`);
      return { item, option, primary, rest };
    });
}

// Names and ids that start with the query first, then names and ids that
// contain it, then family names and cue words.
function ranked(items, query) {
  if (!query) {
    return items;
  }
  const score = (entry) => {
    if (entry.primary.split(/[\s_]+/).some((word) => word.startsWith(query))) {
      return 0;
    }
    if (entry.primary.includes(query)) {
      return 1;
    }
    return entry.rest.includes(query) ? 2 : 3;
  };
  return items
    .map((entry) => ({ entry, rank: score(entry) }))
    .filter((scored) => scored.rank < 3)
    .sort((a, b) => a.rank - b.rank)
    .map((scored) => scored.entry);
}

function makePicker(select) {
  const id = select.id;
  const listId = `${id}-list`;
  const input = document.createElement("input");
  input.type = "text";
  input.id = id;
  input.className = "code-picker__input";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  if (select.hasAttribute("aria-describedby")) {
    input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
  }
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "code-picker__list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  const label = document.querySelector(`label[for="${id}"]`);
  if (label) {
    label.id = label.id || `${id}-label`;
    list.setAttribute("aria-labelledby", label.id);
  }
  const count = document.createElement("p");
  count.className = "visually-hidden";
  count.setAttribute("role", "status");
  const wrapper = document.createElement("div");
  wrapper.className = "code-picker";
  select.id = `${id}-select`;
  select.hidden = true;
  select.tabIndex = -1;
  select.after(wrapper);
  wrapper.append(input, list, count);

  const items = pickerItems(select, listId);
  let shown = items;
  let active = -1;

  const chosenLabel = () => (select.value ? select.selectedOptions[0].text : "");
  input.value = chosenLabel();

  function setActive(index) {
    shown.forEach((entry, i) => entry.item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && shown[index]) {
      input.setAttribute("aria-activedescendant", shown[index].item.id);
      shown[index].item.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    shown = ranked(items, normalised(input.value.trim()));
    list.replaceChildren(...shown.map((entry) => entry.item));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    count.textContent = shown.length
      ? select.dataset.found.replace("{n}", String(shown.length))
      : select.dataset.none;
    setActive(shown.length ? 0 : -1);
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function choose(entry) {
    select.value = entry.option.value;
    input.value = entry.option.text;
    close();
    select.dispatchEvent(new Event("change", { bubbles: true }));
    if (select.dataset.codePicker === "submit" && select.form) {
      select.form.requestSubmit();
    }
  }

  input.addEventListener("input", open);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        open();
        return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive(Math.min(Math.max(active + step, 0), shown.length - 1));
    } else if (event.key === "Enter" && !list.hidden) {
      event.preventDefault();
      if (active >= 0) {
        choose(shown[active]);
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        select.value = "";
      }
    }
  });
  input.addEventListener("blur", () => {
    close();
    if (!input.value.trim()) {
      select.value = "";
    }
    input.value = chosenLabel();
  });
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const entry = shown.find((candidate) => candidate.item.contains(event.target));
    if (entry) {
      choose(entry);
    }
  });
  return {
    input,
    reset() {
      select.value = "";
      input.value = "";
      close();
    },
  };
}

/* ---------- Offsets: the server counts code points (Python), the browser UTF-16 units ---------- */

function codePoints(text) {
  let count = 0;
  for (const _char of text) {
    count += 1;
  }
  return count;
}

// Where a boundary point lies in the contribution's text, counted from the
// piece it falls in (its data-start), or from the start of the whole text.
function offsetOf(textBlock, node, offset) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const piece = element ? element.closest("[data-start]") : null;
  const from = piece && textBlock.contains(piece) ? piece : textBlock;
  const range = document.createRange();
  range.selectNodeContents(from);
  range.setEnd(node, offset);
  return (from === textBlock ? 0 : Number(from.dataset.start)) + codePoints(range.toString());
}

function selectedSpan(textBlock) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return null;
  }
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(textBlock)) {
    return null;
  }
  const length = Number(textBlock.dataset.length);
  const inside = (node) => textBlock.contains(node);
  const start = inside(range.startContainer)
    ? offsetOf(textBlock, range.startContainer, range.startOffset)
    : 0;
  const end = inside(range.endContainer)
    ? offsetOf(textBlock, range.endContainer, range.endOffset)
    : length;
  const text = Array.from(textBlock.textContent).slice(start, end).join("").trim();
  return text && start < end ? { start, end, text } : null;
}

/* ---------- The screen ---------- */

const coding = {
  root: null,
  picker: null,
  chosen: null, // the last text selected in the contribution: {start, end, text}
  statusTimer: null,
};

function textBlock() {
  return document.getElementById("coding-text");
}

function highlight(name, range) {
  if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") {
    return;
  }
  if (range) {
    CSS.highlights.set(name, new Highlight(range));
  } else {
    CSS.highlights.delete(name);
  }
}

// A short confirmation, read out by screen readers and shown for a moment.
function announce(message) {
  const status = document.getElementById("coding-status");
  document.getElementById("coding-error").hidden = true;
  status.textContent = "";
  window.clearTimeout(coding.statusTimer);
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
  coding.statusTimer = window.setTimeout(() => {
    status.textContent = "";
  }, 5000);
}

function showError(message) {
  const error = document.getElementById("coding-error");
  error.textContent = message;
  error.hidden = false;
  error.focus();
}

function spanSelect() {
  const form = document.getElementById("coding-apply");
  return form ? form.elements.span : null;
}

// The UTF-16 boundary point at a code-point offset: the way back from offsets to the page.
function boundaryAt(block, offset) {
  let piece = null;
  block.querySelectorAll("[data-start]").forEach((candidate) => {
    if (Number(candidate.dataset.start) <= offset) {
      piece = candidate;
    }
  });
  if (!piece || !piece.firstChild) {
    return [block, 0];
  }
  const within = offset - Number(piece.dataset.start);
  return [piece.firstChild, Array.from(piece.firstChild.data).slice(0, within).join("").length];
}

function rangeAt(block, start, end) {
  const range = document.createRange();
  range.setStart(...boundaryAt(block, start));
  range.setEnd(...boundaryAt(block, end));
  return range;
}

function chooseSpan(span) {
  const select = spanSelect();
  coding.chosen = span;
  let option = select.querySelector("option[data-selection]");
  if (!option) {
    option = document.createElement("option");
    option.dataset.selection = "";
    select.insertBefore(option, select.options[1] || null);
  }
  const quote = span.text.length > 60 ? `${span.text.slice(0, 60)}…` : span.text;
  option.value = `${span.start}-${span.end}`;
  option.textContent = select.dataset.selectionLabel.replace("{text}", `“${quote}”`);
  option.selected = true;
  highlight("coding-selection", rangeAt(textBlock(), span.start, span.end));
  document.querySelectorAll("[data-use-selection]").forEach((button) => {
    button.disabled = false;
  });
}

function forgetSelection() {
  coding.chosen = null;
  const select = spanSelect();
  const option = select ? select.querySelector("option[data-selection]") : null;
  if (option) {
    option.remove();
    select.value = "";
  }
  highlight("coding-selection", null);
  document.querySelectorAll("[data-use-selection]").forEach((button) => {
    button.disabled = true;
  });
}

// A selection in the text is kept when focus moves on to the form; a click
// or a caret move in the text drops it.
function onSelection() {
  const block = textBlock();
  if (!block || !spanSelect()) {
    return;
  }
  const span = selectedSpan(block);
  const selection = window.getSelection();
  if (span) {
    chooseSpan(span);
  } else if (selection && selection.isCollapsed && block.contains(selection.anchorNode)) {
    forgetSelection();
  }
  showCaret();
}

// The caret is not drawn in text that cannot be edited: mark the letter after it.
function showCaret() {
  const block = textBlock();
  const selection = window.getSelection();
  if (!block || !selection.rangeCount || !selection.isCollapsed) {
    highlight("coding-caret", null);
    return;
  }
  const node = selection.anchorNode;
  if (!block.contains(node) || node.nodeType !== Node.TEXT_NODE) {
    highlight("coding-caret", null);
    return;
  }
  const range = document.createRange();
  const at = Math.min(selection.anchorOffset, node.length - 1);
  range.setStart(node, Math.max(at, 0));
  range.setEnd(node, Math.max(at, 0) + (node.length ? 1 : 0));
  highlight("coding-caret", range);
}

const MOVES = {
  ArrowRight: ["forward", "character"],
  ArrowLeft: ["backward", "character"],
  ArrowDown: ["forward", "line"],
  ArrowUp: ["backward", "line"],
  Home: ["backward", "lineboundary"],
  End: ["forward", "lineboundary"],
};

// Keyboard selection in the focused text, as caret browsing would give it.
function keyboardSelect(event) {
  const move = MOVES[event.key];
  const selection = window.getSelection();
  if (!move || typeof selection.modify !== "function") {
    return;
  }
  const block = event.currentTarget;
  if (!selection.rangeCount || !block.contains(selection.anchorNode)) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    const first = walker.nextNode();
    if (!first) {
      return;
    }
    selection.collapse(first, 0);
  }
  const wide = (event.ctrlKey || event.altKey) && move[1] === "character";
  selection.modify(event.shiftKey ? "extend" : "move", move[0], wide ? "word" : move[1]);
  event.preventDefault();
  showCaret();
}

function segments() {
  return Array.from(document.querySelectorAll("li.segment"));
}

function currentSegment() {
  const active = document.activeElement;
  return active && active.closest ? active.closest("li.segment") : null;
}

function markCurrent(segment) {
  const id = segment ? segment.dataset.segment : null;
  document.querySelectorAll(".coding-mark").forEach((mark) => {
    mark.classList.toggle("is-current", Boolean(id) && mark.dataset.segments.split(" ").includes(id));
  });
}

function focusSegment(segment) {
  if (!segment) {
    return;
  }
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  segment.focus({ preventScroll: true });
  segment.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
  markCurrent(segment);
}

function step(direction) {
  const all = segments();
  const index = all.indexOf(currentSegment());
  const next = index < 0 ? (direction > 0 ? 0 : all.length - 1) : index + direction;
  if (next >= 0 && next < all.length) {
    focusSegment(all[next]);
  }
}

function isTyping(target) {
  if (!target || !target.closest) {
    return false;
  }
  if (target.closest("textarea, select, [contenteditable=''], [contenteditable='true']")) {
    return true;
  }
  return target.tagName === "INPUT" && TEXT_INPUTS.test(target.type || "text");
}

function press(segment, name) {
  const button = segment ? segment.querySelector(`[data-shortcut="${name}"]`) : null;
  if (button) {
    button.click();
  }
}

function toggleHelp() {
  const help = document.getElementById("coding-shortcuts");
  if (help) {
    help.open = !help.open;
    help.querySelector("summary").focus();
  }
}

const SHORTCUTS = {
  j: () => step(1),
  k: () => step(-1),
  a: (segment) => press(segment, "accept"),
  r: (segment) => press(segment, "reject"),
  n: () => press(coding.root, "next"),
  c: () => coding.picker && coding.picker.input.focus(),
  "?": toggleHelp,
};

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.isComposing || isTyping(event.target)) {
    return;
  }
  const shortcut = SHORTCUTS[event.key];
  if (shortcut) {
    event.preventDefault();
    shortcut(currentSegment());
  }
}

/* ---------- Sending forms with fetch, then redrawing the text and the list ---------- */

async function send(url, fields) {
  const token = document.querySelector("meta[name=csrf-token]");
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": token ? token.content : "",
      },
      body: JSON.stringify(fields),
    });
  } catch (error) {
    throw new Error(coding.root.dataset.failed);
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  if (!response.ok) {
    throw new Error(answer.message || answer.error || coding.root.dataset.failed);
  }
  return answer;
}

function fieldsOf(form, submitter) {
  const data = new FormData(form);
  if (submitter && submitter.name) {
    data.set(submitter.name, submitter.value);
  }
  data.delete("csrf_token");
  return Object.fromEntries(data.entries());
}

function unsavedMemos() {
  return Array.from(document.querySelectorAll("[data-refresh] textarea"))
    .filter((area) => area.value !== area.defaultValue)
    .map((area) => [area.id, area.value]);
}

async function refresh() {
  const response = await fetch(window.location.href, {
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  if (!response.ok) {
    window.location.reload();
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const kept = unsavedMemos();
  document.querySelectorAll("[data-refresh]").forEach((region) => {
    const replacement = fresh.getElementById(region.id);
    if (replacement) {
      region.replaceWith(document.importNode(replacement, true));
    }
  });
  kept.forEach(([id, value]) => {
    const area = document.getElementById(id);
    if (area) {
      area.value = value;
      area.closest("details").open = true;
    }
  });
  enhanceRegions();
}

// After a decision, go on to the next suggestion, so that j, a, a, r flows.
function nextSuggestionAfter(id) {
  const all = segments();
  const index = all.findIndex((segment) => segment.dataset.segment === String(id));
  const later = all.slice(index + 1).concat(all.slice(0, Math.max(index, 0)));
  return later.find((segment) => segment.classList.contains("segment--suggested")) || all[index];
}

const AFTER = {
  add: (answer) => {
    forgetSelection();
    coding.picker.reset();
    document.getElementById("apply-memo").value = "";
    window.getSelection().removeAllRanges();
    coding.picker.input.focus();
    markCurrent(document.getElementById(`segment-${answer.segment.id}`));
  },
  decision: (answer) => focusSegment(nextSuggestionAfter(answer.segment.id)),
  span: (answer) => focusSegment(document.getElementById(`segment-${answer.segment.id}`)),
  remove: () => {
    const heading = document.getElementById("coding-codes-title");
    heading.tabIndex = -1;
    heading.focus();
  },
};

async function submitted(form, fields) {
  const kind = form.dataset.fetch;
  try {
    const answer = await send(form.action, fields);
    if (kind === "memo") {
      form.querySelectorAll("textarea").forEach((area) => {
        area.defaultValue = area.value;
      });
    } else {
      await refresh();
      AFTER[kind](answer);
    }
    announce(answer.message || coding.root.dataset.saved);
  } catch (error) {
    showError(error.message);
  }
}

async function saveMemosThenGo(form, submitter) {
  const pending = Array.from(document.querySelectorAll("form[data-fetch=memo]")).filter(
    (other) =>
      other !== form &&
      Array.from(other.querySelectorAll("textarea")).some((area) => area.value !== area.defaultValue),
  );
  try {
    for (const other of pending) {
      await send(other.action, fieldsOf(other, null));
    }
  } catch (error) {
    showError(error.message);
    return;
  }
  form.dataset.memosSaved = "true";
  form.requestSubmit(submitter || undefined);
}

function onSubmit(event) {
  const form = event.target;
  const submitter = event.submitter || null;
  const navigates = form.hasAttribute("data-navigate") || (submitter && submitter.hasAttribute("data-navigate"));
  if (navigates) {
    if (form.dataset.memosSaved !== "true") {
      event.preventDefault();
      saveMemosThenGo(form, submitter);
    }
    return;
  }
  if (!form.dataset.fetch) {
    return;
  }
  event.preventDefault();
  submitted(form, fieldsOf(form, submitter));
}

function onClick(event) {
  const use = event.target.closest("[data-use-selection]");
  if (use) {
    if (coding.chosen) {
      submitted(use.form, { span: `${coding.chosen.start}-${coding.chosen.end}` });
    }
    return;
  }
  const mark = event.target.closest(".coding-mark");
  const selection = window.getSelection();
  if (mark && (!selection || selection.isCollapsed)) {
    focusSegment(document.getElementById(`segment-${mark.dataset.segments.split(" ")[0]}`));
  }
}

function enhanceRegions() {
  document.querySelectorAll("[data-use-selection]").forEach((button) => {
    button.hidden = false;
    button.disabled = !coding.chosen;
  });
  const block = textBlock();
  if (block) {
    block.addEventListener("keydown", keyboardSelect);
  }
  highlight("coding-caret", null);
  if (coding.chosen) {
    highlight("coding-selection", rangeAt(block, coding.chosen.start, coding.chosen.end));
  }
}

function debounced(action, wait) {
  let timer = null;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, wait);
  };
}

function startScreen(root) {
  coding.root = root;
  document.addEventListener("keydown", onKey);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  document.addEventListener("focusin", (event) => {
    const segment = event.target.closest ? event.target.closest("li.segment") : null;
    if (segment) {
      markCurrent(segment);
    }
  });
  document.addEventListener("selectionchange", debounced(onSelection, 80));
  const select = spanSelect();
  if (select) {
    select.addEventListener("change", () => {
      if (!select.selectedOptions[0] || !select.selectedOptions[0].hasAttribute("data-selection")) {
        highlight("coding-selection", null);
      }
    });
  }
  enhanceRegions();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-code-picker]").forEach((select) => {
    const picker = makePicker(select);
    if (select.dataset.codePicker === "submit") {
      coding.picker = picker;
    }
  });
  const root = document.querySelector("[data-coding-screen]");
  if (root) {
    startScreen(root);
  }
});

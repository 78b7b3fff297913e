// The moderation queue: keyboard shortcuts, bulk selection count and choosing
// text to redact by selecting it. Progressive enhancement only: every action is
// a plain form that works without this script.
"use strict";

const FOCUS_KEY = "wijkstem-moderation-focus";
const TEXT_INPUTS = /^(text|search|email|url|tel|password|number|date|datetime-local|month|time|week)$/;

function allItems() {
  return Array.from(document.querySelectorAll("article.moderation-item"));
}

function currentItem() {
  const active = document.activeElement;
  return active && active.closest ? active.closest("article.moderation-item") : null;
}

function focusItem(item) {
  if (!item) {
    return;
  }
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  item.focus({ preventScroll: true });
  item.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
}

function step(direction) {
  const items = allItems();
  const index = items.indexOf(currentItem());
  const next = index < 0 ? (direction > 0 ? 0 : items.length - 1) : index + direction;
  if (next >= 0 && next < items.length) {
    focusItem(items[next]);
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

function openAndFocus(field) {
  if (!field) {
    return;
  }
  const details = field.closest("details");
  if (details) {
    details.open = true;
  }
  field.focus();
}

function inItem(item, name) {
  return item ? item.querySelector(`[data-shortcut="${name}"]`) : null;
}

function toggleHelp() {
  const help = document.querySelector("details.shortcuts");
  if (help) {
    help.open = !help.open;
    help.querySelector("summary").focus();
  }
}

const SHORTCUTS = {
  j: () => step(1),
  k: () => step(-1),
  a: (item) => inItem(item, "approve") && inItem(item, "approve").click(),
  r: (item) => openAndFocus(inItem(item, "reject")),
  h: (item) => {
    const restore = inItem(item, "restore");
    return restore ? restore.click() : openAndFocus(inItem(item, "hide"));
  },
  x: (item) => inItem(item, "select") && inItem(item, "select").click(),
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
    shortcut(currentItem());
  }
}

// After a decision the page reloads: put focus on the item that came next
// (or on the same one after a redaction), so j, a, j, a goes on smoothly.
function rememberFocus(event) {
  const item = event.target.closest("article.moderation-item");
  if (!item) {
    return;
  }
  let target = item;
  if (!event.target.classList.contains("redact-form")) {
    const items = allItems();
    const index = items.indexOf(item);
    target = items[index + 1] || items[index - 1] || item;
  }
  try {
    window.sessionStorage.setItem(FOCUS_KEY, target.id);
  } catch (error) {
    // Storage switched off: focus simply starts at the top.
  }
}

function restoreFocus() {
  const problem = document.getElementById("moderation-problem");
  let stored = null;
  try {
    stored = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (error) {
    return;
  }
  if (problem) {
    problem.focus();
  } else if (stored && document.getElementById(stored)) {
    focusItem(document.getElementById(stored));
  }
}

function countSelected() {
  const count = document.querySelector("[data-bulk-count]");
  if (count) {
    const chosen = document.querySelectorAll("input[form='bulk-form'][type=checkbox]:checked");
    count.textContent = chosen.length ? `(${chosen.length})` : "";
  }
}

// The selected text and where it starts in the item's plain text, or null
// when the selection is empty or not wholly inside `source`.
function selectionIn(source) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return null;
  }
  const range = selection.getRangeAt(0);
  if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) {
    return null;
  }
  const raw = range.toString();
  const text = raw.trim();
  if (!text) {
    return null;
  }
  const before = document.createRange();
  before.selectNodeContents(source);
  before.setEnd(range.startContainer, range.startOffset);
  return { text, start: before.toString().length + raw.length - raw.trimStart().length };
}

function fillRedactForm() {
  document.querySelectorAll("[data-redact-source]").forEach((source) => {
    const chosen = selectionIn(source);
    const form = document.querySelector(`.redact-form[data-item="${source.dataset.redactSource}"]`);
    if (!chosen || !form) {
      return;
    }
    form.elements.text.value = chosen.text;
    form.elements.start.value = String(chosen.start);
    form.closest("details").open = true;
  });
}

function debounced(action, wait) {
  let timer = null;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, wait);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("keydown", onKey);
  document.addEventListener("submit", rememberFocus);
  document.addEventListener("change", countSelected);
  document.addEventListener("selectionchange", debounced(fillRedactForm, 120));
  document.querySelectorAll(".redact-form").forEach((form) => {
    // A typed text has no known place: the server then looks for its only occurrence.
    form.elements.text.addEventListener("input", () => {
      form.elements.start.value = "";
    });
  });
  countSelected();
  restoreFocus();
});

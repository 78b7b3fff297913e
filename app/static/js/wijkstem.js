// Progressive enhancement only: every page works without this script.
"use strict";

// Text typed in a textarea marked data-draft-key is kept in this browser until
// the server has confirmed that it arrived (the page then carries a
// data-draft-sent marker). It survives a failed submit, an expired session and
// a closed tab.
const DRAFTS = "wijkstem-draft:";

function draftKey(key) {
  return DRAFTS + (document.body.dataset.user || "anonymous") + ":" + key;
}

function keepDrafts() {
  let storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return; // Storage switched off: the form still works, without drafts.
  }
  document.querySelectorAll("[data-draft-sent]").forEach((marker) => {
    storage.removeItem(draftKey(marker.dataset.draftSent));
  });
  document.querySelectorAll("textarea[data-draft-key]").forEach((area) => {
    const key = draftKey(area.dataset.draftKey);
    const saved = storage.getItem(key);
    if (saved && !area.value.trim()) {
      area.value = saved;
      const note = document.createElement("p");
      note.className = "hint draft-note";
      note.setAttribute("role", "status");
      note.textContent = document.body.dataset.draftRestored || "";
      area.insertAdjacentElement("afterend", note);
    }
    area.addEventListener("input", () => {
      if (area.value.trim()) {
        storage.setItem(key, area.value);
      } else {
        storage.removeItem(key);
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
  keepDrafts();
});

// Tablet mode for intake sessions: PIN unlock, a story form with a screening
// preview, and an encrypted queue in IndexedDB that is sent to the server until
// the server has confirmed each story. Community-centre Wi-Fi comes and goes, so
// nothing here assumes a connection; a story leaves the queue only after a 200
// or 201 for it.
"use strict";

const DB_NAME = "wijkstem-intake";
const CHECK_VALUE = "wijkstem-intake-check";
const PBKDF2_ITERATIONS = 200000;
const SYNC_INTERVAL_MS = 15000;
const REQUEST_TIMEOUT_MS = 20000;
const PREVIEW_TIMEOUT_MS = 10000;
const DRAFT_DELAY_MS = 400;
// Answers that mean "try again later" (as does every 5xx): no answer, timeout, rate limit.
const RETRY_LATER = new Set([0, 408, 429]);

const config = {};
const state = {
  key: null, // the AES-GCM key, derived from the PIN; never stored, never extractable
  sync: null, // the running sync, so that only one runs at a time
  syncAgain: false,
  retryRejected: false,
  signedOut: false,
  otherPin: false,
  preview: null, // {text, marks, language, attributes, screened}
  selection: null,
  draftTimer: null,
  draftGeneration: 0, // raised when the form is cleared, so a late draft write is dropped
  interval: null,
};

const byId = (id) => document.getElementById(id);

function readConfig() {
  const data = document.body.dataset;
  Object.assign(config, {
    sessionId: Number(data.sessionId),
    keySalt: data.keySalt,
    urls: {
      stories: data.urlStories,
      preview: data.urlPreview,
      pin: data.urlPin,
      exit: data.urlExit,
      sw: data.urlSw,
    },
    countSample: data.countSample,
    msg: data,
  });
}

// ---------------------------------------------------------------- IndexedDB

let databasePromise = null;

function database() {
  databasePromise =
    databasePromise ||
    new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("queue", { keyPath: "client_uuid" });
        request.result.createObjectStore("meta");
      };
      request.onsuccess = () => {
        // A newer version of this page in another tab may need to upgrade the database.
        request.result.onversionchange = () => request.result.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    });
  return databasePromise;
}

// Runs one request in its own transaction and resolves once the transaction has
// committed: a story counts as kept only when it is really on disk.
async function inStore(name, mode, action) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = action(transaction.objectStore(name));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

const idb = {
  get: (name, key) => inStore(name, "readonly", (store) => store.get(key)),
  all: (name) => inStore(name, "readonly", (store) => store.getAll()),
  putRecord: (record) => inStore("queue", "readwrite", (store) => store.put(record)),
  putMeta: (key, value) => inStore("meta", "readwrite", (store) => store.put(value, key)),
  remove: (name, key) => inStore(name, "readwrite", (store) => store.delete(key)),
};

const checkKey = () => `check-${config.sessionId}`;
const draftKey = () => `draft-${config.sessionId}`;

// ---------------------------------------------------------------- WebCrypto

const encoder = new TextEncoder();

function hexToBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

async function deriveKey(pin) {
  const base = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, [
    "deriveKey",
  ]);
  const params = {
    name: "PBKDF2",
    hash: "SHA-256",
    salt: hexToBytes(config.keySalt),
    iterations: PBKDF2_ITERATIONS,
  };
  return crypto.subtle.deriveKey(params, base, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
}

// `context` (the record's id) is bound in as additional data, so a ciphertext
// cannot be moved to another record and still decrypt.
async function seal(key, value, context) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const algorithm = { name: "AES-GCM", iv, additionalData: encoder.encode(context) };
  const plain = encoder.encode(JSON.stringify(value));
  return { iv, ciphertext: await crypto.subtle.encrypt(algorithm, key, plain) };
}

async function unseal(key, sealed, context) {
  const algorithm = { name: "AES-GCM", iv: sealed.iv, additionalData: encoder.encode(context) };
  const plain = await crypto.subtle.decrypt(algorithm, key, sealed.ciphertext);
  return JSON.parse(new TextDecoder().decode(plain));
}

// ---------------------------------------------------------------- HTTP

const csrfMeta = () => document.querySelector('meta[name="csrf-token"]');

// Resolves to {status, body}; status 0 means no answer (offline, timeout).
// Redirects are not followed: a redirect to the login page must not look like 200.
async function postJson(url, payload, timeout = REQUEST_TIMEOUT_MS) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      signal: controller.signal,
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfMeta().content,
      },
      body: JSON.stringify(payload),
    });
    if (response.type === "opaqueredirect") {
      return { status: 401, body: {} };
    }
    const body = await response.json().catch(() => ({}));
    return { status: response.status, body: body && typeof body === "object" ? body : {} };
  } catch (error) {
    return { status: 0, body: {} };
  } finally {
    clearTimeout(timer);
  }
}

// A page opened from the service worker's cache can carry a token from an older
// login. Fetch the page again and take its token; a redirect means logged out.
async function refreshToken() {
  try {
    const response = await fetch(window.location.pathname, {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
    });
    if (response.type === "opaqueredirect" || response.status === 401) {
      return "signed-out";
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector('meta[name="csrf-token"]');
    if (!response.ok || !fresh || fresh.content === csrfMeta().content) {
      return "unchanged";
    }
    csrfMeta().content = fresh.content;
    return "refreshed";
  } catch (error) {
    return "unchanged";
  }
}

// A 400 can be a stale CSRF token rather than a bad story: retry once with a fresh one.
async function postWithFreshToken(url, payload, timeout) {
  const answer = await postJson(url, payload, timeout);
  if (answer.status !== 400) {
    return answer;
  }
  const token = await refreshToken();
  if (token === "signed-out") {
    return { status: 401, body: {} };
  }
  return token === "refreshed" ? postJson(url, payload, timeout) : answer;
}

// ---------------------------------------------------------------- PIN

async function storeCheck(key) {
  await idb.putMeta(checkKey(), await seal(key, CHECK_VALUE, checkKey()));
}

// Without a connection the PIN is right when it decrypts the check value that
// an earlier online unlock stored.
async function checkOffline(key) {
  const sealed = await idb.get("meta", checkKey());
  if (!sealed) {
    return { error: config.msg.msgPinNeverOnline };
  }
  try {
    if ((await unseal(key, sealed, checkKey())) === CHECK_VALUE) {
      return { key };
    }
  } catch (error) {
    // A wrong key fails AES-GCM's authentication: that is a wrong PIN.
  }
  return { error: config.msg.msgPinWrong };
}

// Resolves to {key} when the PIN is right, or {error} with a message to show.
async function verifyPin(pin) {
  if (!/^\d{4,8}$/.test(pin)) {
    return { error: config.msg.msgPinFormat };
  }
  const key = await deriveKey(pin);
  const answer = navigator.onLine
    ? await postWithFreshToken(config.urls.pin, { pin })
    : { status: 0, body: {} };
  if (answer.status === 200 && answer.body.ok === true) {
    state.signedOut = false;
    await storeCheck(key);
    return { key };
  }
  if (answer.status === 403 || answer.status === 429) {
    return { error: answer.body.message || config.msg.msgPinWrong };
  }
  if (answer.status === 401) {
    state.signedOut = true;
  }
  return checkOffline(key);
}

// ---------------------------------------------------------------- queue and sync

async function sessionRecords() {
  const records = await idb.all("queue");
  return records
    .filter((record) => record.session_id === config.sessionId)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}

async function enqueue(payload) {
  const clientUuid = crypto.randomUUID();
  const sealed = await seal(state.key, payload, clientUuid);
  await idb.putRecord({
    client_uuid: clientUuid,
    session_id: config.sessionId,
    iv: sealed.iv,
    ciphertext: sealed.ciphertext,
    created_at: new Date().toISOString(),
  });
}

// One sync at a time; a request made while one runs makes it go round once more.
function requestSync() {
  if (!state.key) {
    return Promise.resolve();
  }
  if (state.sync) {
    state.syncAgain = true;
    return state.sync;
  }
  state.sync = (async () => {
    do {
      state.syncAgain = false;
      await sendQueue();
    } while (state.syncAgain);
  })()
    .catch((error) => console.error("tablet sync failed", error))
    .finally(() => {
      state.sync = null;
      updateStatus().catch((error) => console.error("cannot read the queue", error));
    });
  return state.sync;
}

async function sendQueue() {
  const retryRejected = state.retryRejected;
  state.retryRejected = false;
  for (const record of await sessionRecords()) {
    if (record.rejected && !retryRejected) {
      continue;
    }
    if ((await sendRecord(record)) === "stop") {
      state.retryRejected = retryRejected; // not reached yet: offer them next time
      return;
    }
    await updateStatus();
  }
}

// Returns "stop" when the server cannot be reached (or we are logged out), so the
// rest waits for the next attempt; "next" otherwise.
async function sendRecord(record) {
  let payload;
  try {
    payload = await unseal(state.key, record, record.client_uuid);
  } catch (error) {
    state.otherPin = true; // sealed with another PIN: keep it for that PIN
    return "next";
  }
  const answer = await postWithFreshToken(config.urls.stories, {
    client_uuid: record.client_uuid,
    ...payload,
  });
  if ((answer.status === 200 || answer.status === 201) && answer.body.id !== undefined) {
    await idb.remove("queue", record.client_uuid);
    state.signedOut = false;
    return "next";
  }
  if (answer.status === 401) {
    state.signedOut = true;
    return "stop";
  }
  if (RETRY_LATER.has(answer.status) || answer.status < 400 || answer.status >= 500) {
    return "stop";
  }
  // Refused as it is (400, 403, 409, 413...): keep it, mark it, show why.
  record.rejected = { status: answer.status, message: answer.body.message || config.msg.msgError };
  await idb.putRecord(record);
  return "next";
}

function waitingText(count) {
  if (count === 0) {
    return config.msg.msgAllSent;
  }
  if (count === 1) {
    return config.msg.msgWaitingOne;
  }
  // Jinja formats every translated string, so the template renders the plural form
  // with a sample number; the real number replaces it here. Dutch and English
  // both use the singular for 1 only.
  return config.msg.msgWaitingOther.replace(config.countSample, String(count));
}

async function updateStatus() {
  const records = await sessionRecords();
  const status = byId("queue-status");
  const text = waitingText(records.length);
  if (status.textContent !== text) {
    status.textContent = text; // changed only when it changes: it is a live region
  }
  status.dataset.count = String(records.length);
  renderRejected(records.filter((record) => record.rejected));
  byId("signed-out").hidden = !state.signedOut;
  byId("other-pin").hidden = !state.otherPin;
  byId("leave-waiting").hidden = records.length === 0;
}

function renderRejected(records) {
  const list = byId("rejected-list");
  const time = new Intl.DateTimeFormat(document.documentElement.lang, {
    dateStyle: "short",
    timeStyle: "short",
  });
  list.replaceChildren(
    ...records.map((record) => {
      const item = document.createElement("li");
      item.textContent = `${time.format(new Date(record.created_at))}: ${record.rejected.message}`;
      return item;
    }),
  );
  byId("rejected").hidden = records.length === 0;
}

// ---------------------------------------------------------------- story form

const answerFields = () => [...document.querySelectorAll("#story-form textarea[data-prompt]")];
const attributeFields = () => [...document.querySelectorAll("#story-form select[data-attribute]")];

// "Prompt\nanswer\n\nPrompt\nanswer", leaving out the prompts nobody answered.
function composeStory() {
  return answerFields()
    .filter((field) => field.value.trim())
    .map((field) => `${field.dataset.prompt}\n${field.value.trim()}`)
    .join("\n\n");
}

function chosenAttributes() {
  const chosen = {};
  attributeFields()
    .filter((field) => field.value)
    .forEach((field) => {
      chosen[field.dataset.attribute] = field.value;
    });
  return chosen;
}

function setError(id, message) {
  byId(id).textContent = message || "";
}

function checkStoryForm() {
  setError("consent-error", "");
  setError("story-error", "");
  const consent = byId("consent");
  consent.removeAttribute("aria-invalid");
  if (!consent.checked) {
    consent.setAttribute("aria-invalid", "true");
    setError("consent-error", config.msg.msgConsent);
    consent.focus();
    return false;
  }
  if (!composeStory()) {
    setError("story-error", config.msg.msgStoryEmpty);
    answerFields()[0].focus();
    return false;
  }
  return true;
}

function firstField() {
  return byId("story-form").querySelector("input, select, textarea");
}

function showStep(name) {
  ["unlock", "story", "preview"].forEach((step) => {
    byId(`${step}-step`).hidden = step !== name;
  });
}

// ---------------------------------------------------------------- drafts

// What is typed but not yet saved survives a reload or a flat battery, sealed
// with the same key as the queue: a shared tablet never holds it in the clear.
function formState() {
  return {
    answers: answerFields().map((field) => field.value),
    consent: byId("consent").checked,
    language: byId("story-language").value,
    attributes: chosenAttributes(),
  };
}

function scheduleDraft() {
  clearTimeout(state.draftTimer);
  const generation = state.draftGeneration;
  state.draftTimer = setTimeout(async () => {
    const draft = formState();
    if (draft.answers.some((answer) => answer.trim())) {
      const sealed = await seal(state.key, draft, draftKey());
      if (generation === state.draftGeneration) {
        await idb.putMeta(draftKey(), sealed);
      }
    } else {
      await idb.remove("meta", draftKey());
    }
  }, DRAFT_DELAY_MS);
}

async function restoreDraft() {
  try {
    const sealed = await idb.get("meta", draftKey());
    if (!sealed) {
      return;
    }
    const draft = await unseal(state.key, sealed, draftKey());
    answerFields().forEach((field, i) => {
      field.value = draft.answers[i] || "";
    });
    byId("consent").checked = Boolean(draft.consent);
    const language = byId("story-language");
    if ([...language.options].some((option) => option.value === draft.language)) {
      language.value = draft.language;
    }
    attributeFields().forEach((field) => {
      field.value = draft.attributes[field.dataset.attribute] || "";
    });
    byId("story-note").textContent = config.msg.msgRestored;
  } catch (error) {
    // Typed under another PIN (or storage unreadable): leave it, start empty.
  }
}

async function clearForm() {
  clearTimeout(state.draftTimer);
  state.draftGeneration += 1;
  byId("story-form").reset();
  await idb.remove("meta", draftKey());
}

// ---------------------------------------------------------------- preview

// Findings point into `cleaned`; in `redacted` each one is replaced by a
// placeholder such as "[telefoonnummer]". Walk both texts in step to find where
// the placeholders are; when the texts do not line up, show no highlights.
function placeholderMarks(result) {
  const marks = [];
  let from = 0;
  let at = 0;
  const findings = [...result.findings].sort((a, b) => a.start - b.start);
  for (const finding of findings) {
    const before = result.cleaned.slice(from, finding.start);
    if (result.redacted.slice(at, at + before.length) !== before) {
      return [];
    }
    at += before.length;
    const end = result.redacted.indexOf("]", at) + 1;
    if (result.redacted[at] !== "[" || end === 0) {
      return [];
    }
    marks.push({ start: at, end, kind: "finding" });
    at = end;
    from = finding.end;
  }
  return marks;
}

async function screen(text, language) {
  if (!navigator.onLine) {
    return { status: 0, body: {} };
  }
  return postWithFreshToken(config.urls.preview, { text, language }, PREVIEW_TIMEOUT_MS);
}

async function showPreview(event) {
  event.preventDefault();
  if (!checkStoryForm()) {
    return;
  }
  const text = composeStory();
  const language = byId("story-language").value;
  const button = byId("preview-button");
  button.disabled = true;
  const answer = await screen(text, language);
  button.disabled = false;
  if (answer.status === 400 || answer.status === 413) {
    setError("story-error", answer.body.message || config.msg.msgError);
    return;
  }
  state.signedOut = state.signedOut || answer.status === 401;
  const screened = answer.status === 200 && typeof answer.body.redacted === "string";
  state.preview = screened
    ? { text: answer.body.redacted, marks: placeholderMarks(answer.body) }
    : { text, marks: [] };
  Object.assign(state.preview, { language, screened, attributes: chosenAttributes() });
  openPreview();
}

function openPreview() {
  byId("story-note").textContent = "";
  byId("preview-screened").hidden = !state.preview.screened;
  byId("preview-offline").hidden = state.preview.screened;
  setError("preview-error", "");
  renderPreview();
  showStep("preview");
  byId("preview-title").focus();
  updateStatus();
}

function renderPreview() {
  const { text, marks } = state.preview;
  const box = byId("preview-text");
  box.replaceChildren();
  let at = 0;
  for (const mark of marks) {
    box.append(text.slice(at, mark.start));
    const element = document.createElement("mark");
    element.className = mark.kind === "removed" ? "finding finding--removed" : "finding";
    element.textContent = text.slice(mark.start, mark.end);
    box.append(element);
    at = mark.end;
  }
  box.append(text.slice(at));
  state.selection = null;
}

// Character offset of a DOM point within the preview: the preview's text is
// exactly the text to be sent, so the length of the text before it is the offset.
function offsetIn(box, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(box);
  range.setEnd(node, offset);
  return range.toString().length;
}

function selectionInPreview() {
  const selection = window.getSelection();
  const box = byId("preview-text");
  if (!selection.rangeCount || selection.isCollapsed) {
    return null;
  }
  const range = selection.getRangeAt(0);
  if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) {
    return null;
  }
  return {
    start: offsetIn(box, range.startContainer, range.startOffset),
    end: offsetIn(box, range.endContainer, range.endOffset),
  };
}

const moved = (mark, shift) => ({ ...mark, start: mark.start + shift, end: mark.end + shift });

// Replace text[start, end) by the removal word; a placeholder the span touches is
// taken whole, so no half "[telefoon" is left behind.
function removeSpan(preview, start, end, word) {
  const { text } = preview;
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start === end) {
    return false;
  }
  for (const mark of preview.marks) {
    if (mark.start < end && start < mark.end) {
      start = Math.min(start, mark.start);
      end = Math.max(end, mark.end);
    }
  }
  const shift = word.length - (end - start);
  preview.marks = preview.marks
    .filter((mark) => mark.end <= start || mark.start >= end)
    .map((mark) => (mark.start >= end ? moved(mark, shift) : mark))
    .concat([{ start, end: start + word.length, kind: "removed" }])
    .sort((a, b) => a.start - b.start);
  preview.text = text.slice(0, start) + word + text.slice(end);
  return true;
}

function removeSelection() {
  const span = selectionInPreview() || state.selection;
  state.selection = null;
  if (!span || !removeSpan(state.preview, span.start, span.end, config.msg.msgRemoved)) {
    setError("preview-error", config.msg.msgSelectFirst);
    return;
  }
  setError("preview-error", "");
  window.getSelection().removeAllRanges();
  renderPreview();
}

async function saveStory() {
  const { text, language, attributes } = state.preview;
  const button = byId("save-story");
  button.disabled = true;
  try {
    await enqueue({ text, language, consent: true, attributes });
  } catch (error) {
    console.error("could not queue the story", error);
    setError("preview-error", config.msg.msgStorageFailed);
    return;
  } finally {
    button.disabled = false;
  }
  state.preview = null;
  await clearForm();
  showStep("story");
  firstField().focus();
  // Set after the step is shown, so that screen readers announce it.
  setTimeout(() => {
    byId("story-note").textContent = config.msg.msgSaved;
  }, 100);
  await updateStatus();
  requestSync();
}

function backToStory() {
  state.preview = null;
  showStep("story");
  firstField().focus();
}

// ---------------------------------------------------------------- unlock and leave

async function unlock(event) {
  event.preventDefault();
  const input = byId("unlock-pin");
  const button = event.submitter || byId("unlock-form").querySelector("button");
  setError("unlock-error", "");
  button.disabled = true;
  const result = await verifyPin(input.value.trim()).catch(() => ({ error: config.msg.msgError }));
  button.disabled = false;
  if (!result.key) {
    setError("unlock-error", result.error);
    input.setAttribute("aria-invalid", "true");
    input.select();
    input.focus();
    return;
  }
  state.key = result.key;
  input.value = "";
  input.removeAttribute("aria-invalid");
  showStep("story");
  await restoreDraft();
  firstField().focus();
  startSync();
}

function startSync() {
  state.retryRejected = true; // a new unlock offers refused stories once more
  requestSync();
  if (!state.interval) {
    state.interval = setInterval(requestSync, SYNC_INTERVAL_MS);
  }
}

function openLeave() {
  setError("leave-error", "");
  byId("leave-pin").value = "";
  byId("leave-dialog").showModal();
  byId("leave-pin").focus();
}

async function leave(event) {
  event.preventDefault();
  const input = byId("leave-pin");
  const button = event.submitter || byId("leave-form").querySelector("button[type=submit]");
  setError("leave-error", "");
  button.disabled = true;
  const result = await verifyPin(input.value.trim()).catch(() => ({ error: config.msg.msgError }));
  button.disabled = false;
  if (!result.key) {
    setError("leave-error", result.error);
    input.select();
    input.focus();
    return;
  }
  window.location.assign(config.urls.exit);
}

// ---------------------------------------------------------------- start

// The service worker keeps this page and its assets for offline loads. It is told
// which page and files to keep through its URL, since it cannot see the template.
async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const script = new URL(config.urls.sw, window.location.href);
  script.searchParams.set("page", window.location.pathname);
  document.querySelectorAll('link[rel="stylesheet"], script[src]').forEach((element) => {
    const asset = new URL(element.href || element.src, window.location.href);
    if (asset.origin === window.location.origin) {
      script.searchParams.append("asset", asset.pathname);
    }
  });
  try {
    await navigator.serviceWorker.register(script.pathname + script.search);
  } catch (error) {
    console.warn("tablet mode works online only: no service worker", error);
  }
}

function showConnection() {
  byId("connection-note").hidden = navigator.onLine;
}

function bindEvents() {
  byId("unlock-form").addEventListener("submit", unlock);
  byId("story-form").addEventListener("submit", showPreview);
  byId("story-form").addEventListener("input", () => state.key && scheduleDraft());
  byId("story-form").addEventListener("change", () => state.key && scheduleDraft());
  byId("save-story").addEventListener("click", saveStory);
  byId("back-to-story").addEventListener("click", backToStory);
  const remove = byId("remove-selection");
  // Tapping a button can clear the selection before "click": remember it first.
  remove.addEventListener("pointerdown", () => {
    state.selection = selectionInPreview();
  });
  remove.addEventListener("click", removeSelection);
  byId("leave-open").addEventListener("click", openLeave);
  byId("leave-form").addEventListener("submit", leave);
  byId("leave-cancel").addEventListener("click", () => byId("leave-dialog").close());
  window.addEventListener("online", () => {
    showConnection();
    requestSync();
  });
  window.addEventListener("offline", showConnection);
}

function cryptoAvailable() {
  return Boolean(window.isSecureContext && window.crypto && crypto.subtle && crypto.randomUUID);
}

document.addEventListener("DOMContentLoaded", () => {
  readConfig();
  bindEvents();
  showConnection();
  if (!cryptoAvailable() || !window.indexedDB) {
    setError("unlock-error", config.msg.msgNoCrypto);
    byId("unlock-form").querySelector("button").disabled = true;
    return;
  }
  updateStatus().catch((error) => console.error("cannot read the queue", error));
  registerServiceWorker();
  byId("unlock-pin").focus();
});

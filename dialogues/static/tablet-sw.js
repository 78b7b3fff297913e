// Service worker for tablet mode, served as /intake/sw.js (scope /intake/).
// It keeps the tablet page and its CSS and JS so that the page opens without a
// connection. It never touches the API: stories live in the page's encrypted
// IndexedDB queue, and no server answer is ever cached.
"use strict";

const VERSION = "wijkstem-tablet-v1";
const PREFIX = "wijkstem-tablet-";
const PAGE_TIMEOUT_MS = 8000;
const TABLET_PAGE = /^\/intake\/\d+\/tablet$/;

// The page that registers this worker names itself and its assets in the query:
// /intake/sw.js?page=/intake/1/tablet&asset=/static/css/wijkstem.css&asset=...
const params = new URL(self.location.href).searchParams;
const isLocalPath = (path) => typeof path === "string" && /^\/(?!\/)/.test(path);
const PAGE = TABLET_PAGE.test(params.get("page") || "") ? params.get("page") : null;
const ASSETS = params.getAll("asset").filter(isLocalPath);

// Only complete, same-origin answers are kept: never a redirect to the login page.
const keepable = (response) =>
  response.ok && response.type === "basic" && !response.redirected;

async function keep(key, response) {
  if (keepable(response)) {
    const cache = await caches.open(VERSION);
    await cache.put(key, response);
  }
}

async function precache() {
  const urls = PAGE ? [PAGE, ...ASSETS] : ASSETS;
  await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
      if (!keepable(response)) {
        throw new Error(`tablet mode: ${url} answered ${response.status}`);
      }
      await keep(url, response);
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const stale = (name) => name.startsWith(PREFIX) && name !== VERSION;
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(stale).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

// Network first, so that the page carries a fresh CSRF token; the cached copy
// when the network fails or hangs (poor Wi-Fi), keyed by path alone.
async function networkFirst(event, path) {
  const network = fetch(event.request).then(async (response) => {
    await keep(path, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => undefined)); // finish updating the cache
  try {
    return await withTimeout(network, PAGE_TIMEOUT_MS);
  } catch (error) {
    const cached = await caches.match(path, { ignoreVary: true, cacheName: VERSION });
    return cached || network;
  }
}

// Cache first for the CSS and JS; a fresh copy is fetched alongside for next time.
async function cacheFirst(event) {
  const cached = await caches.match(event.request, { ignoreVary: true, cacheName: VERSION });
  const network = fetch(event.request).then(async (response) => {
    await keep(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    return; // API answers go straight to the network and are never cached
  }
  if (TABLET_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(networkFirst(event, url.pathname));
  } else if (ASSETS.includes(url.pathname) && !url.search) {
    event.respondWith(cacheFirst(event));
  }
});

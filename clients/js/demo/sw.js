// The demo page's service worker: it keeps the page's own files so that a reload while
// offline still opens the page (the data then comes from the client's IndexedDB cache).
// Network first, the kept copy when the network fails; the API and the socket are never
// touched (Vary is ignored on the way back: the server varies on Origin, which a module
// script request sends and the install did not). FILES is filled in at build time.
const FILES = __FILES__;
const CACHE = "prodsync-demo-v1";

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/ws" || url.pathname.startsWith("/compat/")) return;
  e.respondWith(
    fetch(e.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(url.pathname === "/" ? "/" : e.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(e.request, { ignoreSearch: true, ignoreVary: true }).then((hit) => hit ?? caches.match("/"))),
  );
});

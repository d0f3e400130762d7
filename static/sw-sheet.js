// The sign-off sheet's service worker, served as /distributions/sheet-worker.js so that its scope
// covers /distributions/. It answers GET requests for sheets and static assets from the network
// when it can (and keeps a copy), from its copy when the network is gone. Everything else, POSTs
// included, goes to the network untouched: a tick that fails is queued by static/js/sheet.js.
"use strict";

var CACHE = "amap-sheet-v1";
var SHEET = /^\/distributions\/\d+\/sheet$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function kept(request) {
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.get("HX-Request")) {
    return false;
  }
  return SHEET.test(url.pathname) || url.pathname.indexOf("/static/") === 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!kept(request)) {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      // A sheet searched with ?q= falls back to the sheet itself.
      return caches.match(request, { ignoreSearch: SHEET.test(new URL(request.url).pathname) }).then(
        function (response) { return response || Response.error(); });
    })
  );
});

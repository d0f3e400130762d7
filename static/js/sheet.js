// The sign-off sheet on a phone. Three jobs, no framework:
// 1. filter the names as the volunteer types (the search box also works without JavaScript, as ?q=);
// 2. a tick whose POST fails (no network) is kept in IndexedDB, the line shows it as waiting, and the
//    queue is sent in order when the connection returns, on the next load, or every 20 seconds. Each
//    tick carries its own id: the server records an id once, so sending it twice is harmless;
// 3. register the service worker that keeps this page and its assets for offline use.
(function () {
  "use strict";

  var sheet = document.querySelector("[data-sheet]");
  if (!sheet) {
    return;
  }
  var DB_NAME = "amap-sheet";
  var STORE = "ticks";
  var CACHE = "amap-sheet-v1";
  var distribution = sheet.dataset.distribution;
  var banner = document.querySelector("[data-sheet-offline]");

  // -- Finding a name ---------------------------------------------------------------------------
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var filter = document.querySelector("[data-sheet-filter]");
  function applyFilter() {
    var wanted = fold(filter.value.trim());
    document.querySelectorAll(".sheet-line").forEach(function (line) {
      line.hidden = wanted !== "" && line.dataset.search.indexOf(wanted) === -1;
    });
  }
  if (filter) {
    filter.addEventListener("input", applyFilter);
    filter.form.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilter();
    });
  }

  // -- The queue of ticks made offline ----------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function inStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(request.result);
        };
        transaction.onerror = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  function queued() {
    return inStore("readonly", function (store) { return store.getAll(); }).then(function (ticks) {
      return ticks.filter(function (tick) { return tick.distribution === distribution; });
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
    } catch (error) {
      return "";
    }
  }

  // The line as it will be once the server has the tick: what the next press would do flips.
  function showWaiting(tick) {
    var line = document.getElementById("line-" + tick.household);
    if (!line) {
      return;
    }
    var collected = tick.action === "collected";
    var counter = document.querySelector("[data-testid=count-collected]");
    if (counter && (line.dataset.state === "collected") !== collected) {
      counter.textContent = String(Number(counter.textContent) + (collected ? 1 : -1));
    }
    line.dataset.state = collected ? "collected" : "open";
    line.classList.add("pending");
    line.querySelector("[data-pending-badge]").hidden = false;
    line.querySelector("[data-collected-badge]").hidden = !collected;
    var form = line.querySelector("form[data-tick]");
    form.elements.action.value = collected ? "undone" : "collected";
    var button = form.querySelector("button");
    button.textContent = collected ? sheet.dataset.labelUndo : sheet.dataset.labelCollect;
    button.classList.toggle("secondary", collected);
    button.classList.toggle("outline", collected);
  }

  function showBanner(waiting) {
    if (banner) {
      banner.hidden = navigator.onLine && !waiting;
    }
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-tick]");
    if (form) {
      form.dataset.eventId = newId();
      event.detail.parameters.client_event_id = form.dataset.eventId;
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-tick]");
    if (!form) {
      return;
    }
    var tick = {
      id: form.dataset.eventId,
      distribution: distribution,
      household: form.elements.household.value,
      action: form.elements.action.value,
      at: new Date().toISOString(),
      url: form.getAttribute("action")
    };
    inStore("readwrite", function (store) { return store.add(tick); }).then(function () {
      showWaiting(tick);
      showBanner(true);
      if (banner && window.amapAnnounce) {
        window.amapAnnounce(banner.textContent);  // the banner appearing is not heard by itself
      }
    });
  });

  function send(tick) {
    var body = new URLSearchParams({ household: tick.household, action: tick.action, client_event_id: tick.id });
    return fetch(tick.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "x-csrftoken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      if (response.ok && !response.redirected) {
        return response.text().then(function (html) {
          var line = document.getElementById("line-" + tick.household);
          if (line && window.htmx) {
            htmx.swap(line, html, { swapStyle: "outerHTML" });
          }
          return forget(tick);
        });
      }
      if (response.status === 400 || response.status === 404) {
        return forget(tick);  // refused for good (the line left the sheet): nothing to send again
      }
      throw new Error("not sent: " + response.status);  // e.g. logged out: keep it for later
    });
  }

  function forget(tick) {
    return inStore("readwrite", function (store) { return store.delete(tick.seq); });
  }

  var sending = false;
  function replay() {
    if (sending || !navigator.onLine) {
      return;
    }
    sending = true;
    queued().then(function (ticks) {
      return ticks.reduce(function (previous, tick) {
        return previous.then(function () { return send(tick); });
      }, Promise.resolve());
    }).catch(function () {
      // Still no network, or the server refused for now: the queue waits for the next try.
    }).then(function () {
      sending = false;
      return queued();
    }).then(function (left) {
      showBanner(left.length > 0);
    });
  }

  if (window.indexedDB) {
    queued().then(function (ticks) {
      ticks.forEach(showWaiting);
      showBanner(ticks.length > 0);
      replay();
    });
    window.addEventListener("online", replay);
    window.addEventListener("offline", function () { showBanner(true); });
    window.setInterval(replay, 20000);
  }

  // -- Offline copy of the page -------------------------------------------------------------------
  if ("serviceWorker" in navigator && sheet.dataset.worker) {
    navigator.serviceWorker.register(sheet.dataset.worker, { scope: "/distributions/" }).then(function () {
      if (!window.caches) {
        return;
      }
      var assets = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]").forEach(function (element) {
        assets.push(element.getAttribute("href") || element.getAttribute("src"));
      });
      // One by one: addAll would keep nothing if a single file failed.
      return caches.open(CACHE).then(function (cache) {
        return Promise.all(assets.map(function (url) { return cache.add(url).catch(function () {}); }));
      });
    }).catch(function () {
      // No offline copy (private browsing, old browser): the sheet still works online.
    });
  }
}());

// The sign-off sheet on a phone. Four jobs, no framework:
// 1. filter the names as the volunteer types (the search box also works without JavaScript, as ?q=);
// 2. post a line's tick with htmx and swap the answer, that line alone, in place. The lines are one
//    form, whose pressed button names the action and carries the household (collected=12): without
//    JavaScript the form posts just that, and the page comes back at the line;
// 3. a tick whose POST fails (no network) is kept in IndexedDB, the line shows it as waiting, and the
//    queue is sent in order when the connection returns, on the next load, or every 20 seconds. Each
//    tick carries its own id: the server records an id once, so sending it twice is harmless;
// 4. register the service worker that keeps this page and its assets for offline use.
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

  // -- Ticks ------------------------------------------------------------------------------------
  var ticks = document.querySelector("form[data-ticks]");

  // The line's button, when the element is one (a tick's request is made from its button).
  function tickButton(element) {
    return ticks && element && element.form === ticks && element.matches("button[name]") ? element : null;
  }

  if (ticks && window.htmx) {
    ticks.addEventListener("submit", function (event) {
      var button = tickButton(event.submitter);
      if (!button) {
        return;
      }
      event.preventDefault();
      // From the button, so that each line has its own request: ticks on two lines go side by side.
      htmx.ajax("POST", ticks.getAttribute("action"),
                { source: button, target: button.closest(".sheet-line"), swap: "outerHTML" });
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

  // A line's "collected" or "waiting for the network" badge, made the first time it shows: the
  // server writes only the badges a line shows, and a sheet has hundreds of lines.
  function showBadge(line, kind, shown) {
    var badge = line.querySelector("[data-" + kind + "-badge]");
    if (!badge && shown) {
      badge = document.createElement("span");
      badge.className = kind === "collected" ? "badge badge-active" : "badge badge-pending";
      badge.setAttribute("data-" + kind + "-badge", "");
      badge.textContent = kind === "collected" ? sheet.dataset.labelCollected : sheet.dataset.labelWaiting;
      var after = (kind === "pending" && line.querySelector("[data-collected-badge]"))
        || line.querySelector("[data-testid=line-name]");
      after.after(" ", badge);
    }
    if (badge) {
      badge.hidden = !shown;
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
    showBadge(line, "collected", collected);
    showBadge(line, "pending", true);
    var button = line.querySelector(".sheet-tick button");
    button.name = collected ? "undone" : "collected";
    button.textContent = collected ? sheet.dataset.labelUndo : sheet.dataset.labelCollect;
    button.classList.toggle("secondary", collected);
    button.classList.toggle("outline", collected);
    var name = line.querySelector("[data-testid=line-name]").textContent;
    button.setAttribute("aria-label", (collected ? sheet.dataset.labelUndoTick : sheet.dataset.labelTick)
      .replace("{household}", name));
    line.querySelector(".print-box").textContent = collected ? "\u2713" : "";  // the printed ✓
  }

  function showBanner(waiting) {
    if (banner) {
      banner.hidden = navigator.onLine && !waiting;
    }
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    var button = tickButton(event.detail.elt);
    if (button) {
      button.dataset.eventId = newId();
      event.detail.parameters.client_event_id = button.dataset.eventId;
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var button = tickButton(event.detail.elt);
    if (!button) {
      return;
    }
    var tick = {
      id: button.dataset.eventId,
      distribution: distribution,
      household: button.value,
      action: button.name,
      at: new Date().toISOString(),
      url: ticks.getAttribute("action")
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
    var body = new URLSearchParams([[tick.action, tick.household], ["client_event_id", tick.id]]);  // as its button
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

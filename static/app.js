// Small behaviours every page may use; no inline script is allowed by the CSP.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // A link that looks like a button (role="button") answers the space bar as a button does.
  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest("a[role=button][href]");
    if (link && (event.key === " " || event.key === "Spacebar") && !event.repeat) {
      event.preventDefault();
      link.click();
    }
  });

  // -- Announcements ------------------------------------------------------------------------------
  // base.html holds one polite live region, #announcer, in the page from the start (a region that
  // arrives with the change is not heard). Text marked data-announce that arrives through htmx (a
  // swapped fragment or an out-of-band part) is read from there: the sentence is the server's,
  // in the fragment; the same markup in a whole page is never read out.
  var waiting = [];
  var timer = null;

  function announce(text) {
    var region = document.getElementById("announcer");
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!region || !text) {
      return;
    }
    if (waiting.indexOf(text) === -1) {
      waiting.push(text);
    }
    window.clearTimeout(timer);
    // Emptied first, then filled: the same sentence twice in a row is still heard twice.
    region.textContent = "";
    timer = window.setTimeout(function () {
      region.textContent = waiting.join(" ");
      waiting = [];
    }, 150);
  }
  window.amapAnnounce = announce;

  function announceWithin(root) {
    if (!root || root.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-announce]"));
    if (root.matches("[data-announce]")) {
      found.unshift(root);
    }
    found.forEach(function (element) {
      announce(element.textContent);
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) { announceWithin(event.target); });
  // htmx fires this one on the swapped elements; the out-of-band target is in its detail.
  document.addEventListener("htmx:oobAfterSwap", function (event) { announceWithin(event.detail.target); });

  // An answer htmx does not swap (an error, no network) would otherwise change nothing at all.
  function failed(event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.closest && elt.closest("[data-own-errors]")) {
      return;  // the sign-off sheet keeps its ticks for later and says so itself
    }
    var region = document.getElementById("announcer");
    announce(region && region.dataset.failed);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  // -- Focus after a swap -------------------------------------------------------------------------
  // htmx 2 puts the focus back on an element of the new content with the focused one's id (the
  // tick, shift and pager buttons keep theirs). When the focused element left with the old content
  // and has no twin, the focus goes to the new content itself rather than falling to <body>.
  var replaced = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    replaced = active && active !== document.body && target && target.contains(active) ? target : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!replaced) {
      return;
    }
    var old = replaced;
    replaced = null;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      return;  // htmx (same id, autofocus) found it a place
    }
    var place = old.isConnected ? old : old.id && document.getElementById(old.id);
    if (!place) {
      return;
    }
    if (!place.hasAttribute("tabindex")) {
      place.setAttribute("tabindex", "-1");
    }
    place.focus({ preventScroll: true });
  });

  // -- Wide tables --------------------------------------------------------------------------------
  // A table wider than the screen scrolls inside its .table-scroll box (the page itself never
  // scrolls sideways). While it does, the box takes the keyboard focus, so the arrow keys scroll
  // it, and is named after its table or section; it gives both back when the table fits again.
  function nameOf(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    var section = box.closest("section[aria-labelledby], article[aria-labelledby]");
    if (caption) {
      return caption.id || (caption.id = "scroll-caption-" + Math.random().toString(36).slice(2, 8));
    }
    return section ? section.getAttribute("aria-labelledby") : null;
  }

  function markScrollRegions() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var marked = box.hasAttribute("data-scroll-region");
      if (scrolls && !marked && !box.hasAttribute("tabindex")) {
        box.setAttribute("data-scroll-region", "");
        box.setAttribute("tabindex", "0");
        var name = nameOf(box);
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-labelledby", name);
        }
      } else if (!scrolls && marked) {
        ["data-scroll-region", "tabindex", "role", "aria-labelledby"].forEach(function (attribute) {
          box.removeAttribute(attribute);
        });
      }
    });
  }

  var resizing = false;
  window.addEventListener("resize", function () {
    if (!resizing) {
      resizing = true;
      window.requestAnimationFrame(function () { resizing = false; markScrollRegions(); });
    }
  });
  document.addEventListener("htmx:afterSettle", markScrollRegions);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollRegions);
  } else {
    markScrollRegions();
  }
}());

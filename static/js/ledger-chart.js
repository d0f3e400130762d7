// The risk-sharing ledger's chart: the value of the shares delivered against the price paid for
// them, added up delivery by delivery over the season. Data comes from the element's
// data-ledger-chart attribute (JSON, amounts in cents, null for deliveries still to come), since
// the Content-Security-Policy allows no inline script. The same figures are in the table below
// it, which is what screen readers and people without JS get.
(function () {
  "use strict";

  function cssColour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(element) {
    if (typeof window.uPlot !== "function") {
      return;
    }
    var data = JSON.parse(element.dataset.ledgerChart);
    var language = document.documentElement.lang || "fr";
    var dayName = new Intl.DateTimeFormat(language, { day: "numeric", month: "short" });
    var euros = new Intl.NumberFormat(language, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var days = data.dates.map(function (iso) {
      var parts = iso.split("-");
      return dayName.format(new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2])));
    });
    var toEuros = function (cents) { return cents === null ? null : cents / 100; };
    var xs = days.map(function (_label, index) { return index; });
    var value = cssColour("--amap-ok", "#1d6b32");
    var price = cssColour("--amap-wait", "#7a4d00");
    var options = {
      width: Math.max(280, element.clientWidth),
      height: 280,
      padding: [12, 40, 0, 0],
      // Money starts at zero: a chart that starts higher exaggerates the gap between the lines.
      scales: { x: { time: false }, y: { range: function (_plot, _min, max) { return [0, Math.max(1, max) * 1.1]; } } },
      legend: { live: false },
      cursor: { show: false },
      series: [
        {},
        { label: element.dataset.labelValue, stroke: value, width: 3, fill: value + "22", points: { show: true } },
        { label: element.dataset.labelPrice, stroke: price, width: 2, dash: [6, 4], points: { show: true } },
      ],
      axes: [
        { splits: function () { return xs; },
          // A weekly season has 26 deliveries or more: on a phone, label only some of them.
          values: function (plot, splits) {
            var width = plot.bbox.width / (window.devicePixelRatio || 1);
            var step = Math.max(1, Math.ceil(xs.length * 56 / Math.max(1, width)));
            return splits.map(function (i) { return i % step === 0 ? days[i] || "" : ""; });
          } },
        { size: 70, values: function (_plot, splits) { return splits.map(function (v) { return euros.format(v); }); } },
      ],
    };
    var plot = new window.uPlot(options, [xs, data.value.map(toEuros), data.price.map(toEuros)], element);
    element.classList.add("is-drawn");
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(280, element.clientWidth), height: 280 });
    });
  }

  document.querySelectorAll("[data-ledger-chart]").forEach(draw);
})();

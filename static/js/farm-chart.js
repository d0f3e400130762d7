// The farm dashboard's chart: money secured in advance (received to date) against the value of the
// season's deliveries to date, month by month. Data comes from the element's data-chart attribute
// (JSON, amounts in cents), since the Content-Security-Policy allows no inline script. The same
// figures are in the table beside it, which is what screen readers and people without JS get.
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
    var data = JSON.parse(element.dataset.chart);
    var language = document.documentElement.lang || "fr";
    var monthName = new Intl.DateTimeFormat(language, { month: "short", year: "numeric" });
    var euros = new Intl.NumberFormat(language, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var months = data.months.map(function (iso) {
      var parts = iso.split("-");
      return monthName.format(new Date(Number(parts[0]), Number(parts[1]) - 1, 1));
    });
    var toEuros = function (cents) { return cents === null ? null : cents / 100; };
    var xs = months.map(function (_label, index) { return index; });
    var received = cssColour("--amap-ok", "#1d6b32");
    var delivered = cssColour("--amap-wait", "#7a4d00");
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
        { label: element.dataset.labelReceived, stroke: received, width: 3, fill: received + "22",
          points: { show: true } },
        { label: element.dataset.labelDelivered, stroke: delivered, width: 2, dash: [6, 4],
          points: { show: true } },
      ],
      axes: [
        { splits: function () { return xs; },
          // On a phone a season's months do not all fit: label every second or third one.
          values: function (plot, splits) {
            var width = plot.bbox.width / (window.devicePixelRatio || 1);
            var step = Math.max(1, Math.ceil(xs.length * 72 / Math.max(1, width)));
            return splits.map(function (i) { return i % step === 0 ? months[i] || "" : ""; });
          } },
        { size: 70, values: function (_plot, splits) { return splits.map(function (v) { return euros.format(v); }); } },
      ],
    };
    var plot = new window.uPlot(options, [xs, data.received.map(toEuros), data.delivered.map(toEuros)], element);
    element.classList.add("is-drawn");
    var resize = function () { plot.setSize({ width: Math.max(280, element.clientWidth), height: 280 }); };
    window.addEventListener("resize", resize);
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();

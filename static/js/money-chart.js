// Money charts (the farm's money secured against its deliveries, a contract's risk-sharing
// ledger): two cumulative lines in euros over a season, drawn with uPlot. The data comes from the
// element's data-money-chart attribute, {"x": [ISO dates], "unit": "month" | "day",
// "lines": [[cents or null, ...], [...]]}, and the line names from data-labels (JSON), since the
// Content-Security-Policy allows no inline script. The same figures are always in a table beside
// the chart, which is what screen readers and people without JavaScript get.
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
    var data = JSON.parse(element.dataset.moneyChart);
    var names = JSON.parse(element.dataset.labels);
    var language = document.documentElement.lang || "fr";
    var format = data.unit === "month"
      ? new Intl.DateTimeFormat(language, { month: "short", year: "numeric" })
      : new Intl.DateTimeFormat(language, { day: "numeric", month: "short" });
    var labels = data.x.map(function (iso) {
      var parts = iso.split("-");
      return format.format(new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2])));
    });
    var euros = new Intl.NumberFormat(language, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var toEuros = function (cents) { return cents === null ? null : cents / 100; };
    var xs = labels.map(function (_label, index) { return index; });
    var first = cssColour("--amap-ok", "#1d6b32");
    var second = cssColour("--amap-wait", "#7a4d00");
    var room = data.unit === "month" ? 72 : 56;  // pixels a label needs
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
        { label: names[0], stroke: first, width: 3, fill: first + "22", points: { show: true } },
        { label: names[1], stroke: second, width: 2, dash: [6, 4], points: { show: true } },
      ],
      axes: [
        { splits: function () { return xs; },
          // On a phone a season's dates do not all fit: label only some of them.
          values: function (plot, splits) {
            var width = plot.bbox.width / (window.devicePixelRatio || 1);
            var step = Math.max(1, Math.ceil(xs.length * room / Math.max(1, width)));
            return splits.map(function (i) { return i % step === 0 ? labels[i] || "" : ""; });
          } },
        { size: 70, values: function (_plot, splits) { return splits.map(function (v) { return euros.format(v); }); } },
      ],
    };
    var plot = new window.uPlot(options, [xs, data.lines[0].map(toEuros), data.lines[1].map(toEuros)], element);
    element.classList.add("is-drawn");
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(280, element.clientWidth), height: 280 });
    });
  }

  document.querySelectorAll("[data-money-chart]").forEach(draw);
})();

// The report page's drawing code, run in the browser with d3 and Observable
// Plot loaded (inlined) before it. It reads the spec embedded in the page and
// draws every chart into its placeholder; the legends and tables are static
// HTML written by render-html.ts.
export const CLIENT_SCRIPT = `
(function () {
  var spec = JSON.parse(document.getElementById("rxsim-report-spec").textContent);
  var si = d3.format("~s"), g = d3.format("~g"), grouped = d3.format(",~r");
  function fmtNumber(v) { return Math.abs(v) >= 1e4 ? si(v) : Math.abs(v) >= 1000 ? grouped(Math.round(v)) : g(+v.toPrecision(4)); }
  function fmtBytes(v) {
    if (v >= 1048576 && v % 1048576 === 0) return v / 1048576 + " MiB";
    if (v >= 1024 && v % 1024 === 0) return v / 1024 + " KiB";
    return v + " B";
  }
  function fmtNs(v) {
    if (v >= 1e9) return g(+(v / 1e9).toPrecision(3)) + " s";
    if (v >= 1e6) return g(+(v / 1e6).toPrecision(3)) + " ms";
    if (v >= 1e3) return g(+(v / 1e3).toPrecision(3)) + " µs";
    return g(v) + " ns";
  }
  var FORMATS = { bytes: fmtBytes, ns: fmtNs, si: fmtNumber, plain: function (v) { return typeof v === "number" ? g(v) : String(v); } };
  function axis(a) {
    var o = { label: a.label, labelArrow: "none", tickFormat: FORMATS[a.format] };
    if (a.type === "log") { o.type = "log"; o.base = a.base; }
    else if (a.type === "symlog") o.type = "symlog";
    else if (a.type === "point") { o.type = "point"; o.padding = 0.3; }
    if (a.ticks) o.ticks = a.ticks;
    return o;
  }
  /** Room for the longest tick label on the left. */
  function leftMargin(a, values) {
    var f = FORMATS[a.format], longest = 0;
    var ticks = a.ticks || d3.ticks(0, d3.max(values) || 1, 5);
    ticks.concat([d3.max(values) || 0]).forEach(function (t) { longest = Math.max(longest, String(f(t)).length); });
    return Math.max(44, 12 + 7 * longest);
  }
  function drawChart(c, el) {
    var width = Math.max(360, el.clientWidth);
    var marks = [], all = [];
    var halo = [], lines = [];
    c.series.forEach(function (s) {
      var data = [];
      c.xValues.forEach(function (x, i) {
        var y = s.values[i];
        if (y === null || (c.y.type === "log" && !(y > 0)) || (c.x.type === "log" && !(x > 0))) return;
        data.push({ x: x, y: y });
        all.push(y);
      });
      if (s.sameAs !== null) halo.push(Plot.line(data, { x: "x", y: "y", stroke: s.colour, strokeWidth: 7, strokeOpacity: 0.35 }));
      lines.push(Plot.line(data, { x: "x", y: "y", stroke: s.colour, strokeWidth: 1.8, strokeDasharray: s.dash || null }));
      if (c.xValues.length <= 12) lines.push(Plot.dot(data, { x: "x", y: "y", fill: s.colour, r: 2.5 }));
    });
    marks = halo.concat(lines);
    if (c.y.type !== "log") marks.unshift(Plot.ruleY([0], { stroke: "#bbb" }));
    var x = axis(c.x), y = axis(c.y);
    // The y label is HTML above the chart (render-html.ts): never over a tick label.
    y.label = null;
    y.grid = true;
    if (c.y.type === "linear" || c.y.type === "symlog") y.domain = [0, Math.max(1e-9, d3.max(all) || 1)];
    if (c.y.type === "linear") y.nice = true;
    if (c.x.type === "point") x.domain = c.xValues;
    el.append(Plot.plot({
      width: width, height: 230, marginLeft: leftMargin(c.y, all), marginRight: 24, marginTop: 12, marginBottom: 42,
      style: { fontSize: "12px", background: "transparent", overflow: "visible" },
      x: x, y: y, marks: marks
    }));
  }
  function drawBars(m, el) {
    var f = function (v) { return v === null ? "n/a" : v.toLocaleString("en-US", { minimumFractionDigits: m.digits, maximumFractionDigits: m.digits }); };
    var longest = d3.max(m.bars, function (b) { return b.strategy.length; });
    var max = d3.max(m.bars, function (b) { return b.value; }) || 1;
    var label = function (b) { return (m.best.indexOf(b.strategy) >= 0 ? "★ " : "") + f(b.value); };
    var widest = d3.max(m.bars, function (b) { return label(b).length; });
    el.append(Plot.plot({
      width: Math.max(240, el.clientWidth), height: 22 * m.bars.length + 46,
      marginLeft: 10 + 7 * longest, marginRight: 14 + 7 * widest, marginBottom: 36,
      style: { fontSize: "12px", background: "transparent", overflow: "visible" },
      x: { label: m.unit, labelArrow: "none", domain: [0, max], ticks: 3, tickFormat: fmtNumber, grid: true },
      y: { label: null, domain: m.bars.map(function (b) { return b.strategy; }) },
      marks: [
        Plot.barX(m.bars, { x: "value", y: "strategy", fill: "colour" }),
        Plot.text(m.bars, { x: "value", y: "strategy", text: label, dx: 4, textAnchor: "start",
          fontWeight: function (b) { return m.best.indexOf(b.strategy) >= 0 ? "bold" : "normal"; } })
      ]
    }));
  }
  // The cost breakdown: one stacked bar per strategy, a segment per priced operation, its total at the end.
  function drawCost(c, el) {
    var longest = d3.max(c.strategies, function (s) { return s.length; });
    var total = function (t) { return t.ns.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " ns"; };
    var widest = d3.max(c.totals, function (t) { return total(t).length; });
    el.append(Plot.plot({
      width: Math.max(360, el.clientWidth), height: 26 * c.strategies.length + 46,
      marginLeft: 10 + 7 * longest, marginRight: 14 + 7 * widest, marginBottom: 36,
      style: { fontSize: "12px", background: "transparent", overflow: "visible" },
      x: { label: "ns per delivered packet", labelArrow: "none", grid: true, tickFormat: fmtNumber },
      y: { label: null, domain: c.strategies },
      color: { legend: true, domain: c.ops, scheme: "tableau10" },
      marks: [
        Plot.barX(c.segments, { x: "ns", y: "strategy", fill: "op", title: function (d) { return d.op + ": " + d.ns.toFixed(1) + " ns"; } }),
        Plot.text(c.totals, { x: "ns", y: "strategy", text: total, dx: 4, textAnchor: "start" }),
        Plot.ruleX([0], { stroke: "#bbb" })
      ]
    }));
  }
  // Queue × time heatmap: one rect per queue and time column, coloured by resident pages.
  function drawHeatmap(h, el) {
    var cells = [];
    h.cells.forEach(function (row, q) {
      row.forEach(function (v, i) { cells.push({ q: q, x1: h.edgesMs[i], x2: h.edgesMs[i + 1], v: v }); });
    });
    var rowHeight = Math.max(6, Math.min(18, Math.floor(360 / h.queues)));
    el.append(Plot.plot({
      width: Math.max(360, el.clientWidth), height: rowHeight * h.queues + 90,
      marginLeft: 56, marginRight: 24, marginTop: 12, marginBottom: 42,
      style: { fontSize: "12px", background: "transparent", overflow: "visible" },
      x: { label: "simulated time (ms)", labelArrow: "none" },
      y: { label: "queue", labelArrow: "none", domain: [h.queues - 0.5, -0.5], ticks: Math.min(h.queues, 8), tickFormat: function (q) { return Number.isInteger(q) ? String(q) : ""; } },
      color: { type: "linear", scheme: "blues", domain: [0, Math.max(1, h.max)], legend: true, label: "resident pages", tickFormat: fmtNumber },
      marks: [
        Plot.rect(cells, { x1: "x1", x2: "x2", y1: function (d) { return d.q - 0.5; }, y2: function (d) { return d.q + 0.5; }, fill: "v",
          title: function (d) { return "queue " + d.q + ", " + fmtNs(d.x1 * 1e6) + ": " + fmtNumber(d.v) + " pages"; } })
      ]
    }));
  }
  var drawn = 0, expected = 0;
  if (spec.cost) {
    expected++;
    drawCost(spec.cost, document.getElementById("cost-breakdown"));
    drawn++;
  }
  spec.headline.metrics.forEach(function (m, i) {
    expected++;
    drawBars(m, document.getElementById("headline-" + i));
    drawn++;
  });
  spec.groups.forEach(function (grp, gi) {
    grp.charts.forEach(function (c, ci) {
      expected++;
      drawChart(c, document.getElementById("chart-" + gi + "-" + ci));
      drawn++;
    });
  });
  (spec.heatmaps || []).forEach(function (h, i) {
    expected++;
    drawHeatmap(h, document.getElementById("heatmap-" + i));
    drawn++;
  });
  document.body.setAttribute("data-charts-drawn", String(drawn));
  document.body.setAttribute("data-charts-expected", String(expected));
})();
`;

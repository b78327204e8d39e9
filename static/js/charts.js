// Draws every chart whose Plotly JSON spec sits in <script type="application/json" data-chart="ID">.
(function () {
  "use strict";

  var NARROW = 600; // px: below this a radar's axis labels are wrapped and the margins made room for them
  var FONT = 11; // px, axis labels on a narrow screen

  // A label in lines of at most `max` characters: at spaces for words, anywhere for Chinese (whose
  // characters are about twice as wide, hence half as many per line).
  function wrap(label, max) {
    var text = String(label);
    if (text.indexOf(" ") < 0) {
      var cjk = /[\u3000-\u9fff\uff00-\uffef]/.test(text);
      var most = cjk ? Math.max(3, Math.floor(max / 2)) : max;
      var step = Math.ceil(text.length / Math.ceil(text.length / most)); // lines of even length, not one long line and a one-character tail
      var parts = [];
      for (var i = 0; i < text.length; i += step) parts.push(text.slice(i, i + step));
      return parts.join("<br>");
    }
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.join("<br>");
  }

  // Plotly keeps a polar chart's angular labels outside the plot area but gives them no room of their own:
  // on a phone the labels at 3 and 9 o'clock ran off the card. Wrap them and widen the side margins.
  function fitRadar(spec, width) {
    if (!spec.layout || !spec.layout.polar || width >= NARROW) return;
    var max = Math.max(8, Math.floor(width / 32));
    var longest = 0;
    spec.data.forEach(function (trace) {
      if (!trace.theta) return;
      trace.theta = trace.theta.map(function (label) {
        var wrapped = wrap(label, max);
        wrapped.split("<br>").forEach(function (l) {
          var wide = /[\u3000-\u9fff\uff00-\uffef]/.test(l) ? 2 : 1;
          longest = Math.max(longest, l.length * wide);
        });
        return wrapped;
      });
    });
    var side = Math.min(Math.round(width / 4), Math.round(longest * FONT * 0.6) + 12);
    spec.layout.polar.angularaxis = Object.assign({}, spec.layout.polar.angularaxis, { tickfont: { size: FONT } });
    spec.layout.polar.radialaxis = Object.assign({}, spec.layout.polar.radialaxis, { tickfont: { size: 9 }, tickvals: [50, 100] });
    spec.layout.margin = Object.assign({}, spec.layout.margin, { l: side, r: side, t: 50, b: 50 });
    spec.layout.height = Math.min(spec.layout.height || 420, width + 40);
  }

  // The server names plotly.js's locale on this script's tag (the bundle registers zh-CN:
  // scripts/plotly/index.js); scripts never choose the language themselves. It also names plotly.js itself:
  // the page is painted and usable first, and plotly.js (large, and long to start on a phone) is fetched
  // only once a chart comes into view, each chart drawn in its own task.
  var tag = document.currentScript;
  var locale = (tag && tag.dataset.locale) || "zh-CN";
  var bundle = tag && tag.dataset.plotly;
  var waiting = [];
  var loading = false;

  function draw(target, spec) {
    fitRadar(spec, target.clientWidth || window.innerWidth);
    target.replaceChildren(); // the server's preview, if any
    window.Plotly.newPlot(target, spec.data, spec.layout, { displayModeBar: false, responsive: true, locale: locale });
  }

  function drawWaiting() {
    var next = waiting.shift();
    if (!next) return;
    draw(next[0], next[1]);
    if (waiting.length) setTimeout(drawWaiting, 0);
  }

  function show(target, spec) {
    waiting.push([target, spec]);
    if (window.Plotly) {
      if (waiting.length === 1) setTimeout(drawWaiting, 0);
      return;
    }
    if (loading || !bundle) return;
    loading = true;
    var script = document.createElement("script");
    script.src = bundle;
    script.async = true;
    script.onload = drawWaiting;
    document.head.appendChild(script);
  }

  var charts = [];
  document.querySelectorAll("script[type='application/json'][data-chart]").forEach(function (node) {
    var target = document.getElementById(node.dataset.chart);
    if (!target) return;
    var spec = JSON.parse(node.textContent);
    // the chart's height kept from the start, so nothing below moves when it is drawn
    target.style.minHeight = ((spec.layout && spec.layout.height) || 450) + "px";
    charts.push([target, spec]);
  });
  if (!("IntersectionObserver" in window)) {
    charts.forEach(function (c) { show(c[0], c[1]); });
    return;
  }
  // A chart with a server-drawn preview (data-on-demand) becomes interactive when a person reaches for it.
  charts = charts.filter(function (c) {
    if (!("onDemand" in c[0].dataset)) return true;
    var once = function () {
      ["pointerenter", "touchstart", "click"].forEach(function (kind) { c[0].removeEventListener(kind, once); });
      show(c[0], c[1]);
    };
    ["pointerenter", "touchstart", "click"].forEach(function (kind) { c[0].addEventListener(kind, once, { passive: true }); });
    return false;
  });
  var specs = new Map(charts);
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      show(entry.target, specs.get(entry.target));
    });
  }, { rootMargin: "0px 0px 200px 0px" });
  charts.forEach(function (c) { observer.observe(c[0]); });
})();

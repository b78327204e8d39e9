// Draws every chart whose Plotly JSON spec sits in <script type="application/json" data-chart="ID">.
(function () {
  "use strict";
  if (!window.Plotly) return;
  document.querySelectorAll("script[type='application/json'][data-chart]").forEach(function (node) {
    var spec = JSON.parse(node.textContent);
    var target = document.getElementById(node.dataset.chart);
    if (target) window.Plotly.newPlot(target, spec.data, spec.layout, { displayModeBar: false, responsive: true });
  });
})();

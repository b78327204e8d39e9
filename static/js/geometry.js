// Positions marks given as data-left / data-width (percent of the parent), e.g. the peer-comparison track
// on the result page. Set through CSSOM, which the Content-Security-Policy allows (inline style attributes
// are not). Without it the marks sit at the left edge; the figures are also given as text and in a table.
(function () {
  "use strict";
  function percent(value) {
    var n = parseFloat(value);
    return isFinite(n) ? Math.min(Math.max(n, 0), 100) + "%" : null;
  }
  document.querySelectorAll("[data-left], [data-width]").forEach(function (el) {
    var left = percent(el.getAttribute("data-left"));
    var width = percent(el.getAttribute("data-width"));
    if (left !== null) el.style.left = left;
    if (width !== null) el.style.width = width;
  });
})();

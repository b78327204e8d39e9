/* The result page's collapsible sections: a link to a section (table of contents, #matches after a
   recommendation, a shared address) opens it, and one button opens or closes them all. */
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll("details.section"));
  if (!sections.length) return;

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
    target.scrollIntoView();
  }

  var toggle = document.querySelector("[data-sections-toggle]");
  function label() {
    var allOpen = sections.every(function (d) { return d.open; });
    toggle.textContent = allOpen ? toggle.dataset.closeLabel : toggle.dataset.openLabel;
    toggle.setAttribute("aria-expanded", allOpen ? "true" : "false");
    return allOpen;
  }
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = !label();
      sections.forEach(function (d) { d.open = open; });
      label();
    });
    sections.forEach(function (d) { d.addEventListener("toggle", label); });
    label();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();

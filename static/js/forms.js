// Narrows dependent selects (city → district, industry section → division) to matching options.
// Works without it: the server validates the pair and says what is wrong.
(function () {
  "use strict";
  function narrow(parentSel, childSel, mapping) {
    var parent = document.querySelector(parentSel);
    var child = document.querySelector(childSel);
    if (!parent || !child) return;
    var all = Array.prototype.slice.call(child.options).map(function (o) {
      return { value: o.value, text: o.text };
    });
    function apply() {
      var allowed = mapping[parent.value] || [];
      var current = child.value;
      child.innerHTML = "";
      all.forEach(function (o) {
        if (o.value === "" || allowed.indexOf(o.value) !== -1) {
          var opt = document.createElement("option");
          opt.value = o.value; opt.text = o.text;
          if (o.value === current) opt.selected = true;
          child.appendChild(opt);
        }
      });
      child.disabled = allowed.length === 0;
    }
    parent.addEventListener("change", apply);
    apply();
  }
  document.querySelectorAll("script[type='application/json'][data-narrow]").forEach(function (node) {
    var spec = node.dataset.narrow.split(">");
    narrow(spec[0].trim(), spec[1].trim(), JSON.parse(node.textContent));
  });
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = document.querySelector(btn.dataset.copy);
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value);
      btn.textContent = btn.dataset.done || "✓";
    });
  });
  // A table wider than the screen scrolls sideways inside its frame: keyboard users must be able to reach
  // that frame to scroll it (WCAG 2.1.1), and hear what it holds.
  function focusableWhenScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        var heading = wrap.closest("section, .card");
        heading = heading && heading.querySelector("h2, h3");
        if (heading) wrap.setAttribute("aria-label", heading.textContent.trim());
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
      }
    });
  }
  focusableWhenScrolling();
  window.addEventListener("resize", focusableWhenScrolling);
})();

// Polls the report status JSON until the job is done or failed, then shows the download or the error.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box) return;
  // Words come from the server's catalog, rendered into data-label-* attributes by the template.
  var labels = {
    pending: box.dataset.labelPending,
    queued: box.dataset.labelQueued,
    running: box.dataset.labelRunning,
    done: box.dataset.labelDone,
    failed: box.dataset.labelFailed
  };
  function part(role) { return box.querySelector('[data-role="' + role + '"]'); }
  function busy(status) { return status === "pending" || status === "queued" || status === "running"; }
  function detail(s) {
    if (s.status === "pending") return box.dataset.detailPending;
    if (s.status === "queued" || s.status === "running") {
      return (s.attempts && s.error ? box.dataset.detailRetrying + " " : "") + box.dataset.detailWaiting;
    }
    return "";
  }
  function show(s) {
    var badge = part("badge");
    badge.textContent = labels[s.status] || s.status;
    badge.className = "badge " + (s.status === "done" ? "badge-ok" : s.status === "failed" ? "badge-err" : "badge-warn");
    part("attempts").textContent = s.attempts;
    part("detail").textContent = detail(s);
    var progress = part("progress");
    if (progress && s.progress && s.progress.total !== null) {
      // an export's rows written of the total
      progress.hidden = false;
      var bar = progress.querySelector("progress");
      bar.max = s.progress.total || 1;
      bar.value = s.progress.done || 0;
      part("progress-text").textContent = box.dataset.labelProgress
        .replace("{done}", s.progress.done || 0).replace("{total}", s.progress.total);
    }
    if (s.status === "done") {
      part("download").hidden = false;
      if (s.pages) part("meta").textContent = box.dataset.labelPages.replace("{n}", s.pages) + " · " + Math.round(s.size / 1024) + " KB";
    }
    if (s.status === "failed") {
      part("failed").hidden = false;
      part("error").textContent = s.error || "";
    }
  }
  var delay = 1000;
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        show(s);
        if (busy(s.status)) {
          delay = Math.min(delay * 1.5, 5000);
          setTimeout(poll, delay);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (busy(box.dataset.status)) setTimeout(poll, delay);
})();

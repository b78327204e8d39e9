// Autosave for questionnaire pages.
// Every change is queued in localStorage first (so closing the tab or losing the network loses nothing),
// then sent to the JSON API with the version the user started from. The server answers per item:
// saved (new version), or conflict (someone else changed it: we show their value and let the user choose).
// Without JavaScript the page's Save button posts the same data.
(function () {
  "use strict";
  var form = document.getElementById("module-form");
  if (!form || form.dataset.locked === "true" || !window.fetch) return;

  var api = form.dataset.api;
  var key = "dx-pending-" + form.dataset.assessment;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var bar = document.getElementById("savebar");
  var pending = loadPending();
  var inflight = false;
  var retryDelay = 1000;
  var flushTimer = null;
  var typingTimers = {};

  function loadPending() {
    try { return JSON.parse(window.localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function persist() {
    try { window.localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }
  function fieldsetFor(item) {
    return form.querySelector('fieldset.q[data-item="' + item.replace(/"/g, '\\"') + '"]');
  }
  // The server words every error in the request's language (`message`): the language is never chosen here.
  function messageOf(error) {
    return error.message || "";
  }
  function hhmm(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function setBar(state, text) {
    bar.className = "savebar " + state;
    bar.textContent = text;
  }
  function inputsNamed(fs, name) {
    return Array.prototype.filter.call(fs.querySelectorAll("input, textarea, select"), function (el) {
      return el.name === name;
    });
  }

  // How a question's inputs are read is named by its field class (portal/assessments/item_fields.py,
  // `read_as`, the fieldset's data-read): ticked boxes, one chosen radio (as text, yes/no or a level), or typed.
  function readValue(fs) {
    var item = fs.dataset.item, read = fs.dataset.read, value = null;
    var inputs = inputsNamed(fs, item);
    if (read === "ticked") {
      value = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    } else if (read === "chosen" || read === "yes_no" || read === "level") {
      var chosen = inputs.filter(function (i) { return i.checked; })[0];
      value = chosen ? chosen.value : null;
      if (value !== null && read === "yes_no") value = value === "true";
      if (value !== null && read === "level") value = parseInt(value, 10);
    } else if (inputs[0]) {
      value = inputs[0].value.trim() === "" ? null : inputs[0].value.trim();
    }
    if (fs.dataset.hasEvidence !== "true") return value;
    var evidence = {};
    fs.querySelectorAll("[data-evidence]").forEach(function (el) {
      if (el.value.trim() !== "") evidence[el.dataset.evidence] = el.value.trim();
    });
    if ((value === null || (Array.isArray(value) && !value.length)) && !Object.keys(evidence).length) return null;
    return { value: value, evidence: evidence };
  }

  function writeValue(fs, raw) {
    var item = fs.dataset.item;
    var value = raw && typeof raw === "object" && !Array.isArray(raw) ? raw.value : raw;
    var evidence = raw && typeof raw === "object" && !Array.isArray(raw) ? raw.evidence || {} : {};
    inputsNamed(fs, item).forEach(function (el) {
      if (el.type === "checkbox") el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      else if (el.type === "radio") el.checked = value !== null && value !== undefined && String(value) === el.value;
      else el.value = value === null || value === undefined ? "" : value;
    });
    fs.querySelectorAll("[data-evidence]").forEach(function (el) {
      var v = evidence[el.dataset.evidence];
      el.value = v === undefined || v === null ? "" : v;
    });
  }

  function describe(fs, raw) {
    var value = raw && typeof raw === "object" && !Array.isArray(raw) ? raw.value : raw;
    var values = Array.isArray(value) ? value : [value];
    return values.map(function (v) {
      var input = inputsNamed(fs, fs.dataset.item).filter(function (el) { return el.value === String(v); })[0];
      var label = input && input.parentNode.querySelector("span");
      return label ? label.textContent : v === null || v === undefined ? "—" : String(v);
    }).join(bar.dataset.listSeparator || "; ");
  }

  function setVersion(fs, version) {
    fs.dataset.version = version;
    var hidden = form.querySelector('input[type=hidden][name="__v__' + fs.dataset.item + '"]');
    if (hidden) hidden.value = version;
  }

  function queue(fs) {
    pending[fs.dataset.item] = { value: readValue(fs), base_version: parseInt(fs.dataset.version, 10) || 0 };
    persist();
    var prefilled = fs.querySelector("[data-prefill]");  // the figures shown are now being saved
    if (prefilled) prefilled.remove();
    var status = fs.querySelector(".q-status");
    status.className = "q-status small muted";
    status.textContent = bar.dataset.savingLabel;
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, 300);
  }

  function showConflict(fs, conflict) {
    var box = fs.querySelector(".q-conflict");
    fs.querySelector(".q-status").textContent = "";
    var who = conflict.updated_by || form.dataset.colleague;
    box.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = form.dataset.conflictText.replace("{who}", who) + describe(fs, conflict.current_value);
    var actions = document.createElement("div");
    actions.className = "actions";
    var theirs = document.createElement("button");
    theirs.type = "button"; theirs.className = "btn btn-secondary btn-sm"; theirs.textContent = form.dataset.takeTheirs;
    var mine = document.createElement("button");
    mine.type = "button"; mine.className = "btn btn-sm"; mine.textContent = form.dataset.keepMine;
    theirs.addEventListener("click", function () {
      writeValue(fs, conflict.current_value);
      setVersion(fs, conflict.current_version);
      box.hidden = true;
    });
    mine.addEventListener("click", function () {
      setVersion(fs, conflict.current_version);
      box.hidden = true;
      queue(fs);
    });
    actions.appendChild(theirs); actions.appendChild(mine);
    box.appendChild(p); box.appendChild(actions);
    box.hidden = false;
  }

  function applyStatus(body) {
    if (body.visible_items) {
      form.querySelectorAll("fieldset.q").forEach(function (fs) {
        fs.hidden = body.visible_items.indexOf(fs.dataset.item) === -1;
      });
    }
    if (body.progress && body.progress.modules) {
      Object.keys(body.progress.modules).forEach(function (m) {
        var el = document.querySelector('[data-module-progress="' + m + '"]');
        var p = body.progress.modules[m];
        if (el) el.textContent = p.answered + "/" + p.total;
      });
      // The overall bar moves with the module counters, not one page later.
      var overall = document.querySelector("[data-overall-progress]");
      var count = document.querySelector("[data-overall-count]");
      if (overall) { overall.max = body.progress.total || 1; overall.value = body.progress.total ? body.progress.answered : 1; }
      if (count) count.textContent = body.progress.answered + " / " + body.progress.total;
    }
  }

  function flush() {
    var items = Object.keys(pending);
    if (inflight || !items.length) return;
    inflight = true;
    var sent = {};
    var answers = items.map(function (item) {
      sent[item] = JSON.stringify(pending[item].value);
      return { item_id: item, value: pending[item].value, base_version: pending[item].base_version };
    });
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      inflight = false;
      var now = new Date();
      if (result.status === 200 || result.status === 409 && result.body.saved) {
        retryDelay = 1000;
        (result.body.saved || []).forEach(function (s) {
          var fs = fieldsetFor(s.item_id);
          if (pending[s.item_id] && JSON.stringify(pending[s.item_id].value) === sent[s.item_id]) delete pending[s.item_id];
          if (fs) {
            setVersion(fs, s.version);
            var status = fs.querySelector(".q-status");
            status.className = "q-status small saved";
            status.textContent = bar.dataset.savedLabel + " " + hhmm(now);
          }
        });
        (result.body.conflicts || []).forEach(function (c) {
          delete pending[c.item_id];
          var fs = fieldsetFor(c.item_id);
          if (fs) showConflict(fs, c);
        });
        persist();
        applyStatus(result.body);
        setBar("saved", bar.dataset.savedLabel + " " + hhmm(now));
      } else if (result.status === 422 || result.status === 400) {
        var error = (result.body.errors || [{}])[0];
        var bad = error.field || items[0];
        var fs = fieldsetFor(bad);
        delete pending[bad];  // invalid as typed: shown to the user, not retried
        persist();
        if (fs) {
          var status = fs.querySelector(".q-status");
          status.className = "q-status small failed";
          status.textContent = messageOf(error) || bar.dataset.errorLabel;
        }
        setBar("failed", bar.dataset.errorLabel);
        if (Object.keys(pending).length) setTimeout(flush, 50);
      } else {
        // 401 (signed out), 5xx, locked…: keep everything locally and retry.
        var message = (result.body.errors || [{}])[0];
        setBar("failed", messageOf(message) || bar.dataset.errorLabel);
        if (result.status !== 409) scheduleRetry();
      }
    }).catch(function () {
      inflight = false;
      setBar("offline", bar.dataset.offlineLabel);
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  form.addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset.q");
    if (!fs) return;
    if (event.target.type === "checkbox" && event.target.checked) {
      var exclusive = event.target.dataset.exclusive === "true";
      inputsNamed(fs, fs.dataset.item).forEach(function (el) {
        if (el !== event.target && (exclusive || el.dataset.exclusive === "true")) el.checked = false;
      });
    }
    clearTimeout(typingTimers[fs.dataset.item]);
    queue(fs);
  });
  form.addEventListener("input", function (event) {
    var fs = event.target.closest("fieldset.q");
    if (!fs || event.target.type === "radio" || event.target.type === "checkbox") return;
    clearTimeout(typingTimers[fs.dataset.item]);
    typingTimers[fs.dataset.item] = setTimeout(function () { queue(fs); }, 1200);
  });
  // A pre-filled figure (from the company profile or the other questionnaire) is saved only when accepted.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-accept]");
    if (!button) return;
    event.preventDefault();
    queue(button.closest("fieldset.q"));
  });
  window.addEventListener("online", flush);
  window.addEventListener("pagehide", function () {
    if (!Object.keys(pending).length) return;
    var answers = Object.keys(pending).map(function (item) {
      return { item_id: item, value: pending[item].value, base_version: pending[item].base_version };
    });
    fetch(api, {
      method: "POST", keepalive: true, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: answers })
    }).catch(function () { /* kept in localStorage; sent on the next visit */ });
  });

  // Changes typed earlier but never acknowledged (tab closed, network lost): put them back and send them.
  Object.keys(pending).forEach(function (item) {
    var fs = fieldsetFor(item);
    if (fs) writeValue(fs, pending[item].value);
  });
  if (Object.keys(pending).length) flush();
})();

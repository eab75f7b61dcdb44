// Autosave of a transfer checklist: every change is sent to the server shortly after it is made.
// Without JavaScript the Save button does the same, and "Add a row" saves and comes back with a new row.
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form || form.dataset.autosave !== "on") { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var inFlight = false;   // one save at a time, so the server never stores an older form after a newer one
  var dirty = false;      // changed since the last save was sent
  var reloadAfterSave = false;  // the checklist's language changed: its labels come from the server
  function send(keepalive) {
    return fetch(form.action, {method: "POST", body: new FormData(form), headers: {"X-Autosave": "1"},
                               credentials: "same-origin", keepalive: !!keepalive});
  }
  function save() {
    timer = null;
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    status.textContent = "…";
    send(false)
      .then(function (response) {
        return response.json()
          .catch(function () { return {error: response.status + " " + response.statusText}; })
          .then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
      })
      .then(function (result) {
        inFlight = false;
        if (!result.ok) { status.textContent = "⚠ " + (result.data.error || result.status); return; }
        if (dirty || timer) { status.textContent = status.dataset.pending; if (!timer) { save(); } return; }
        if (reloadAfterSave) { window.location.reload(); return; }
        var progress = document.getElementById("progress");
        progress.max = result.data.items;
        progress.value = result.data.settled;
        document.getElementById("progress-text").textContent = result.data.settled + " / " + result.data.items;
        status.textContent = "✓ " + new Date().toLocaleTimeString();
        status.dataset.saved = result.data.saved;
      })
      .catch(function () { inFlight = false; status.textContent = "⚠"; });
  }
  function later(delay) {
    // The status says at once that a change is not saved yet: a tick from an earlier save must not stay.
    status.textContent = status.dataset.pending;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }
  form.addEventListener("change", function (event) {
    if (event.target.id === "template_lang") { reloadAfterSave = true; }
    later(400);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || !event.target.type) { later(1200); }
  });
  // Leaving the page with a change not yet sent: send it now (a keepalive request outlives the page).
  window.addEventListener("pagehide", function () {
    if (timer || dirty) { clearTimeout(timer); timer = null; dirty = false; send(true); }
  });

  // The plan's rows: added and removed in place (the server reads rows 0 … action_rows - 1, skipping gaps).
  var rows = document.getElementById("action-rows");
  var body = form.querySelector("table.plan tbody");
  var blank = body.querySelector("tr:last-child").cloneNode(true);  // a new row is made from it, even with none left
  function wire(row) {
    var remove = row.querySelector(".remove-row");
    remove.hidden = false;
    remove.addEventListener("click", function () {
      row.remove();
      later(0);
    });
  }
  body.querySelectorAll("tr").forEach(wire);
  document.getElementById("add-row").addEventListener("click", function (event) {
    event.preventDefault();
    var row = blank.cloneNode(true);
    var n = parseInt(rows.value, 10);
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.name = input.name.replace(/-\d+$/, "-" + n);
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(n + 1)));
    });
    var remove = row.querySelector(".remove-row");
    remove.setAttribute("aria-label", remove.getAttribute("aria-label").replace(/\d+$/, String(n + 1)));
    body.appendChild(row);
    rows.value = String(n + 1);
    wire(row);
    row.querySelector("input").focus();
  });
})();

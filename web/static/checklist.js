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
  var revision = document.getElementById("revision");  // the stored revision this form builds on
  function send(keepalive) {
    var body = new FormData(form);
    if (keepalive && inFlight) {  // leaving while a save is on its way: this one follows it
      body.set("revision", String(parseInt(revision.value, 10) + 1));
    }
    return fetch(form.action, {method: "POST", body: body, headers: {"X-Autosave": "1"},
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
        if (!result.ok) {
          status.textContent = "⚠ " + (result.data.error || result.status);
          if (result.data.conflict) { conflict = true; }  // saving again would only be refused again
          return;
        }
        revision.value = String(result.data.revision);
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
  var conflict = false;  // another window saved this checklist since this page was loaded
  function later(delay) {
    if (conflict) { return; }
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
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || !event.target.type) { later(800); }
  });
  // Leaving the page with a change not yet sent: send it now, before the next page is asked for (a
  // keepalive request outlives the page); pagehide catches a leave that beforeunload did not see.
  function flush() {
    if ((timer || dirty) && !conflict) {
      clearTimeout(timer); timer = null; dirty = false;
      send(true).catch(function () {});  // a body over the browser's 64 KB keepalive quota is not sent
    }
  }
  window.addEventListener("beforeunload", flush);
  window.addEventListener("pagehide", flush);

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

// Autosave of a transfer checklist: every change is sent to the server shortly after it is made.
// Without JavaScript the Save button does the same.
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form || form.dataset.autosave !== "on") { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  function save() {
    timer = null;
    status.textContent = "…";
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {"X-Autosave": "1"}, credentials: "same-origin"})
      .then(function (response) {
        return response.json()
          .catch(function () { return {error: response.status + " " + response.statusText}; })
          .then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
      })
      .then(function (result) {
        if (!result.ok) { status.textContent = "⚠ " + (result.data.error || result.status); return; }
        var progress = document.getElementById("progress");
        progress.max = result.data.items;
        progress.value = result.data.settled;
        document.getElementById("progress-text").textContent = result.data.settled + " / " + result.data.items;
        status.textContent = "✓ " + new Date().toLocaleTimeString();
        status.dataset.saved = result.data.saved;
      })
      .catch(function () { status.textContent = "⚠"; });
  }
  form.addEventListener("change", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 400);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || !event.target.type) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 1200);
    }
  });
})();

/* The set editor's autosave: a second after typing stops, post the form (no action button) and
   keep the new version number. Without this file the Save button does the same. A refused save
   (the set changed in another window) stops autosaving and says so; nothing typed is touched. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var version = form.querySelector("input[name=version]");
  var timer = null;
  var stopped = false;

  function save() {
    if (stopped) { return; }
    var data = new FormData(form);
    ["up", "down", "remove", "add", "search", "save"].forEach(function (name) { data.delete(name); });
    fetch(form.action, {method: "POST", body: data, headers: {"X-Autosave": "1"}, credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 409) {
          stopped = true;
          status.textContent = form.getAttribute("data-stale-label");
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.version) {
          version.value = body.version;
          status.textContent = form.getAttribute("data-saved-label");
        }
      })
      .catch(function () { /* offline: the Save button still works */ });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name === "q") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1000);
  });
})();

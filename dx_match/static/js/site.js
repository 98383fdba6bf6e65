/* dx_match: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 56rem)");

  /* Filter panels are open in the HTML (so they work without JS); fold them on narrow screens. */
  function fitFilterPanels() {
    document.querySelectorAll("[data-filter-panel]").forEach(function (panel) {
      panel.open = WIDE.matches;
    });
  }

  /* Compare selection: at most four ticked tools, with a live count. */
  function setUpCompare(form) {
    var max = 4;
    var boxes = form.querySelectorAll('input[type="checkbox"][name="t"]');
    var status = form.querySelector("[data-compare-status]");
    var button = form.querySelector('button[type="submit"]');
    var bar = form.querySelector(".compare-bar");
    function update() {
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
      boxes.forEach(function (box) { box.disabled = !box.checked && ticked >= max; });
      if (status && ticked > 0) {
        status.textContent = status.getAttribute("data-template").replace("{n}", String(ticked));
      }
      if (button) { button.disabled = ticked === 0; }
      if (bar) { bar.classList.toggle("is-active", ticked > 0); }
    }
    form.addEventListener("change", update);
    update();
  }

  /* Cost calculator: refresh the results from the server as the inputs change. */
  function setUpCalculator(form) {
    var results = document.querySelector("[data-cost-results]");
    if (!results || !window.fetch || !window.DOMParser) { return; }
    var timer = null;
    var pending = null;
    function refresh() {
      var users = form.elements.users;
      if (!users.checkValidity() || users.value === "") { return; }
      var url = form.action.split("#")[0] + "?" + new URLSearchParams(new FormData(form)).toString();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      results.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("[data-cost-results]");
          if (fresh) {
            results.innerHTML = fresh.innerHTML;
            history.replaceState(null, "", url + "#costs");
          }
        })
        .catch(function () { /* keep the last results; the button still submits the form */ })
        .then(function () { results.removeAttribute("aria-busy"); });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    form.addEventListener("change", refresh);
  }

  function start() {
    fitFilterPanels();
    if (WIDE.addEventListener) { WIDE.addEventListener("change", fitFilterPanels); }
    document.querySelectorAll("[data-compare-form]").forEach(setUpCompare);
    document.querySelectorAll("[data-calculator]").forEach(setUpCalculator);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

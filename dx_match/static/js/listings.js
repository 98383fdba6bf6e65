/* Listing forms: add and remove plan (or session) rows. Without this file the form offers a
   fixed number of empty rows, and empty rows are ignored on saving. */
(function () {
  "use strict";

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^(\w+)-\d+-/, "$1-" + index + "-").replace(/ (\w+)-\d+-/g, " $1-" + index + "-")); }
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".field-errors").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  }

  function addRemoveButton(row, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.textContent = label;
    button.addEventListener("click", function () {
      var set = row.parentNode;
      if (set.querySelectorAll("[data-row]").length > 1) { row.remove(); } else { clear(row); }
    });
    row.appendChild(button);
  }

  function setUp(set) {
    var add = set.querySelector("[data-add-row]");
    var label = set.getAttribute("data-remove-label") || "Remove";
    set.querySelectorAll("[data-row]").forEach(function (row) { addRemoveButton(row, label); });
    if (!add) { return; }
    add.hidden = false;
    add.addEventListener("click", function () {
      var rows = set.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      var next = 0;
      set.querySelectorAll("[name]").forEach(function (el) {
        var match = /^\w+-(\d+)-/.exec(el.getAttribute("name"));
        if (match) { next = Math.max(next, Number(match[1]) + 1); }
      });
      var row = last.cloneNode(true);
      row.querySelectorAll("button").forEach(function (el) { el.remove(); });
      renumber(row, next);
      clear(row);
      addRemoveButton(row, label);
      last.parentNode.insertBefore(row, add);
      var first = row.querySelector("input, select");
      if (first) { first.focus(); }
    });
  }

  function start() { document.querySelectorAll("[data-rows]").forEach(setUp); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

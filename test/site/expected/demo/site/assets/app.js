// Artifact Press: small enhancements. Every page works without this file; it adds sorting, filtering and local times.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.children[index];
    return cell ? cell.textContent.trim() : "";
  }

  // Click a column header to sort by it; a second click reverses. Numbers sort as numbers, empty cells last.
  function makeSortable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body || !head.rows[0]) return;
    var headers = Array.prototype.slice.call(head.rows[0].cells);
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.classList.contains("num");
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
          var r;
          if (numeric) {
            r = parseFloat(x.replace(/^v/, "")) - parseFloat(y.replace(/^v/, ""));
            if (isNaN(r)) r = x.localeCompare(y);
          } else {
            var timeA = a.children[index].querySelector("time"), timeB = b.children[index].querySelector("time");
            r = timeA && timeB
              ? timeA.getAttribute("datetime").localeCompare(timeB.getAttribute("datetime"))
              : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
          }
          return ascending ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  // A text box (and, on the index, a type menu) above a table that hides rows that do not match.
  function makeFilterable(table, withType) {
    var body = table.tBodies[0];
    if (!body) return;
    var wrap = table.closest(".table-wrap") || table;
    var bar = document.createElement("div");
    bar.className = "filters";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter…";
    input.setAttribute("aria-label", "Filter rows");
    bar.appendChild(input);
    var select = null;
    if (withType) {
      var types = {};
      Array.prototype.forEach.call(body.rows, function (row) { types[row.getAttribute("data-type")] = true; });
      select = document.createElement("select");
      select.setAttribute("aria-label", "Filter by type");
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "All types";
      select.appendChild(all);
      Object.keys(types).sort().forEach(function (type) {
        var option = document.createElement("option");
        option.value = type;
        option.textContent = type;
        select.appendChild(option);
      });
      bar.appendChild(select);
    }
    var count = document.createElement("span");
    count.className = "count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);
    wrap.parentNode.insertBefore(bar, wrap);

    function apply() {
      var text = input.value.trim().toLowerCase();
      var type = select ? select.value : "";
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = (!type || row.getAttribute("data-type") === type) && (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = text || type ? shown + " of " + body.rows.length + " shown" : "";
    }
    input.addEventListener("input", apply);
    if (select) select.addEventListener("change", apply);
  }

  // Times are written in UTC so the same store builds the same bytes; show them in the reader's time zone.
  function localiseTimes() {
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      el.title = el.textContent;
      el.textContent = date.toLocaleString(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable]"), function (t) { makeFilterable(t, true); });
    Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (t) {
      // Tables with a data block get the full table tools from table.js instead.
      if (t.hasAttribute("data-table-data")) return;
      if (t.tBodies[0] && t.tBodies[0].rows.length > 10) makeFilterable(t, false);
    });
    localiseTimes();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

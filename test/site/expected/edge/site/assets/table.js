// Artifact Press: table tools. A table with a data block (data-table-data: the id of a
// <script type="application/json"> on the page, which never runs) gets sort by any column, a filter, pages through
// every row and CSV/JSON downloads; the DOM only ever holds one page of rows. Without this script the page still
// shows the rows written into it.
(function () {
  "use strict";
  var PAGE_SIZES = [25, 100, 250];
  var DEFAULT_PAGE = 100;
  var parsed = {};

  // The data block's text through JSON.parse (so a "__proto__" key stays data), once per block: a page that shows
  // a table twice (a side-by-side diff) has one block for both copies. Parsed on first use, not on load.
  function readData(id) {
    if (Object.prototype.hasOwnProperty.call(parsed, id)) return parsed[id];
    var el = document.getElementById(id), value = null;
    if (el && el.localName === "script" && el.type === "application/json") {
      try { value = JSON.parse(el.textContent); } catch (e) { value = null; }
    }
    if (!value || !Array.isArray(value.rows)) value = null;
    return (parsed[id] = value);
  }

  function cellText(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return JSON.stringify(v);
  }

  // The same rules as the build's CSV (src/site/format.ts): RFC 4180, formula-looking text gets a leading quote.
  function csvField(v) {
    var text = cellText(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function button(text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function setup(table) {
    var dataId = table.getAttribute("data-table-data");
    var total = parseInt(table.getAttribute("data-table-total"), 10) || 0;
    var body = table.tBodies[0];
    var wrap = table.closest(".table-wrap") || table;
    if (!dataId || !body) return;

    var state = { data: null, view: null, texts: null, page: 0, size: DEFAULT_PAGE, sortCol: -1, ascending: true, filter: "" };
    var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

    var bar = document.createElement("div");
    bar.className = "filters table-tools";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter…";
    input.setAttribute("aria-label", "Filter rows");
    var sizeSelect = document.createElement("select");
    sizeSelect.setAttribute("aria-label", "Rows per page");
    PAGE_SIZES.forEach(function (n) {
      var o = document.createElement("option");
      o.value = String(n);
      o.textContent = n + " per page";
      if (n === DEFAULT_PAGE) o.selected = true;
      sizeSelect.appendChild(o);
    });
    var prev = button("← Previous", "Previous page");
    var next = button("Next →", "Next page");
    var status = document.createElement("span");
    status.className = "count";
    status.setAttribute("aria-live", "polite");
    var csv = button("CSV", "Download CSV");
    var json = button("JSON", "Download JSON");
    // A table that fits on the smallest page needs no filter or pages: sorting and downloads only.
    var small = total <= PAGE_SIZES[0];
    (small ? [csv, json] : [input, sizeSelect, prev, status, next, csv, json]).forEach(function (el) { bar.appendChild(el); });
    wrap.parentNode.insertBefore(bar, wrap);

    // The page holds up to the build's first rows; keep one page of them in the DOM until the data is read.
    var staticRows = Array.prototype.slice.call(body.rows);
    for (var i = state.size; i < staticRows.length; i++) staticRows[i].remove();
    status.textContent = total ? "Rows 1–" + Math.min(state.size, total) + " of " + total.toLocaleString() : "";
    prev.disabled = true;
    next.disabled = total <= state.size;

    var headers = [];
    function ensureData(then) {
      if (state.data) return then();
      var data = readData(dataId);
      if (!data) { status.textContent = "The table's data could not be read."; return; }
      state.data = data;
      state.view = data.rows.map(function (_, i) { return i; });
      then();
    }

    function width() {
      var w = state.data.columns ? state.data.columns.length : 0;
      state.data.rows.forEach(function (r) { if (r.length > w) w = r.length; });
      return w;
    }

    function applyFilter() {
      var rows = state.data.rows;
      var text = state.filter;
      if (!text) { state.view = rows.map(function (_, i) { return i; }); return; }
      if (!state.texts) state.texts = rows.map(function (r) { return r.map(cellText).join("\u0001").toLowerCase(); });
      var texts = state.texts, out = [];
      for (var i = 0; i < texts.length; i++) if (texts[i].indexOf(text) !== -1) out.push(i);
      state.view = out;
    }

    function applySort() {
      var c = state.sortCol;
      if (c < 0) return;
      var rows = state.data.rows, numeric = state.data.numeric[c], dir = state.ascending ? 1 : -1;
      state.view.sort(function (a, b) {
        var x = rows[a][c], y = rows[b][c];
        var xe = x === null || x === undefined || x === "", ye = y === null || y === undefined || y === "";
        // Empty cells go last in either direction; ties keep the data's order.
        if (xe || ye) return xe && ye ? a - b : xe ? 1 : -1;
        var r = numeric ? x - y : collator.compare(cellText(x), cellText(y));
        return r !== 0 ? r * dir : a - b;
      });
    }

    function render() {
      var rows = state.data.rows, view = state.view, numeric = state.data.numeric;
      var pages = Math.max(1, Math.ceil(view.length / state.size));
      if (state.page >= pages) state.page = pages - 1;
      var from = state.page * state.size, to = Math.min(view.length, from + state.size);
      var w = width();
      var frag = document.createDocumentFragment();
      for (var i = from; i < to; i++) {
        var row = rows[view[i]], tr = document.createElement("tr");
        for (var c = 0; c < w; c++) {
          var td = document.createElement("td");
          if (typeof row[c] === "number") td.className = "num";
          td.textContent = cellText(row[c]);
          tr.appendChild(td);
        }
        frag.appendChild(tr);
      }
      body.textContent = "";
      body.appendChild(frag);
      status.textContent = view.length === 0 ? "No rows match"
        : "Rows " + (from + 1).toLocaleString() + "–" + to.toLocaleString() + " of " + view.length.toLocaleString()
          + (view.length !== rows.length ? " (filtered from " + rows.length.toLocaleString() + ")" : "");
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      headers.forEach(function (th, c) {
        if (c === state.sortCol) th.setAttribute("aria-sort", state.ascending ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
    }

    // Public for tests and the bench: the same steps the controls run, timed by the caller (who calls load first to
    // leave the one-time JSON.parse of the data block out of the timings).
    var api = {
      sort: function (c, ascending) { ensureData(function () { state.sortCol = c; state.ascending = ascending; applyFilter(); applySort(); state.page = 0; render(); }); },
      filter: function (text) { ensureData(function () { state.filter = String(text).trim().toLowerCase(); applyFilter(); applySort(); state.page = 0; render(); }); },
      page: function (n) { ensureData(function () { state.page = n; render(); }); },
      load: function (then) { ensureData(then); },
    };
    table.artifactPressTable = api;

    function sortBy(c) {
      var ascending = state.sortCol === c ? !state.ascending : true;
      ensureData(function () { api.sort(c, ascending); });
    }

    var head = table.tHead;
    if (!head) {
      // A table without column names gets numbered headers, so every column can still be sorted.
      var count = 0;
      staticRows.forEach(function (r) { if (r.cells.length > count) count = r.cells.length; });
      head = table.createTHead();
      var hr = head.insertRow();
      for (var c = 0; c < count; c++) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = "Column " + (c + 1);
        hr.appendChild(th);
      }
    }
    if (head.rows[0]) {
      headers = Array.prototype.slice.call(head.rows[0].cells);
      headers.forEach(function (th, c) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "sort";
        while (th.firstChild) b.appendChild(th.firstChild);
        th.appendChild(b);
        b.addEventListener("click", function () { sortBy(c); });
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ensureData(function () { api.filter(input.value); }); }, 150);
    });
    sizeSelect.addEventListener("change", function () {
      var first = state.page * state.size;
      state.size = parseInt(sizeSelect.value, 10) || DEFAULT_PAGE;
      ensureData(function () { state.page = Math.floor(first / state.size); render(); });
    });
    prev.addEventListener("click", function () { ensureData(function () { api.page(Math.max(0, state.page - 1)); }); });
    next.addEventListener("click", function () { ensureData(function () { api.page(state.page + 1); }); });
    function rowsOfView() { return state.view.map(function (i) { return state.data.rows[i]; }); }
    csv.addEventListener("click", function () {
      ensureData(function () {
        var lines = [];
        if (state.data.columns) lines.push(state.data.columns.map(csvField).join(","));
        rowsOfView().forEach(function (r) { lines.push(r.map(csvField).join(",")); });
        download(state.data.name + ".csv", "text/csv", lines.join("\r\n") + "\r\n");
      });
    });
    json.addEventListener("click", function () {
      ensureData(function () {
        download(state.data.name + ".json", "application/json", JSON.stringify({ columns: state.data.columns, rows: rowsOfView() }) + "\n");
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-table-data]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

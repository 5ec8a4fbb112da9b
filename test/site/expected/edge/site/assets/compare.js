// Artifact Press: compare any two versions of a key. The lineage page's data file holds each version as lines of
// text; this script line-diffs the chosen pair (Myers, with a work budget) and shows it like the build's diffs.
(function () {
  "use strict";
  var DATA = "ArtifactPressData";
  var MAX_WORK = 4000000;
  var CONTEXT = 3;
  var MAX_SHOWN = 3000;

  function loadData(src, name, done) {
    var store = self[DATA];
    if (store && Object.prototype.hasOwnProperty.call(store, name)) return done(store[name]);
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = function () {
      var s = self[DATA];
      done(s && Object.prototype.hasOwnProperty.call(s, name) ? s[name] : null);
    };
    script.onerror = function () { done(null); };
    document.head.appendChild(script);
  }

  // Myers' O(ND) diff; null when it would take more than MAX_WORK steps. Returns "same" | "add" | "del" per line.
  function diffOps(a, b) {
    var start = 0, endA = a.length, endB = b.length;
    while (start < endA && start < endB && a[start] === b[start]) start++;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
    var x1 = a.slice(start, endA), y1 = b.slice(start, endB), n = x1.length, m = y1.length, ops = [], i;
    var middle;
    if (n === 0 || m === 0) {
      middle = [];
      for (i = 0; i < n; i++) middle.push("del");
      for (i = 0; i < m; i++) middle.push("add");
    } else {
      var max = n + m, off = max + 1, v = new Int32Array(2 * max + 3), trace = [], work = 0, found = -1;
      outer: for (var d = 0; d <= max; d++) {
        trace.push(v.slice(off - d - 1, off + d + 2));
        for (var k = -d; k <= d; k += 2) {
          var x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
          var y = x - k;
          while (x < n && y < m && x1[x] === y1[y]) { x++; y++; work++; }
          v[off + k] = x;
          if (x >= n && y >= m) { found = d; break outer; }
        }
        work += 2 * d + 1;
        if (work > MAX_WORK) return null;
      }
      middle = [];
      var cx = n, cy = m;
      for (d = found; d >= 0; d--) {
        var t = trace[d], kk = cx - cy;
        var at = function (k2) { return t[k2 + d + 1]; };
        var pk = kk === -d || (kk !== d && at(kk - 1) < at(kk + 1)) ? kk + 1 : kk - 1;
        var px = d === 0 ? 0 : at(pk), py = d === 0 ? 0 : px - pk;
        while (cx > px && cy > py) { middle.push("same"); cx--; cy--; }
        if (d > 0) middle.push(cx === px ? "add" : "del");
        cx = px; cy = py;
      }
      middle.reverse();
    }
    for (i = 0; i < start; i++) ops.push("same");
    ops = ops.concat(middle);
    for (i = endA; i < a.length; i++) ops.push("same");
    return ops;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Renders a line diff as the build does (templates/partials/extras/line-diff.eta).
  function renderDiff(a, b, label) {
    var out = document.createDocumentFragment();
    var ops = diffOps(a, b);
    if (!ops) { out.appendChild(el("p", "muted diff-too-large", "Too large to diff: the two texts differ in too many places to show line by line.")); return out; }
    var lines = [], i = 0, j = 0, added = 0, removed = 0;
    ops.forEach(function (op) {
      if (op === "same") lines.push({ op: op, text: a[i], o: ++i, n: ++j });
      else if (op === "del") { lines.push({ op: op, text: a[i], o: ++i, n: "" }); removed++; }
      else { lines.push({ op: op, text: b[j], o: "", n: ++j }); added++; }
    });
    var stat = el("p", "diff-stat");
    stat.appendChild(el("span", "diff-added-count", "+" + added));
    stat.appendChild(document.createTextNode(" "));
    stat.appendChild(el("span", "diff-removed-count", "\u2212" + removed));
    out.appendChild(stat);
    if (added === 0 && removed === 0) { out.appendChild(el("p", "muted", "No difference.")); return out; }
    var wrap = el("div", "table-wrap diff-wrap");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", label);
    wrap.tabIndex = 0;
    var table = el("table", "diff"), shown = 0, last = -1;
    var keep = lines.map(function () { return false; });
    lines.forEach(function (l, idx) {
      if (l.op === "same") return;
      for (var q = Math.max(0, idx - CONTEXT); q <= Math.min(lines.length - 1, idx + CONTEXT); q++) keep[q] = true;
    });
    var tbody = null;
    for (var q = 0; q < lines.length && shown < MAX_SHOWN; q++) {
      if (!keep[q]) continue;
      if (tbody === null || q !== last + 1) {
        if (tbody !== null) {
          var gap = el("tbody", "diff-gap"), gr = el("tr"), gd = el("td", "", "\u22ef");
          gd.colSpan = 3; gr.appendChild(gd); gap.appendChild(gr); table.appendChild(gap);
        }
        tbody = el("tbody");
        table.appendChild(tbody);
      }
      var l = lines[q], tr = el("tr", "diff-" + l.op);
      tr.appendChild(el("td", "diff-no", String(l.o)));
      tr.appendChild(el("td", "diff-no", String(l.n)));
      var td = el("td", "diff-line");
      if (l.op !== "same") td.appendChild(el("span", "visually-hidden", l.op === "add" ? "added: " : "removed: "));
      td.appendChild(document.createTextNode(l.text));
      tr.appendChild(td);
      tbody.appendChild(tr);
      last = q;
      shown++;
    }
    wrap.appendChild(table);
    out.appendChild(wrap);
    if (shown >= MAX_SHOWN) out.appendChild(el("p", "muted", "The diff was cut short; open both versions to see the rest."));
    return out;
  }

  function setup(tool) {
    var src = tool.getAttribute("data-compare-src"), name = tool.getAttribute("data-compare-name");
    loadData(src, name, function (data) {
      if (!data || !data.versions || data.versions.length < 2) return;
      var message = tool.querySelector(".js-message");
      if (message) message.remove();
      var bar = el("div", "filters compare-bar");
      var from = el("select"), to = el("select");
      from.setAttribute("aria-label", "Compare from version");
      to.setAttribute("aria-label", "Compare to version");
      data.versions.slice().reverse().forEach(function (v) {
        var label = "v" + v.n + " \u00b7 " + v.created.replace("T", " ").replace(/\.\d+Z$/, " UTC") + " \u00b7 " + v.type;
        [from, to].forEach(function (s) {
          var o = el("option", "", label);
          o.value = String(v.n);
          s.appendChild(o);
        });
      });
      var count = data.versions.length;
      from.value = String(count - 1);
      to.value = String(count);
      bar.appendChild(el("label", "", "From "));
      bar.lastChild.appendChild(from);
      bar.appendChild(el("label", "", " to "));
      bar.lastChild.appendChild(to);
      var result = el("div", "compare-result");
      result.setAttribute("aria-live", "polite");
      tool.appendChild(bar);
      tool.appendChild(result);
      function show() {
        var a = data.versions[parseInt(from.value, 10) - 1], b = data.versions[parseInt(to.value, 10) - 1];
        result.textContent = "";
        if (!a || !b) return;
        var head = el("p", "compare-head");
        head.textContent = "v" + a.n + " \u2192 v" + b.n;
        result.appendChild(head);
        if (a.description.join("\n") !== b.description.join("\n")) {
          result.appendChild(el("p", "diff-part", "Description"));
          result.appendChild(renderDiff(a.description, b.description, "Description changes"));
        }
        result.appendChild(el("p", "diff-part", "Content"));
        if (a.lines === null || b.lines === null) {
          result.appendChild(el("p", "muted diff-too-large", "Too large to compare here: v" + (a.lines === null ? a.n : b.n) + " holds too much text."));
        } else {
          result.appendChild(renderDiff(a.lines, b.lines, "Changes from v" + a.n + " to v" + b.n));
        }
      }
      from.addEventListener("change", show);
      to.addEventListener("change", show);
      show();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".compare-tool[data-compare-src]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

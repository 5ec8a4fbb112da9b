// Artifact Press: search over the static index (src/site/extras/search-index.ts). The index is split into data
// scripts loaded on demand with <script src>, which works from file:// where fetch() of local files does not.
(function () {
  "use strict";
  var DATA = "ArtifactPressData";
  var MIN = 2, MAX = 32, SHOWN = 50;
  var loading = {};

  function loadData(src, name, done) {
    var store = self[DATA];
    if (store && Object.prototype.hasOwnProperty.call(store, name)) return done(store[name]);
    if (loading[src]) return loading[src].push(done);
    loading[src] = [done];
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    function finish(value) {
      var waiting = loading[src];
      delete loading[src];
      waiting.forEach(function (cb) { cb(value); });
    }
    script.onload = function () {
      var s = self[DATA];
      finish(s && Object.prototype.hasOwnProperty.call(s, name) ? s[name] : null);
    };
    script.onerror = function () { finish(null); };
    document.head.appendChild(script);
  }

  function loadAll(items, done) {
    var left = items.length, out = new Array(items.length);
    if (left === 0) return done(out);
    items.forEach(function (item, i) {
      loadData(item.src, item.name, function (value) {
        out[i] = value;
        if (--left === 0) done(out);
      });
    });
  }

  // The same terms as the build: accents dropped, lowercase, letters and digits, 2–32 characters.
  function terms(text) {
    var m = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    var seen = Object.create(null), out = [];
    m.forEach(function (t) {
      if (t.length >= MIN && t.length <= MAX && !seen[t]) { seen[t] = true; out.push(t); }
    });
    return out;
  }

  // The shard holding every term with the first two characters of `term` (search-index.ts shardOf): the last
  // shard whose first prefix is not after them; -1 when there is none.
  function shardOf(term, firsts) {
    var prefix = Array.from(term).slice(0, 2).join("");
    var lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= prefix) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  // Entries are sorted by term: binary search for the first one >= prefix, then walk while it matches.
  function matches(entries, prefix) {
    var lo = 0, hi = entries.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (entries[mid][0] < prefix) lo = mid + 1; else hi = mid;
    }
    var scores = new Map();
    for (var i = lo; i < entries.length && entries[i][0].lastIndexOf(prefix, 0) === 0; i++) {
      var exact = entries[i][0] === prefix ? 1 : 0, postings = entries[i][1];
      for (var p = 0; p < postings.length; p++) {
        var doc = Math.floor(postings[p] / 2), score = 1 + exact + (postings[p] % 2 ? 2 : 0);
        if ((scores.get(doc) || 0) < score) scores.set(doc, score);
      }
    }
    return scores;
  }

  function setup(tool) {
    var root = tool.getAttribute("data-search-root") || "";
    loadData(root + "search/meta.js", "search/meta", function (meta) {
      if (!meta) return;
      var message = tool.querySelector(".js-message");
      if (message) message.remove();
      var input = document.createElement("input");
      input.type = "search";
      input.placeholder = "Search keys, descriptions, text, columns…";
      input.setAttribute("aria-label", "Search artifacts");
      var status = document.createElement("p");
      status.className = "count search-status";
      status.setAttribute("aria-live", "polite");
      var list = document.createElement("ol");
      list.className = "search-results";
      var bar = document.createElement("div");
      bar.className = "filters search-bar";
      bar.appendChild(input);
      tool.appendChild(bar);
      tool.appendChild(status);
      tool.appendChild(list);
      var seq = 0;

      function show(results, total, mine) {
        loadAll(uniqueShards(results), function () {
          if (mine !== seq) return;
          list.textContent = "";
          var store = self[DATA] || {};
          results.forEach(function (doc) {
            var shard = store["search/d-" + Math.floor(doc / meta.docShard)];
            var d = shard && shard[doc % meta.docShard];
            if (!d) return;
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = root + d[1];
            a.textContent = d[0];
            li.appendChild(a);
            var type = document.createElement("span");
            type.className = "type type-" + d[2];
            type.textContent = d[2];
            li.appendChild(document.createTextNode(" "));
            li.appendChild(type);
            if (d[3]) {
              var p = document.createElement("p");
              p.className = "desc";
              p.textContent = d[3];
              li.appendChild(p);
            }
            list.appendChild(li);
          });
          status.textContent = total === 0 ? "No results." : total + (total === 1 ? " result" : " results") + (total > results.length ? ", showing the first " + results.length : "");
        });
      }

      function uniqueShards(docs) {
        var seen = Object.create(null), out = [];
        docs.forEach(function (doc) {
          var n = Math.floor(doc / meta.docShard);
          if (!seen[n]) { seen[n] = true; out.push({ src: root + "search/d-" + n + ".js", name: "search/d-" + n }); }
        });
        return out;
      }

      function run() {
        var mine = ++seq;
        var words = terms(input.value);
        if (words.length === 0) {
          list.textContent = "";
          status.textContent = input.value.trim() ? "Type at least " + MIN + " letters or digits." : "";
          return;
        }
        // Every word must match (as a prefix of some term); a word before the first shard matches nothing.
        var shardNumbers = words.map(function (w) { return shardOf(w, meta.shards); });
        if (shardNumbers.some(function (n) { return n < 0; })) {
          list.textContent = "";
          status.textContent = "No results.";
          return;
        }
        var items = shardNumbers.map(function (n) { return { src: root + "search/t-" + n + ".js", name: "search/t-" + n }; });
        status.textContent = "Searching…";
        loadAll(items, function (entries) {
          if (mine !== seq) return;
          var total = null;
          words.forEach(function (w, i) {
            var scores = matches(entries[i] || [], w);
            if (total === null) { total = scores; return; }
            var next = new Map();
            total.forEach(function (s, doc) { if (scores.has(doc)) next.set(doc, s + scores.get(doc)); });
            total = next;
          });
          var ranked = Array.from(total.keys()).sort(function (a, b) { return total.get(b) - total.get(a) || a - b; });
          show(ranked.slice(0, SHOWN), ranked.length, mine);
        });
      }

      var timer = null;
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
      var q = new URLSearchParams(location.search).get("q");
      if (q) { input.value = q; run(); }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".search-tool[data-search-root]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

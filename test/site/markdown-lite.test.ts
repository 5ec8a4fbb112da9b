/**
 * The lite path (markdown-lite.ts) against the fast path over marked's tokens: whenever it takes a document, it
 * must give the very same HTML. Generated documents mix what it knows with what it must refuse.
 */
import { Marked } from "marked";
import { describe, expect, it } from "vitest";
import { renderTokensSafely } from "../../src/site/markdown-fast.js";
import { renderMarkdownLite } from "../../src/site/markdown-lite.js";
import { renderMarkdown } from "../../src/site/markdown.js";
import { sanitizeHtml } from "../../src/site/sanitize.js";
import { XSS_PAYLOADS } from "../xss/payloads.js";

const marked = new Marked({ gfm: true, breaks: false, async: false });
const viaMarked = (md: string) => renderTokensSafely(marked.lexer(md), false);

/** A seeded generator (an LCG: the same documents on every run). */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 16777216;
  };
  return { next, pick: <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]! };
}

const WORDS = ["foo", "bar", "a", "Report", "x1", "42", "3.5", "(note)", "it's", '"q"', "a-b", "c/d", "e.g.", "50 %", "#tag", "é", "—", "😀", "=", "+", "$", "x > y", "?", "."];
/** Inline pieces the lite path takes. */
const TAKEN = [
  "*a*", "**b**", "`g`", "`a*b`", "``c`d``", "[a](https://x.example/z?q=1)", "[c](/rel/path)", "[b *c*](javascript:alert(1))",
  "[d **e**](#frag)", "*c d*", "**e f**", "*(t)*", "(*u*)", "**v:**", "*w*.", ".*x*", "**a *b* c**", "*a **b** c*", "*`c`*",
  "**[l](x)**", "x*", "*y", "'*q*'", '"**r**"', "a:b", "-", ">",
];
/** Inline pieces it must refuse or handle exactly like marked: CommonMark's corners. */
const CORNERS = [
  "*", "**", "***", "_", "__", "`", "``", "```", "[", "]", "(", ")", "](", "[d](<x>)", "[e](x \"t\")", "[f]", "[g][h]", "[]",
  "[i]()", "http://x.example", "https://y.example/p", "www.a.example", "WWW.b.c", "a@b.c", "&amp;", "&", "<", "<b>", "\\",
  "\\*", "!", "![i](x.png)", ":", "/", "  ", " ", "\t", "#", "|", "~", "~~", "\u00a0", "\u3000", "\r", "\0", "`` h ` ``",
  "` i `", "`j", "*k", "l*", "*m**", "**n*", "***o***", "*p*q", "r*s*", "* y", "** z", "ä*b*", "*ü*", "1.", "2)", "[x]", "[ ]",
];
const LINE_STARTS = [
  "", "", "", "", "# ", "## ", "###### ", "####### ", "#", "- ", "- ", "- [ ] ", "- [x] ", "- [X] ", "- [x]", "-", "* ", "+ ",
  "1. ", "2. ", "10. ", "01. ", "0. ", "1) ", "> ", ">", "    ", " ", "  ", "\t", "---", "===", "***", "___", "| ",
  "[a]: http://x ", "<div>", "1234567890. ", "> > ", ":--|", "|--|",
];
const FENCES = ["```", "```", "````", "```sql", "```js x", "```c++", "```a`b", "~~~"];
const FENCE_LINES = ["", "  indented", "<b>&amp;", "```x", "\ttab", "``", "~~~", " ```", "   ```"];
const CLOSERS = ["```", "```", "````", "``` ", " ```", "`````"];

function generator(seed: number, cornerRate: number) {
  const { next, pick } = random(seed);
  const inline = () => {
    let s = "";
    const k = 1 + Math.floor(next() * 8);
    for (let i = 0; i < k; i++) {
      const r = next();
      s += (i > 0 && next() < 0.8 ? " " : "") + (r < cornerRate ? pick(CORNERS) : r < 0.35 ? pick(TAKEN) : pick(WORDS));
    }
    return s;
  };
  const fence = () => {
    const lines = [pick(FENCES)];
    const k = Math.floor(next() * 4);
    for (let i = 0; i < k; i++) lines.push(next() < 0.2 ? pick(FENCE_LINES) : inline());
    if (next() < 0.9) lines.push(pick(CLOSERS));
    return lines.join("\n");
  };
  /** A block the lite path knows, more or less well-formed. */
  const block = () => {
    const r = next();
    const k = 1 + Math.floor(next() * 3);
    const lines: string[] = [];
    if (r < 0.3) for (let i = 0; i < k; i++) lines.push(inline());
    else if (r < 0.45) lines.push(pick(["# ", "## ", "### ", "###### "]) + inline());
    else if (r < 0.65) {
      const kind = pick(["- ", "- [ ] ", "- [x] ", "1. ", "7. ", "- [X] "]);
      for (let i = 0; i <= k; i++) {
        lines.push((/\d/.test(kind) ? `${Number.parseInt(kind) + i}. ` : pick([kind, kind, "- ", "- [ ] "])) + inline());
      }
    } else if (r < 0.78) for (let i = 0; i < k; i++) lines.push(`> ${inline()}`);
    else if (r < 0.9) return fence();
    else for (let i = 0; i < k; i++) lines.push(pick(LINE_STARTS) + inline() + (next() < 0.1 ? pick([" ", "  ", " #", "\\", "\t"]) : ""));
    return lines.join("\n");
  };
  return () => {
    let md = "";
    const k = 1 + Math.floor(next() * 4);
    for (let i = 0; i < k; i++) md += (i > 0 ? pick(["\n", "\n\n", "\n\n", "\n\n\n"]) : "") + block();
    return next() < 0.5 ? `${md}\n` : md;
  };
}

describe("renderMarkdownLite", () => {
  it.each([[1, 0.05], [2, 0.15], [3, 0.3]])("gives the fast path's HTML for every document it takes (seed %i, corners %f)", (seed, rate) => {
    const make = generator(seed, rate);
    let taken = 0;
    const wrong: string[] = [];
    for (let d = 0; d < 12_000; d++) {
      const md = make();
      const lite = renderMarkdownLite(md);
      if (lite === null) continue;
      taken++;
      if (lite !== viaMarked(md) && wrong.length < 5) wrong.push(md);
    }
    expect(wrong).toEqual([]);
    // The comparison means something only when many documents were taken.
    expect(taken).toBeGreaterThan(300);
  });

  const report = [
    "# Model revenue `orders` table", "", "Model rows *trend* percentile. See [the audit dashboard](https://dash.example/d/x?run=1) for details.", "",
    "## Highlights", "", "- Validation **cohort** downstream.", "- Threshold *cohort* feature.", "", "1. **threshold**: 43,627 (-27 %)",
    "2. **spend**: 5,885 (10 %)", "", "## Checks", "", "- [x] schema check", "- [ ] row count check", "", "```sql",
    "SELECT region, SUM(amount) AS total", "FROM t WHERE a >= '2026-07-01' AND b < 3;", "```", "", "> Percentile ledger flow run drift.", "",
    "Signup check `region_25` report.\nA second line, and a third.", "",
  ].join("\n");

  it("takes a typical report and renders it as marked does", () => {
    const lite = renderMarkdownLite(report);
    expect(lite).not.toBeNull();
    expect(lite).toBe(viaMarked(report));
    expect(lite).toContain('<a href="https://dash.example/d/x?run=1" rel="noopener noreferrer">the audit dashboard</a>');
    expect(lite).toContain('<pre><code class="language-sql">SELECT region, SUM(amount) AS total\nFROM t WHERE a &gt;= &#39;2026-07-01&#39; AND b &lt; 3;\n</code></pre>');
    expect(lite).toContain('<li><input checked="" disabled="" type="checkbox" aria-label="done"> schema check</li>');
    expect(lite).toContain("<ol>\n<li><strong>threshold</strong>: 43,627 (-27 %)</li>");
  });

  it.each([
    ["indented code", "    code"], ["a lazy continuation line", "- item\ntext"], ["a loose list", "- a\n\n- b"],
    ["raw HTML", "a <b>b</b>"], ["an entity", "a &amp; b"], ["a backslash escape", "a \\* b"], ["a www autolink", "see www.x.example"],
    ["a URL autolink", "see https://x.example"], ["an email autolink", "mail a@b.example"], ["underscores", "a _b_ c"],
    ["strikethrough", "a ~~b~~"], ["an image", "![a](b.png)"], ["a run that opens and closes", "a*b*c"], ["a triple run", "***a***"],
    ["a reference definition", "[a]\n\n[a]: https://x.example"], ["a setext heading", "Title\n==="], ["a table", "a | b\n--|--\n1 | 2"],
    ["a tab", "a\tb"], ["a no-break space", "a\u00a0b"], ["a carriage return", "a\r\nb"], ["an indented closing fence", "```\nx\n  ```"],
    ["an unclosed fence", "```\nx"], ["a hard break", "a  \nb"], ["an unmatched emphasis", "*a b"], ["a closing heading sequence", "# a #"],
    ["a nested list", "- a\n  - b"], ["a thematic break", "a\n\n---"], ["a link with a title", '[a](b "t")'], ["a reference link", "[a][b]"],
    ["a code span with spaces inside", "` a `"], ["a mismatched nesting", "*a **b* c**"], ["a second blockquote level", "> > a"],
  ])("gives up on %s", (_what, md) => {
    expect(renderMarkdownLite(md)).toBeNull();
    // And renderMarkdown still renders it (through marked).
    expect(renderMarkdown(md)).toBe(viaMarked(md) ?? sanitizeHtml(marked.parse(md) as string));
  });

  it("keeps links to refused URLs inert, as the fast path does", () => {
    const md = "[x](javascript:alert%281%29) [y](vbscript:z) [z](data:text/html,a) [w](JaVaScRiPt:x)";
    const lite = renderMarkdownLite(md);
    expect(lite).toBe(viaMarked(md));
    expect(lite).not.toMatch(/href/);
  });

  it("gives the fast path's HTML, or gives up, on every XSS payload", () => {
    for (const payload of XSS_PAYLOADS) {
      const lite = renderMarkdownLite(payload);
      if (lite !== null) expect(lite).toBe(viaMarked(payload));
    }
  });
});

describe("renderMarkdownLite: found by review", () => {
  it.each([
    "*[a](`)``*``a`a`*", "[a](`)``a`a``*a*``a``", "[a](`) **`\\`** `a`", "*a *[a](`)``*``* `a`*",
  ])("gives up on a backtick in a link destination (marked pairs it with a later one): %j", (md) => {
    expect(renderMarkdownLite(md)).toBeNull();
  });

  it("renders many emphasis pairs in linear time", () => {
    // Each closer used to copy all the HTML before it: 40,000 pairs took ~9 s, so this test's timeout catches it.
    const md = `*${"a **b** ".repeat(40_000)}c*`;
    const html = renderMarkdownLite(md);
    expect(html).toBe(viaMarked(md));
    expect(html!.match(/<strong>/g)).toHaveLength(40_000);
  });
});

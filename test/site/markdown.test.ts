import { JSDOM } from "jsdom";
import { Marked } from "marked";
import { describe, expect, it } from "vitest";
import { MarkdownError } from "../../src/errors.js";
import { renderTokensSafely } from "../../src/site/markdown-fast.js";
import { MAX_HTML_NESTING, MAX_NESTING, renderInlineMarkdown, renderMarkdown } from "../../src/site/markdown.js";
import { isSafeUrl, sanitizeHtml } from "../../src/site/sanitize.js";
import { findExecutable } from "../xss/check.js";
import { XSS_PAYLOADS } from "../xss/payloads.js";

const window = new JSDOM("").window;
function fragment(html: string): DocumentFragment {
  const template = window.document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

/** A DOM dump that ignores attribute order, to compare what two HTML strings build. */
function canonical(html: string): string {
  const walk = (node: Node): string => {
    if (node.nodeType === 3) return JSON.stringify(node.nodeValue);
    if (node.nodeType !== 1) return "";
    const el = node as Element;
    const attrs = Array.from(el.attributes).map((a) => ` ${a.name}=${JSON.stringify(a.value)}`).sort().join("");
    return `<${el.localName}${attrs}>${Array.from(el.childNodes).map(walk).join("")}</${el.localName}>`;
  };
  return Array.from(fragment(html).childNodes).map(walk).join("");
}

/** The properties every sanitized output must have, beyond "nothing executes". */
function policyProblems(html: string): string[] {
  const problems = findExecutable(html, { allowPageHead: false, allowDataBlocks: false });
  if (/<(script|style|iframe|object|embed|svg|math|form|button|select|textarea|meta|link|base|noscript|template)\b/i.test(html)) {
    problems.push("a forbidden tag in the serialized output");
  }
  for (const el of Array.from(fragment(html).querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name;
      if (["id", "name", "style", "target", "srcset"].includes(name) || name.startsWith("on") || name.startsWith("data-")) {
        problems.push(`<${el.localName}> keeps ${name}`);
      }
      if (name === "class" && !(el.localName === "code" && /^language-/.test(attr.value))) {
        problems.push(`<${el.localName}> keeps class ${attr.value}`);
      }
      if ((name === "href" || name === "src") && (!isSafeUrl(attr.value) || /^\s*data:/i.test(attr.value))) {
        problems.push(`<${el.localName}> keeps ${name}=${JSON.stringify(attr.value)}`);
      }
    }
    if (el.localName === "a" && el.hasAttribute("href") && el.getAttribute("rel") !== "noopener noreferrer") {
      problems.push("a link without rel=noopener noreferrer");
    }
    if (el.localName === "input" && (el.getAttribute("type") !== "checkbox" || !el.hasAttribute("disabled"))) {
      problems.push("an input that is not a disabled checkbox");
    }
  }
  return problems;
}

describe("renderMarkdown: GitHub-flavoured Markdown", () => {
  it("renders tables with alignment", () => {
    const html = renderMarkdown("| name | n |\n|:--|--:|\n| a | 1 |\n");
    expect(html).toContain("<table>");
    expect(html).toContain("<th align=\"left\">name</th>");
    expect(html).toMatch(/<td align="right">1<\/td>/);
  });

  it("renders fenced code with its language class, escaped", () => {
    const html = renderMarkdown("```ts\nconst a = 1 < 2 && '<b>';\n```\n");
    expect(html).toContain('<pre><code class="language-ts">');
    expect(fragment(html).querySelector("code")!.textContent).toBe("const a = 1 < 2 && '<b>';\n");
    expect(html).not.toContain("<b>");
  });

  it("renders task lists with disabled checkboxes", () => {
    const html = renderMarkdown("- [x] done\n- [ ] todo\n");
    const inputs = Array.from(fragment(html).querySelectorAll("input"));
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input.getAttribute("type")).toBe("checkbox");
      expect(input.hasAttribute("disabled")).toBe(true);
    }
    expect(inputs[0]!.hasAttribute("checked")).toBe(true);
    expect(inputs[1]!.hasAttribute("checked")).toBe(false);
  });

  it("keeps <details>/<summary>, strikethrough and autolinks", () => {
    const html = renderMarkdown("<details open><summary>More</summary>\n\nHidden *text*\n\n</details>\n\n~~old~~ see https://example.com/x?a=1\n");
    expect(html).toContain("<details open=\"\"><summary>More</summary>");
    expect(html).toContain("<em>text</em>");
    expect(html).toContain("<del>old</del>");
    expect(html).toContain('<a href="https://example.com/x?a=1" rel="noopener noreferrer">https://example.com/x?a=1</a>');
  });

  it("gives every link rel=noopener noreferrer and drops target", () => {
    const html = renderMarkdown('[a](https://a.example) [b](mailto:x@y.z) [c](docs/page.html#s) <a href="https://b.example" target="_blank">d</a>');
    const links = Array.from(fragment(html).querySelectorAll("a"));
    expect(links.map((a) => a.getAttribute("href"))).toEqual([
      "https://a.example", "mailto:x@y.z", "docs/page.html#s", "https://b.example",
    ]);
    for (const a of links) {
      expect(a.getAttribute("rel")).toBe("noopener noreferrer");
      expect(a.hasAttribute("target")).toBe(false);
    }
  });

  it("lazy-loads external images and keeps relative ones as written", () => {
    const html = renderMarkdown("![chart](https://img.example/c.png) ![local](images/a.png)");
    const [external, local] = Array.from(fragment(html).querySelectorAll("img"));
    expect(external!.getAttribute("loading")).toBe("lazy");
    expect(external!.getAttribute("alt")).toBe("chart");
    expect(local!.getAttribute("src")).toBe("images/a.png");
    expect(local!.hasAttribute("loading")).toBe(false);
  });

  it("drops data:, javascript: and protocol-relative URLs but keeps the text", () => {
    const html = renderMarkdown("[x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) [z](//evil.example/)");
    expect(html).not.toMatch(/href|src=/);
    expect(fragment(html).textContent).toContain("x");
  });

  it("strips ids and names that could clobber DOM globals", () => {
    const html = renderMarkdown('<img name="getElementById" src="a.png"><a id="location" href="https://x.example">x</a>');
    expect(html).not.toMatch(/\s(id|name)=/);
  });
});

describe("renderInlineMarkdown", () => {
  it("renders inline Markdown without paragraph wrappers", () => {
    const html = renderInlineMarkdown("Weekly **sales** for [EMEA](https://e.example)");
    expect(html).toBe('Weekly <strong>sales</strong> for <a href="https://e.example" rel="noopener noreferrer">EMEA</a>');
  });

  it("unwraps paragraphs and headings, joined by a space", () => {
    expect(renderInlineMarkdown("## Weekly *report*\n\none\n\ntwo")).toBe("Weekly <em>report</em> one two");
    expect(renderInlineMarkdown("## Weekly *report*\n\none <b>b</b>")).toBe("Weekly <em>report</em> one <b>b</b>");
  });
});

describe("XSS corpus", () => {
  it("has at least 40 payloads", () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(XSS_PAYLOADS.map((p, i) => [i, p] as const))("payload %i is inert after renderMarkdown", (_i, payload) => {
    const html = renderMarkdown(payload);
    expect(policyProblems(html)).toEqual([]);
    // Also wrapped in the constructs a Markdown author could hide it in.
    for (const wrapped of [`> ${payload}`, `- ${payload}`, `| a |\n|---|\n| ${payload} |`, `**${payload}**`]) {
      expect(policyProblems(renderMarkdown(wrapped))).toEqual([]);
    }
  });

  it.each(XSS_PAYLOADS.map((p, i) => [i, p] as const))("payload %i is inert after renderInlineMarkdown", (_i, payload) => {
    expect(policyProblems(renderInlineMarkdown(payload))).toEqual([]);
  });

  it.each(XSS_PAYLOADS.map((p, i) => [i, p] as const))("payload %i is inert on the sanitizer path too", (_i, payload) => {
    expect(policyProblems(renderMarkdown(payload, { path: "sanitizer" }))).toEqual([]);
    expect(policyProblems(renderInlineMarkdown(payload, { path: "sanitizer" }))).toEqual([]);
  });

  it("leaves template-engine syntax as inert text", () => {
    const html = renderMarkdown("<%= it.x %> {{constructor}}");
    expect(html).toContain("&lt;%= it.x %&gt;");
    expect(html).toContain("{{constructor}}");
  });
});

describe("the fast path (Markdown without raw HTML skips jsdom)", () => {
  const lexer = new Marked({ gfm: true });
  const samples = [
    ...XSS_PAYLOADS,
    "a \\<b\\> \\& &amp; &lt; &#60; & x &copy; &#0; &bogus;",
    '[a &amp; b](https://x.example?a=1&b=2 "t&quot;") <https://a.example?x=1&y=2> www.x.example a@b.example',
    '![alt *em* `c`](https://i.example/a.png "T") ![rel](a%20b.png) [rel](a b.html)',
    "1. a\n2. b\n\n5) c\n6) d",
    "- a\n\n  b\n- [ ] c\n\n  more",
    "| a | b |\n|:-:|--|\n| `c` | **d** |\n| e |",
    "# h1 #\nSetext\n===\n\n    indented <code>\n\n```\nx<y\n```\n---\n> q\n> > qq",
    "line  \nbreak\\\nx ~~del~~ ~one~ `a<b`",
    "[ref]\n\n[ref]: https://x.example 'T'",
    "\u0000 \ud800 text \u202e",
  ];

  it("is taken for plain Markdown and refused for raw HTML or entities in URLs", () => {
    expect(renderTokensSafely(lexer.lexer("# T\n\n- [x] a [l](https://x.example)\n"), false)).not.toBeNull();
    expect(renderTokensSafely(lexer.lexer("a <b>bold</b>"), false)).toBeNull();
    expect(renderTokensSafely(lexer.lexer("<details>\n\nx\n</details>"), false)).toBeNull();
    expect(renderTokensSafely(lexer.lexer("[x](javascript&colon;alert(1))"), false)).toBeNull();
  });

  it.each(samples.map((s, i) => [i, s] as const))("sample %i: the same DOM as the sanitizer path, and a sanitizer fixpoint", (_i, markdown) => {
    for (const render of [renderMarkdown, renderInlineMarkdown]) {
      const auto = render(markdown);
      expect(canonical(auto)).toBe(canonical(render(markdown, { path: "sanitizer" })));
      // Sanitizing the fast path's output must change nothing: it never emits what the sanitizer would remove.
      expect(canonical(sanitizeHtml(auto))).toBe(canonical(auto));
    }
  });
});

describe("pathological nesting", () => {
  const cases: Record<string, string> = {
    "2,000 blockquote markers": `${">".repeat(2000)} deep`,
    "2,000 spaced blockquote markers": `${"> ".repeat(2000)}deep`,
    "2,000 nested list items": Array.from({ length: 2000 }, (_, i) => `${"  ".repeat(i)}- item`).join("\n"),
    "2,000 list markers on one line": `${"- ".repeat(2000)}x`,
    "2,000 ordered markers on one line": `${"1. ".repeat(2000)}x`,
    "2,000 nested quotes and lists": `${"> - ".repeat(1000)}x`,
  };
  for (const [name, markdown] of Object.entries(cases)) {
    it(`refuses ${name} with a MarkdownError`, () => {
      expect(() => renderMarkdown(markdown)).toThrow(MarkdownError);
      expect(() => renderMarkdown(markdown)).toThrow(/nested \d+ levels deep on line \d+/);
      expect(() => renderInlineMarkdown(markdown)).toThrow(MarkdownError);
    });
  }

  it("renders 2,000 nested brackets, emphasis and raw HTML safely or refuses them", () => {
    for (const markdown of [
      `${"[".repeat(2000)}x${"]".repeat(2000)}`,
      `${"[a".repeat(2000)}${"](b)".repeat(2000)}`,
      `${"*".repeat(2000)}x${"*".repeat(2000)}`,
      `${"_".repeat(2000)}x${"_".repeat(2000)}`,
      `${"<div>".repeat(2000)}x${"</div>".repeat(2000)}`,
      `${"<details><summary>s</summary>".repeat(2000)}x`,
    ]) {
      let html: string;
      try {
        html = renderMarkdown(markdown);
      } catch (error) {
        expect(error).toBeInstanceOf(MarkdownError);
        continue;
      }
      expect(policyProblems(html)).toEqual([]);
    }
  });

  it(`refuses raw HTML nested over ${MAX_HTML_NESTING} deep before it reaches jsdom`, () => {
    for (const markdown of ["<details><summary>s</summary>".repeat(2000), "<b>".repeat(2000), "<div>".repeat(MAX_HTML_NESTING + 1)]) {
      expect(() => renderMarkdown(markdown)).toThrow(/HTML nested over \d+ elements deep/);
    }
    expect(renderMarkdown(`${"<div>".repeat(MAX_HTML_NESTING)}x`)).toContain("x");
    expect(renderMarkdown(`${"<p>".repeat(2000)}x`)).toContain("x");
  });

  it(`accepts nesting up to ${MAX_NESTING} levels`, () => {
    const list = Array.from({ length: MAX_NESTING }, (_, i) => `${"  ".repeat(i)}- level ${i}`).join("\n");
    expect(renderMarkdown(list).match(/<li>/g)).toHaveLength(MAX_NESTING);
    expect(renderMarkdown(`${">".repeat(MAX_NESTING)} q`).match(/<blockquote>/g)).toHaveLength(MAX_NESTING);
  });
});

describe("findExecutable catches known-bad HTML", () => {
  const bad: Record<string, string> = {
    "inline script": "<script>alert(1)</script>",
    "foreign script": '<script src="https://evil.example/x.js"></script>',
    "event handler": "<img src=x onerror=alert(1)>",
    "javascript: link": '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    "data: image": '<img src="data:image/png;base64,AAAA">',
    "vbscript: link": '<a href="VBScript:msgbox(1)">x</a>',
    "srcset": '<img srcset="a.png 1x, javascript:alert(1) 2x">',
    "iframe": '<iframe src="https://x.example"></iframe>',
    "srcdoc": '<div srcdoc="x"></div>',
    "object": '<object data="x.swf"></object>',
    "embed": '<embed src="x">',
    "base": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "form": '<form action="https://evil.example"></form>',
    "text input": "<input>",
    "enabled checkbox": '<input type="checkbox">',
    "button formaction": '<button formaction="javascript:alert(1)">x</button>',
    "style attribute": '<p style="color:red">x</p>',
    "style element": "<style>body{}</style>",
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg animate": '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    "template content": "<template><img src=x onerror=alert(1)></template>",
    "noscript": "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "module script": '<script type="module">alert(1)</script>',
    "script of a JavaScript type": '<script type="application/javascript">alert(1)</script>',
    "data block type with other case": '<script type="Application/JSON">alert(1)</script>',
    "data block with src": '<script type="application/json" src="https://evil.example/x.js"></script>',
    "data block that is not JSON": '<script type="application/json">alert(1)</script>',
    "data block with raw markup": '<script type="application/json">["<!--<script>"]</script>',
    "data block ended early": '<script type="application/json">["</script><script>alert(1)</script>"]</script>',
    "data block with an event handler": '<script type="application/json" onload="alert(1)">[]</script>',
  };
  for (const [name, html] of Object.entries(bad)) {
    it(`flags ${name}`, () => {
      expect(findExecutable(html)).not.toEqual([]);
    });
  }

  it("accepts a whole page with the site's own scripts, styles and CSP", () => {
    const page = `<!doctype html><html><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'">
      <link rel="stylesheet" href="../assets/site.css"><script src="../../assets/site.js" defer></script></head>
      <body><a href="../index.html">Home</a><input type="checkbox" disabled checked></body></html>`;
    expect(findExecutable(page)).toEqual([]);
    expect(findExecutable(page, { allowScriptSrc: /^never$/ })).toHaveLength(1);
  });

  it("accepts a JSON data block (a script no browser runs) unless told not to", () => {
    const block = '<script type="application/json" id="table-data-1" class="table-data">{"rows":[["\\u003c/script\\u003e"]]}</script>';
    expect(findExecutable(block)).toEqual([]);
    expect(findExecutable(block, { allowDataBlocks: false })).toHaveLength(1);
  });
});

describe("isSafeUrl", () => {
  it.each([
    "https://a.example/x", "http://a.example", "mailto:a@b.c", "page.html", "../x/y.html#z", "#top", "?q=1", "/root",
  ])("allows %s", (url) => expect(isSafeUrl(url)).toBe(true));
  it.each([
    "javascript:alert(1)", "JAVASCRIPT:x", " javascript:x", "java\tscript:x", "java\u0000script:x", "\u0001javascript:x",
    "data:text/html,x", "vbscript:x", "file:///etc/passwd", "//evil.example", "\\\\evil.example", "/\\evil.example",
    "ftp://x", "blob:https://x", "https:",
  ])("refuses %j", (url) => expect(isSafeUrl(url)).toBe(false));
});

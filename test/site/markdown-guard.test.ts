/** The emphasis guard: Markdown that marked would match in quadratic time is refused up front, real prose is not. */
import { describe, expect, it } from "vitest";
import { MarkdownError } from "../../src/errors.js";
import { renderInlineMarkdown, renderMarkdown } from "../../src/site/markdown.js";
import { MAX_EMPHASIS_PER_BLOCK, MAX_EMPHASIS_PER_DOCUMENT, checkEmphasis } from "../../src/site/markdown-guard.js";

describe("checkEmphasis", () => {
  it("refuses the inputs that stalled the parser for minutes", () => {
    for (const md of ["*a".repeat(400_000), "_a".repeat(100_000), "**a".repeat(50_000)]) {
      expect(() => renderMarkdown(md)).toThrow(MarkdownError);
      expect(() => renderInlineMarkdown(md)).toThrow(/emphasis markers/);
    }
  });

  it("counts per paragraph and per document", () => {
    const paragraph = "*a* ".repeat(MAX_EMPHASIS_PER_BLOCK / 2 - 10);
    expect(() => checkEmphasis(paragraph)).not.toThrow();
    expect(() => checkEmphasis(`${paragraph}\n*b* *c* *d* *e* *f* *g* *h* *i* *j* *k* *l*`)).toThrow(/in one paragraph/);
    // Paragraphs separated by blank lines each get their own budget, up to the document's.
    const many = Array.from({ length: MAX_EMPHASIS_PER_DOCUMENT / MAX_EMPHASIS_PER_BLOCK }, () => paragraph).join("\n\n");
    expect(() => checkEmphasis(many)).not.toThrow();
    expect(() => checkEmphasis(`${many}\n\n${paragraph}`)).toThrow(/over 50000 emphasis markers/);
  });

  it("does not count fenced code, and leaves real documents alone", () => {
    const code = "```c\n" + "int *p = *q;\n".repeat(3_000) + "```\n";
    expect(() => checkEmphasis(code)).not.toThrow();
    expect(renderMarkdown(`${code}\nSome **bold** and _italic_ text.`)).toContain("<strong>bold</strong>");
  });
});

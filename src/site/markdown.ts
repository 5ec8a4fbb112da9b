/**
 * Markdown → safe HTML: a guard against pathological nesting, GitHub-flavoured Markdown through a private marked
 * instance, then the sanitizer. The HTML returned can be put in a page as-is.
 */
import { Marked } from "marked";
import { MarkdownError } from "../errors.js";
import { sanitizeHtml } from "./sanitize.js";

export { MarkdownError };

/**
 * Deepest nesting of block containers (blockquotes, list items) accepted: marked recurses once per level, and its
 * cost grows with depth cubed for indented lists (2,000 levels: 40 s, then a stack overflow).
 */
export const MAX_NESTING = 64;

// A private instance: plugins or options set on the global `marked` by anyone else never reach us.
const marked = new Marked({ gfm: true, breaks: false, async: false });

/** GitHub-flavoured Markdown → sanitized HTML safe to put in a page as-is. Throws MarkdownError for pathological input. */
export function renderMarkdown(markdown: string): string {
  checkNesting(markdown);
  return sanitizeHtml(parse(() => marked.parse(markdown) as string));
}

/** Markdown rendered for inline spots (a description in a list row): same sanitizing, no block wrappers. */
export function renderInlineMarkdown(markdown: string): string {
  checkNesting(markdown);
  return sanitizeHtml(parse(() => marked.parseInline(markdown) as string));
}

function parse(run: () => string): string {
  try {
    return run();
  } catch (error) {
    // marked wraps a stack overflow in its own Error with a "Please report" message; either way it is the input.
    if (error instanceof RangeError || (error instanceof Error && /call stack/i.test(error.message))) {
      throw new MarkdownError("Markdown is nested too deeply to render (the parser ran out of stack)", { cause: error });
    }
    throw new MarkdownError(`Markdown could not be rendered: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * A cheap line scan bounding how deep block containers can nest: on each line, the `>` and list markers at its
 * start plus half its indentation (each nested list level indents at least two columns).
 */
export function checkNesting(markdown: string): void {
  let lineNo = 0;
  let start = 0;
  const length = markdown.length;
  while (start <= length) {
    let end = markdown.indexOf("\n", start);
    if (end === -1) end = length;
    lineNo++;
    const depth = lineDepth(markdown, start, end);
    if (depth > MAX_NESTING) {
      throw new MarkdownError(
        `Markdown is nested ${depth} levels deep on line ${lineNo} (at most ${MAX_NESTING} levels of blockquotes and lists)`,
      );
    }
    start = end + 1;
  }
}

/** Container depth of one line: markers counted plus indentation / 2, when the line opens a container. */
function lineDepth(text: string, start: number, end: number): number {
  let markers = 0;
  let columns = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      columns++;
      i++;
    } else if (c === 0x09) {
      columns += 4 - (columns % 4);
      i++;
    } else if (c === 0x3e /* > */) {
      markers++;
      i++;
    } else if ((c === 0x2d || c === 0x2a || c === 0x2b) /* - * + */ && isSpaceOrEnd(text, i + 1, end)) {
      markers++;
      i++;
    } else if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < end && j - i < 9 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const d = text.charCodeAt(j);
      if ((d === 0x2e || d === 0x29) /* . ) */ && isSpaceOrEnd(text, j + 1, end)) {
        markers++;
        i = j + 1;
      } else break;
    } else break;
  }
  // Indentation only nests when a container opens on the line; plain indented text is a code block or a continuation.
  return markers === 0 ? 0 : markers + Math.floor(columns / 2);
}

function isSpaceOrEnd(text: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = text.charCodeAt(i);
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

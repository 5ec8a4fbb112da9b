/**
 * Guards against pathological Markdown, run before the parser and before the sanitizer: both recurse or slow down
 * with nesting depth, so a cheap scan refuses what would crash the process or stall the build.
 */
import { MarkdownError } from "../errors.js";

/**
 * Deepest nesting of block containers (blockquotes, list items) accepted: marked recurses once per level, and its
 * cost grows with depth cubed for indented lists (2,000 levels: 40 s, then a stack overflow).
 */
export const MAX_NESTING = 64;

/**
 * Deepest nesting of HTML elements handed to the sanitizer: jsdom's parser slows down with depth (2,000 nested
 * `<details>` take seconds), while real documents rarely nest 30 deep.
 */
export const MAX_HTML_NESTING = 256;

// Elements that never nest (void) or that the parser closes implicitly when a sibling opens: not counted.
const NOT_NESTING = new Set([
  "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
  "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot", "option", "optgroup", "rb", "rt",
  "rp", "rtc", "colgroup", "caption",
]);
const TAG_NAME_RE = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/;

/**
 * Returns `html` unchanged, or throws MarkdownError when its tags nest deeper than MAX_HTML_NESTING. A linear scan
 * from each `<` to the next `>` (an approximation of the HTML tokenizer, good enough to count depth).
 */
export function checkHtmlNesting(html: string): string {
  let depth = 0;
  let at = html.indexOf("<");
  while (at !== -1) {
    const end = html.indexOf(">", at + 1);
    if (end === -1) break;
    const m = TAG_NAME_RE.exec(html.slice(at, Math.min(end + 1, at + 64)));
    if (m && !NOT_NESTING.has(m[2]!.toLowerCase()) && html.charCodeAt(end - 1) !== 0x2f /* self-closing */) {
      if (m[1] === "/") {
        if (depth > 0) depth--;
      } else if (++depth > MAX_HTML_NESTING) {
        throw new MarkdownError(`Markdown holds HTML nested over ${MAX_HTML_NESTING} elements deep`);
      }
    }
    at = html.indexOf("<", m ? end + 1 : at + 1);
  }
  return html;
}

/**
 * A cheap line scan bounding how deep block containers can nest: on each line, the `>` and list markers at its
 * start plus half its indentation (each nested list level indents at least two columns).
 */
export function checkNesting(markdown: string): void {
  forEachLine(markdown, nestingCheck(markdown));
}

/** Both guards in one pass over the lines: what the renderer runs before the parser. */
export function guardMarkdown(markdown: string): void {
  const nesting = nestingCheck(markdown);
  const emphasis = emphasisCheck(markdown);
  forEachLine(markdown, (start, end, lineNo) => {
    nesting(start, end, lineNo);
    emphasis(start, end, lineNo);
  });
}

type LineVisitor = (start: number, end: number, lineNo: number) => void;

/** Calls `visit` with the bounds of each line (without its newline) and its 1-based number. */
function forEachLine(text: string, visit: LineVisitor): void {
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    visit(start, end, ++lineNo);
    start = end + 1;
  }
}

function nestingCheck(markdown: string): LineVisitor {
  return (start, end, lineNo) => {
    const depth = lineDepth(markdown, start, end);
    if (depth > MAX_NESTING) {
      throw new MarkdownError(
        `Markdown is nested ${depth} levels deep on line ${lineNo} (at most ${MAX_NESTING} levels of blockquotes and lists)`,
      );
    }
  };
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

/**
 * Most `*` and `_` delimiters accepted in one block (text between blank lines) and in a whole document: marked
 * matches emphasis delimiters against each other in quadratic time (800 KB of `*a` takes over a minute), while
 * real prose uses a few dozen per paragraph. Fenced code is not counted.
 */
export const MAX_EMPHASIS_PER_BLOCK = 5_000;
export const MAX_EMPHASIS_PER_DOCUMENT = 50_000;

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})/;

/** Throws MarkdownError when the Markdown holds more emphasis delimiters than the parser can match quickly. */
export function checkEmphasis(markdown: string): void {
  forEachLine(markdown, emphasisCheck(markdown));
}

function emphasisCheck(markdown: string): LineVisitor {
  let inBlock = 0;
  let inDocument = 0;
  let fence: string | null = null;
  return (start, end, lineNo) => {
    const line = markdown.slice(start, end);
    const opener = FENCE_RE.exec(line);
    if (fence !== null) {
      if (opener && opener[1]![0] === fence[0] && opener[1]!.length >= fence.length) fence = null;
    } else if (opener) {
      fence = opener[1]!;
    } else if (line.trim() === "") {
      inBlock = 0;
    } else {
      let count = 0;
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === 0x2a /* * */ || c === 0x5f /* _ */) count++;
      }
      inBlock += count;
      inDocument += count;
      if (inBlock > MAX_EMPHASIS_PER_BLOCK || inDocument > MAX_EMPHASIS_PER_DOCUMENT) {
        throw new MarkdownError(
          `Markdown holds over ${inBlock > MAX_EMPHASIS_PER_BLOCK ? `${MAX_EMPHASIS_PER_BLOCK} emphasis markers (* or _) in one paragraph` : `${MAX_EMPHASIS_PER_DOCUMENT} emphasis markers (* or _)`} (line ${lineNo}); too slow to parse`,
        );
      }
    }
  };
}

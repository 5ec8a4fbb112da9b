/**
 * The lite path: plain Markdown → HTML in one pass, without marked's lexer (most of what rendering Markdown costs:
 * ~0.8 s of CPU in the 10,000-artifact build).
 *
 * It knows the Markdown reports are mostly made of: ATX headings, paragraphs, tight bullet, ordered and task lists,
 * fenced code, one-paragraph blockquotes; `*emphasis*`, `**strong**`, code spans and inline links. For those it
 * gives exactly the HTML the fast path (markdown-fast.ts) makes of marked's tokens — a differential test holds it to
 * that over generated documents — so it is safe by the same construction: every string escaped, every URL through
 * `safeUrl`. As soon as a document holds anything else, or anything whose reading leans on CommonMark's finer rules
 * (indentation, lazy continuation lines, loose lists, raw HTML, entities, backslash escapes, autolinks, underscores,
 * tildes, images, delimiter runs that could both open and close), it returns null and the caller lexes with marked.
 */
import { escapeAll, escapeText, safeUrl, CODE_LANG_RE } from "./markdown-fast.js";

/** Thrown (one shared instance, no stack taken) to give up; never escapes this module. */
const GIVE_UP = Object.freeze({ giveUp: true });

/**
 * Characters that refuse a whole document wherever they are: control characters but tab and newline (marked
 * normalizes or replaces some), Unicode spaces (trimmed by marked's `trim()` calls, unlike ASCII text), and `]:`,
 * which could make a link reference definition.
 */
const REFUSED_RE = /[\0-\x08\x0b-\x1f\x7f\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|\]:/;

/** Markdown → HTML, or null when the document is outside what this path knows (see the module comment). */
export function renderMarkdownLite(markdown: string): string | null {
  if (REFUSED_RE.test(markdown)) return null;
  try {
    return renderBlocks(markdown);
  } catch (error) {
    if (error === GIVE_UP) return null;
    throw error;
  }
}

const SPACE = 0x20, NL = 0x0a, HASH = 0x23, STAR = 0x2a, DASH = 0x2d, DOT = 0x2e, GT = 0x3e, TICK = 0x60, LBRACKET = 0x5b;

function giveUp(): never {
  throw GIVE_UP;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The end of the line starting at `at` (the index of its newline, or the text's length). */
function lineEnd(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end === -1 ? text.length : end;
}

/** ASCII characters that start no block construct (`[` would, in `[label]: url`: see REFUSED_RE). */
const TEXT_START = new Uint8Array(128);
for (const c of "[\"'()?$^.,;%/{}!&@\\") TEXT_START[c.charCodeAt(0)] = 1;

/**
 * True when the line from `at` to `end` can only be paragraph text, both as a paragraph's first line and as its
 * continuation: it starts with a letter, a non-ASCII character, a digit not followed by a list marker's `.` or `)`,
 * punctuation that opens no block (TEXT_START), `#` before a word, a code span's backtick (not a fence) or an emphasis
 * run (not a list marker or a rule). It must not end with a space (a hard break).
 */
function isTextLine(text: string, at: number, end: number): boolean {
  if (at >= end || text.charCodeAt(end - 1) === SPACE) return false;
  const c = text.charCodeAt(at);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c >= 0x80) return true;
  if (isDigit(c)) {
    let i = at + 1;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    const d = text.charCodeAt(i);
    return d !== DOT && d !== 0x29;
  }
  if (c < 0x80 && TEXT_START[c] === 1) return true;
  if (c === HASH) {
    // `#word` is text; `# ` or `#` alone would be a heading.
    const d = at + 1 < end ? text.charCodeAt(at + 1) : SPACE;
    return d !== SPACE && d !== HASH;
  }
  if (c === TICK || c === STAR) {
    let i = at + 1;
    while (i < end && text.charCodeAt(i) === c) i++;
    const after = i < end ? text.charCodeAt(i) : SPACE;
    return i - at < 3 && after !== SPACE;
  }
  return false;
}

function renderBlocks(md: string): string {
  let out = "";
  let at = 0;
  const n = md.length;
  /** A list just ended (0: none, else its first character): a next block starting like its items would continue it. */
  let afterList = 0;
  while (at < n) {
    let end = lineEnd(md, at);
    if (end === at) {
      at = end + 1;
      continue;
    }
    const c = md.charCodeAt(at);
    if (afterList !== 0 && (afterList === DASH ? c === DASH : isDigit(c))) giveUp();
    afterList = 0;
    if (c === HASH) {
      out += heading(md, at, end);
      at = end + 1;
    } else if (c === TICK && md.startsWith("```", at)) {
      at = fence(md, at, end, (html) => (out += html));
    } else if (c === GT) {
      // `> text` lines, up to a blank line: one paragraph.
      let text = "";
      while (at < n && end > at) {
        if (md.charCodeAt(at) !== GT || md.charCodeAt(at + 1) !== SPACE || !isTextLine(md, at + 2, end)) giveUp();
        text += (text === "" ? "" : "\n") + md.slice(at + 2, end);
        at = end + 1;
        end = lineEnd(md, at);
      }
      out += `<blockquote>\n<p>${inline(text)}</p>\n</blockquote>\n`;
    } else if (c === DASH || isDigit(c)) {
      const ordered = c !== DASH;
      const marker = ordered ? orderedMarker(md, at, end) : md.charCodeAt(at + 1) === SPACE ? 2 : 0;
      if (marker === 0) {
        if (ordered && isTextLine(md, at, end)) {
          at = paragraph(md, at, end, (html) => (out += html));
          continue;
        }
        giveUp();
      }
      let items = "";
      const start = ordered ? Number(md.slice(at, at + marker - 2)) : 1;
      while (at < n && end > at) {
        const m = ordered ? orderedMarker(md, at, end) : md.charCodeAt(at) === DASH && md.charCodeAt(at + 1) === SPACE ? 2 : 0;
        if (m === 0) giveUp();
        items += `<li>${listItem(md, at + m, end)}</li>\n`;
        at = end + 1;
        end = lineEnd(md, at);
      }
      const tag = ordered ? "ol" : "ul";
      out += `<${tag}${start !== 1 ? ` start="${start}"` : ""}>\n${items}</${tag}>\n`;
      afterList = c;
    } else if (isTextLine(md, at, end)) {
      at = paragraph(md, at, end, (html) => (out += html));
    } else {
      giveUp();
    }
  }
  return out;
}

/** Lines of text up to a blank line or the end: one paragraph. Returns where the next block starts. */
function paragraph(md: string, at: number, end: number, emit: (html: string) => void): number {
  const from = at;
  let last = end;
  for (;;) {
    if (!isTextLine(md, at, end)) giveUp();
    last = end;
    if (end >= md.length) break;
    at = end + 1;
    end = lineEnd(md, at);
    if (end === at) break;
  }
  emit(`<p>${inline(md.slice(from, last))}</p>\n`);
  return last + 1;
}

/** `# Title` to `###### Title`: one space, then text that does not end in `#` (a closing sequence). */
function heading(md: string, at: number, end: number): string {
  let level = 0;
  while (md.charCodeAt(at + level) === HASH) level++;
  if (level > 6 || md.charCodeAt(at + level) !== SPACE) giveUp();
  const from = at + level + 1;
  if (!isTextLine(md, from, end) || md.charCodeAt(end - 1) === HASH) giveUp();
  return `<h${level}>${inline(md.slice(from, end))}</h${level}>\n`;
}

/** Length of an ordered item's marker with its space (`12. `), or 0 when the line is not one. */
function orderedMarker(md: string, at: number, end: number): number {
  let i = at;
  while (i < end && isDigit(md.charCodeAt(i))) i++;
  const digits = i - at;
  if (digits === 0 || digits > 9 || md.charCodeAt(at) === 0x30) return 0;
  return md.charCodeAt(i) === DOT && md.charCodeAt(i + 1) === SPACE ? digits + 2 : 0;
}

/** A tight item's HTML: its text, after a task checkbox when it starts with `[ ] ` or `[x] `. */
function listItem(md: string, at: number, end: number): string {
  let box = "";
  if (md.charCodeAt(at) === LBRACKET && md.charCodeAt(at + 2) === 0x5d) {
    const mark = md.charCodeAt(at + 1);
    if ((mark === SPACE || mark === 0x78 || mark === 0x58) && md.charCodeAt(at + 3) === SPACE) {
      const checked = mark !== SPACE;
      box = `<input ${checked ? 'checked="" ' : ""}disabled="" type="checkbox" aria-label="${checked ? "done" : "not done"}"> `;
      at += 4;
    } else if (mark === SPACE || mark === 0x78 || mark === 0x58) {
      giveUp();
    }
  }
  if (!isTextLine(md, at, end)) giveUp();
  return box + inline(md.slice(at, end));
}

/** A fenced code block opened by ``` with a plain (or no) language; closed by a line of as many backticks or more. */
function fence(md: string, at: number, end: number, emit: (html: string) => void): number {
  let ticks = 0;
  while (md.charCodeAt(at + ticks) === TICK) ticks++;
  const info = md.slice(at + ticks, end);
  if (!/^[A-Za-z0-9_+#.-]*$/.test(info)) giveUp();
  const from = end + 1;
  let line = from;
  for (;;) {
    if (line >= md.length) giveUp();
    const e = lineEnd(md, line);
    let indent = 0;
    while (indent < 4 && md.charCodeAt(line + indent) === SPACE) indent++;
    // A closing fence may be indented up to three spaces: only an unindented one is taken, any other gives up.
    if (indent > 0 && indent < 4 && (md.startsWith("```", line + indent) || md.startsWith("~~~", line + indent))) giveUp();
    if (md.startsWith("```", line)) {
      let k = line;
      while (k < e && md.charCodeAt(k) === TICK) k++;
      if (k < e || k - line < ticks) giveUp();
      // Marked keeps the content's blank lines, last ones too: every line ends with a newline.
      const code = line > from ? md.slice(from, line) : "";
      const cls = CODE_LANG_RE.test(info) ? ` class="language-${info}"` : "";
      emit(`<pre><code${cls}>${escapeAll(code)}</code></pre>\n`);
      return e + 1;
    }
    if (md.startsWith("~~~", line)) giveUp();
    line = e + 1;
  }
}

/** Character classes around a delimiter run (CommonMark's flanking rules), ASCII only. */
const WHITE = 0, PUNCT = 1, OTHER = 2;

function classOf(c: number): number {
  if (c === -1 || c === SPACE || c === NL) return WHITE;
  if (c >= 0x80) giveUp();
  if ((c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e)) return PUNCT;
  return OTHER;
}

/** Inline characters that need a look: 1 = give up, 2 = handled below. */
const INLINE = new Uint8Array(128);
for (const c of "\\<&_~@\t]") INLINE[c.charCodeAt(0)] = 1;
for (const c of "*`[!:wW") INLINE[c.charCodeAt(0)] = 2;

/** Inline Markdown → HTML: text, `*em*`, `**strong**`, code spans, `[text](url)`; gives up on anything else. */
function inline(t: string): string {
  /** The HTML in pieces: an opener's tag is filled in at its index once its closer is found (no copying). */
  const out: string[] = [];
  /** Open emphasis: for each, its run length and the index of its tag in `out`. */
  const open: { length: number; at: number }[] = [];
  let text = 0;
  let i = 0;
  const n = t.length;
  while (i < n) {
    const c = t.charCodeAt(i);
    const kind = c < 128 ? INLINE[c] : 0;
    if (kind === 0) {
      i++;
      continue;
    }
    if (kind === 1) giveUp();
    if (c === 0x77 || c === 0x57) {
      // `www.` starts an autolink. Each look past the end is guarded: `charCodeAt` there is NaN (no match either way),
      // but V8 threw away `inline`'s optimised code the first time one went past (a text ending in "w").
      if (i + 3 < n && (t.charCodeAt(i + 1) | 0x20) === 0x77 && (t.charCodeAt(i + 2) | 0x20) === 0x77 && t.charCodeAt(i + 3) === DOT) giveUp();
      i++;
      continue;
    }
    if (c === 0x3a) {
      // `http://` and friends are autolinks.
      if (i + 2 < n && t.charCodeAt(i + 1) === 0x2f && t.charCodeAt(i + 2) === 0x2f) giveUp();
      i++;
      continue;
    }
    if (c === 0x21) {
      if (i + 1 < n && t.charCodeAt(i + 1) === LBRACKET) giveUp();
      i++;
      continue;
    }
    if (i > text) out.push(escapeText(t.slice(text, i)));
    if (c === TICK) {
      let j = i;
      while (j < n && t.charCodeAt(j) === TICK) j++;
      const run = j - i;
      let close = t.indexOf("`", j);
      for (;;) {
        if (close === -1) giveUp();
        let k = close;
        while (k < n && t.charCodeAt(k) === TICK) k++;
        if (k - close === run) break;
        close = t.indexOf("`", k);
      }
      const code = t.slice(j, close);
      if (code.includes("\n") || code.charCodeAt(0) === SPACE || code.charCodeAt(code.length - 1) === SPACE) giveUp();
      out.push(`<code>${escapeAll(code)}</code>`);
      i = close + run;
    } else if (c === STAR) {
      let j = i;
      while (j < n && t.charCodeAt(j) === STAR) j++;
      const run = j - i;
      if (run > 2) giveUp();
      const before = classOf(i > 0 ? t.charCodeAt(i - 1) : -1);
      const after = classOf(j < n ? t.charCodeAt(j) : -1);
      const left = after !== WHITE && (after !== PUNCT || before !== OTHER);
      const right = before !== WHITE && (before !== PUNCT || after !== OTHER);
      if (left === right) giveUp();
      if (left) {
        open.push({ length: run, at: out.length });
        out.push("");
      } else {
        const opener = open.pop();
        if (opener === undefined || opener.length !== run) giveUp();
        const tag = run === 1 ? "em" : "strong";
        out[opener.at] = `<${tag}>`;
        out.push(`</${tag}>`);
      }
      i = j;
    } else {
      // `[text](destination)`: no brackets or backticks in the text, a plain destination, no title. A backtick in
      // the destination would pair with a later one in marked's masking of code spans, and shift its emphasis.
      const close = t.indexOf("]", i + 1);
      if (close === -1 || t.charCodeAt(close + 1) !== 0x28) giveUp();
      const label = t.slice(i + 1, close);
      if (label === "" || label.includes("[") || label.includes("`")) giveUp();
      const destEnd = t.indexOf(")", close + 2);
      if (destEnd === -1) giveUp();
      const href = t.slice(close + 2, destEnd);
      if (href === "" || !/^[^\s()<>"'\\&`]+$/.test(href)) giveUp();
      const inner = inline(label);
      let safe: string | null;
      try {
        safe = safeUrl(href);
      } catch {
        // It wants the sanitizer's judgement (it cannot here, with no `&`): so be it.
        giveUp();
      }
      out.push(safe === null ? `<a>${inner}</a>` : `<a href="${safe}" rel="noopener noreferrer">${inner}</a>`);
      i = destEnd + 1;
    }
    text = i;
  }
  if (open.length > 0) giveUp();
  if (n > text) out.push(escapeText(t.slice(text)));
  return out.join("");
}

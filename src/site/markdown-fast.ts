/**
 * The fast path: renders marked's tokens to HTML that is safe by construction, for Markdown without raw HTML.
 * Every string it emits is escaped here, every URL passes `isSafeUrl`, and it only ever writes the tags and
 * attributes the sanitizer allows — so sanitizing its output would change nothing (a test checks exactly that).
 * Whenever a token could need the sanitizer's judgement (raw HTML, an entity in a URL, a type it does not know), it
 * returns null and the caller takes the sanitizer path: jsdom costs ~5 ms a document, this ~0.1 ms.
 */
import type { Token, Tokens } from "marked";
import { isSafeUrl } from "./sanitize.js";

/** Thrown inside the walk to give up on the fast path; never escapes this module. */
class NeedsSanitizer extends Error {}

const MARKUP = /[&<>"']/g;
/** Tested first: most text has none of them, and a test makes no new string. */
const MARKUP_ONE = /[&<>"']/;
const ESCAPE_ALL: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const ENTITY_RE = /&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/iy;
export const CODE_LANG_RE = /^[A-Za-z0-9_+#.-]{1,40}$/;

/** Escapes every character that means something in HTML text or a quoted attribute. */
export function escapeAll(text: string): string {
  return MARKUP_ONE.test(text) ? text.replace(MARKUP, (c) => ESCAPE_ALL[c]!) : text;
}

/**
 * Escapes like `escapeAll` but keeps character references that marked left in text (`&amp;`, `&lt;`): in text and
 * in non-URL attributes a reference only ever stands for one character, never for markup.
 */
export function escapeText(text: string): string {
  if (!MARKUP_ONE.test(text)) return text;
  return text.replace(MARKUP, (c, at: number) => {
    if (c !== "&") return ESCAPE_ALL[c]!;
    ENTITY_RE.lastIndex = at;
    return ENTITY_RE.test(text) ? "&" : "&amp;";
  });
}

/** The URL as it goes into an attribute, or null when it must not be a link; throws when unsure. */
export function safeUrl(href: string): string | null {
  // CommonMark decodes references in destinations and so do browsers in attributes: let the sanitizer see them.
  if (/&[#a-z0-9]+;/i.test(href)) throw new NeedsSanitizer();
  if (!isSafeUrl(href)) return null;
  let encoded: string;
  try {
    // As marked does: percent-encode what is not URL-safe, keep existing escapes.
    encoded = encodeURI(href).replace(/%25/g, "%");
  } catch {
    return null;
  }
  return isSafeUrl(encoded) ? escapeAll(encoded) : null;
}

/**
 * Marked's block tokens → safe HTML, or null when the document needs the sanitizer. `inline` flattens top-level
 * paragraphs and headings to their inline content joined by spaces (see `inlineParts`).
 */
export function renderTokensSafely(tokens: Token[], inline: boolean): string | null {
  try {
    return inline ? inlineParts(tokens, renderInline, renderBlock) : renderBlocks(tokens);
  } catch (error) {
    if (error instanceof NeedsSanitizer) return null;
    throw error;
  }
}

/**
 * For a spot like a list row: top-level paragraphs, headings and text become their inline content, joined by a
 * space; other blocks (lists, code, tables) keep their block HTML. Shared by both paths so they agree.
 */
export function inlineParts(
  tokens: Token[],
  inline: (tokens: Token[]) => string,
  block: (token: Token) => string,
): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === "space" || token.type === "def") continue;
    const nested = (token as { tokens?: Token[] }).tokens;
    if ((token.type === "paragraph" || token.type === "heading" || token.type === "text") && nested) {
      parts.push(inline(nested));
    } else {
      parts.push(block(token).trimEnd());
    }
  }
  return parts.join(" ");
}

function renderBlocks(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) out += renderBlock(token);
  return out;
}

function renderBlock(token: Token): string {
  switch (token.type) {
    case "space":
    case "def":
      return "";
    case "paragraph":
      return `<p>${renderInline((token as Tokens.Paragraph).tokens)}</p>\n`;
    case "heading": {
      const t = token as Tokens.Heading;
      const depth = Math.min(6, Math.max(1, Math.trunc(t.depth)));
      return `<h${depth}>${renderInline(t.tokens)}</h${depth}>\n`;
    }
    case "hr":
      return "<hr>\n";
    case "code": {
      const t = token as Tokens.Code;
      const lang = (t.lang ?? "").trim().split(/\s/)[0] ?? "";
      const code = t.text ? `${t.text.replace(/\n$/, "")}\n` : "";
      const cls = CODE_LANG_RE.test(lang) ? ` class="language-${lang}"` : "";
      return `<pre><code${cls}>${escapeAll(code)}</code></pre>\n`;
    }
    case "blockquote":
      return `<blockquote>\n${renderBlocks((token as Tokens.Blockquote).tokens)}</blockquote>\n`;
    case "list":
      return renderList(token as Tokens.List);
    case "table":
      return renderTable(token as Tokens.Table);
    case "text": {
      const t = token as Tokens.Text;
      return `${t.tokens ? renderInline(t.tokens) : escapeText(t.text)}\n`;
    }
    default:
      // Raw HTML blocks and any token type this renderer does not know.
      throw new NeedsSanitizer();
  }
}

function renderList(list: Tokens.List): string {
  const tag = list.ordered ? "ol" : "ul";
  const start = list.ordered && typeof list.start === "number" && Number.isInteger(list.start) && list.start !== 1
    ? ` start="${list.start}"`
    : "";
  let body = "";
  for (const item of list.items) {
    let inner = "";
    for (const token of item.tokens) {
      if (token.type === "checkbox") inner += checkbox((token as Tokens.Checkbox).checked);
      else inner += renderBlock(token);
    }
    // Tight items hold bare text: drop the newline the text token added, as marked does.
    body += `<li>${list.loose ? inner : inner.replace(/\n$/, "")}</li>\n`;
  }
  return `<${tag}${start}>\n${body}</${tag}>\n`;
}

function checkbox(checked: boolean): string {
  // Same attributes, in the same order, as the sanitizer path gives (tests compare the two DOMs).
  return `<input ${checked ? 'checked="" ' : ""}disabled="" type="checkbox" aria-label="${checked ? "done" : "not done"}"> `;
}

function renderTable(table: Tokens.Table): string {
  const cell = (c: Tokens.TableCell, tag: "th" | "td") => {
    const align = c.align === "left" || c.align === "right" || c.align === "center" ? ` align="${c.align}"` : "";
    return `<${tag}${align}>${renderInline(c.tokens)}</${tag}>\n`;
  };
  let out = `<table>\n<thead>\n<tr>\n${table.header.map((c) => cell(c, "th")).join("")}</tr>\n</thead>\n`;
  if (table.rows.length > 0) {
    out += "<tbody>";
    for (const row of table.rows) out += `<tr>\n${row.map((c) => cell(c, "td")).join("")}</tr>\n`;
    out += "</tbody>";
  }
  return `${out}</table>\n`;
}

function renderInline(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) out += renderInlineToken(token);
  return out;
}

function renderInlineToken(token: Token): string {
  switch (token.type) {
    case "text": {
      const t = token as Tokens.Text;
      if (t.tokens) return renderInline(t.tokens);
      return escapeText(t.text);
    }
    case "escape":
      return escapeAll((token as Tokens.Escape).text);
    case "strong":
      return `<strong>${renderInline((token as Tokens.Strong).tokens)}</strong>`;
    case "em":
      return `<em>${renderInline((token as Tokens.Em).tokens)}</em>`;
    case "del":
      return `<del>${renderInline((token as Tokens.Del).tokens)}</del>`;
    case "codespan":
      return `<code>${escapeAll((token as Tokens.Codespan).text)}</code>`;
    case "br":
      return "<br>";
    case "checkbox":
      return checkbox((token as Tokens.Checkbox).checked);
    case "link": {
      const t = token as Tokens.Link;
      const inner = (t as { autolink?: boolean }).autolink ? escapeAll(t.text) : renderInline(t.tokens);
      const href = safeUrl(t.href);
      // A refused URL leaves an inert <a>, as the sanitizer path does, so both paths give the same DOM.
      if (href === null) return `<a>${inner}</a>`;
      const title = t.title ? ` title="${escapeText(t.title)}"` : "";
      return `<a href="${href}"${title} rel="noopener noreferrer">${inner}</a>`;
    }
    case "image": {
      const t = token as Tokens.Image;
      const alt = escapeText(plainText(t.tokens ?? []) || t.text);
      const src = /^\s*data:/i.test(t.href) ? null : safeUrl(t.href);
      if (src === null) return `<img alt="${alt}">`;
      const title = t.title ? ` title="${escapeText(t.title)}"` : "";
      const lazy = /^https?:/i.test(src) ? ' loading="lazy"' : "";
      return `<img src="${src}" alt="${alt}"${title}${lazy}>`;
    }
    default:
      // Inline raw HTML (`html` tokens) and anything unknown.
      throw new NeedsSanitizer();
  }
}

/** The text of inline tokens without markup, for alt attributes. */
function plainText(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "html") throw new NeedsSanitizer();
    const nested = (token as { tokens?: Token[] }).tokens;
    out += nested ? plainText(nested) : (token as { text?: string }).text ?? "";
  }
  return out;
}

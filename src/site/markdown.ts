/**
 * Markdown → safe HTML: a guard against pathological nesting, then the first of three paths that takes the text —
 * the lite path for plain Markdown (markdown-lite.ts: no lexer), marked's tokens rendered safely by construction
 * when there is no raw HTML (markdown-fast.ts), else marked's HTML through the sanitizer. All three give the same
 * HTML for what they take; the HTML returned can be put in a page as-is.
 */
import { Marked } from "marked";
import { MarkdownError } from "../errors.js";
import { inlineParts, renderTokensSafely } from "./markdown-fast.js";
import { checkHtmlNesting, guardMarkdown } from "./markdown-guard.js";
import { renderMarkdownLite } from "./markdown-lite.js";
import { sanitizeHtml } from "./sanitize.js";

export { MAX_HTML_NESTING, MAX_NESTING } from "./markdown-guard.js";

export { MarkdownError };

// A private instance: plugins or options set on the global `marked` by anyone else never reach us.
const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * How to render: `auto` (default) takes the lite path for plain Markdown, else the fast path when the Markdown has
 * no raw HTML; `sanitizer` always sanitizes.
 */
export interface RenderMarkdownOptions {
  /** Default `auto`. `sanitizer` exists for tests and for comparing both paths. */
  path?: "auto" | "sanitizer";
}

/** GitHub-flavoured Markdown → sanitized HTML safe to put in a page as-is. Throws MarkdownError for pathological input. */
export function renderMarkdown(markdown: string, options: RenderMarkdownOptions = {}): string {
  guardMarkdown(markdown);
  if (options.path !== "sanitizer") {
    const lite = renderMarkdownLite(markdown);
    if (lite !== null) return lite;
  }
  return guard(() => {
    const tokens = marked.lexer(markdown);
    const fast = options.path === "sanitizer" ? null : renderTokensSafely(tokens, false);
    return fast ?? sanitizeHtml(checkHtmlNesting(marked.parser(tokens)));
  });
}

/**
 * Markdown rendered for inline spots (a description in a list row): same sanitizing; paragraphs and headings are
 * unwrapped to their inline content, joined by spaces; lists, code and tables stay blocks.
 */
export function renderInlineMarkdown(markdown: string, options: RenderMarkdownOptions = {}): string {
  guardMarkdown(markdown);
  return guard(() => {
    const tokens = marked.lexer(markdown);
    const fast = options.path === "sanitizer" ? null : renderTokensSafely(tokens, true);
    if (fast !== null) return fast;
    const html = inlineParts(
      tokens,
      (inline) => marked.Parser.parseInline(inline, marked.defaults),
      (block) => marked.parser([block]),
    );
    return sanitizeHtml(checkHtmlNesting(html));
  });
}

/** Turns a parser failure on hostile input (a stack overflow, mostly) into a MarkdownError. */
function guard(run: () => string): string {
  try {
    return run();
  } catch (error) {
    if (error instanceof MarkdownError) throw error;
    // marked wraps a stack overflow in its own Error with a "Please report" message; either way it is the input.
    if (error instanceof RangeError || (error instanceof Error && /call stack/i.test(error.message))) {
      throw new MarkdownError("Markdown is nested too deeply to render (the parser ran out of stack)", { cause: error });
    }
    throw new MarkdownError(`Markdown could not be rendered: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

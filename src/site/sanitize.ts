/**
 * The sanitizer: DOMPurify on one jsdom window per process, with an allow-list of tags, attributes and URL schemes.
 * Everything user-supplied that becomes HTML (rendered Markdown) passes through `sanitizeHtml`.
 */
import { createRequire } from "node:module";
import type createDOMPurifyType from "dompurify";
import type { JSDOM as JSDOMType } from "jsdom";

// jsdom takes ~0.4 s to load: it is required on the first document that needs the sanitizer, never at import.
const require = createRequire(import.meta.url);

/** Tags a rendered document may keep; anything else is dropped (its text kept, unless it is script-like). */
export const ALLOWED_TAGS: readonly string[] = [
  "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
  "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
  "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small",
  "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt",
  "u", "ul", "var", "wbr",
];

/** Attributes a kept tag may carry; `id`, `name`, `style`, `class` (except code languages) and `on*` never pass. */
export const ALLOWED_ATTR: readonly string[] = [
  "href", "src", "alt", "title", "width", "height", "align", "valign", "colspan", "rowspan", "scope", "start",
  "reversed", "type", "checked", "disabled", "open", "lang", "dir", "cite", "datetime", "class",
];

/** URL schemes a link may use; images may use the same (mailto: on an image is harmless and useless). */
const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;
const SCHEME_RE = /^([^/?#]*):/;
const CODE_CLASS_RE = /^language-[A-Za-z0-9_+#.-]{1,40}$/;
const URL_ATTRS = new Set(["href", "src", "cite"]);

/**
 * Whether a URL may appear in an href or src: http:, https:, mailto: or a relative reference as written.
 * Refuses control characters anywhere (browsers strip some of them, so `java\tscript:` must not pass), any other
 * scheme (`javascript:`, `data:`, `vbscript:`, `file:`), and `//host` / `\\host` forms that leave the site.
 */
export function isSafeUrl(url: string): boolean {
  if (CONTROL_RE.test(url)) return false;
  const value = url.trim();
  if (/^[\\/][\\/]/.test(value)) return false;
  const scheme = SCHEME_RE.exec(value);
  if (!scheme) return true;
  if (!ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase())) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

type Purifier = ReturnType<typeof createDOMPurifyType>;
let purifier: Purifier | undefined;

/** The one DOMPurify of the process, made on first use: a jsdom window costs tens of ms and ~10 MB, and the fast path never needs it. */
function getPurifier(): Purifier {
  if (purifier) return purifier;
  const { JSDOM } = require("jsdom") as { JSDOM: typeof JSDOMType };
  const createDOMPurify = require("dompurify") as typeof createDOMPurifyType;
  const window = new JSDOM("").window;
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurifyType>[0]);
  addHooks(purify);
  purifier = purify;
  return purify;
}

function addHooks(purify: Purifier): void {
  purify.addHook("uponSanitizeAttribute", (node, data) => {
    const name = data.attrName;
    if (URL_ATTRS.has(name)) {
      if (!isSafeUrl(data.attrValue)) data.keepAttr = false;
    } else if (name === "class") {
      // Only marked's `language-xxx` on code: user classes could dress content up as the site's own UI.
      if (node.nodeName !== "CODE" || !CODE_CLASS_RE.test(data.attrValue)) data.keepAttr = false;
    } else if (name === "type" || name === "checked" || name === "disabled") {
      if (node.nodeName !== "INPUT" && !(name === "type" && node.nodeName === "OL")) data.keepAttr = false;
    }
  });

  purify.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    switch (el.nodeName) {
      case "A":
        el.removeAttribute("target");
        if (el.hasAttribute("href")) el.setAttribute("rel", "noopener noreferrer");
        break;
      case "IMG": {
        const src = el.getAttribute("src");
        if (src !== null && /^https?:/i.test(src.trim())) el.setAttribute("loading", "lazy");
        break;
      }
      case "INPUT":
        // Only a task list's checkbox survives, and it can never be ticked by the reader.
        if ((el.getAttribute("type") ?? "").toLowerCase() !== "checkbox") {
          el.remove();
        } else {
          el.setAttribute("type", "checkbox");
          el.setAttribute("disabled", "");
          // A checkbox needs an accessible name; the item's text follows it, so name its state.
          el.setAttribute("aria-label", el.hasAttribute("checked") ? "done" : "not done");
        }
        break;
    }
  });
}

const CONFIG = {
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR: [...ALLOWED_ATTR],
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  SAFE_FOR_TEMPLATES: false,
  WHOLE_DOCUMENT: false,
  FORBID_ATTR: ["style", "id", "name", "srcset", "target", "action", "formaction", "background", "poster"],
  FORBID_TAGS: ["style", "script", "svg", "math", "form", "button", "select", "textarea", "iframe", "object", "embed"],
};

/** HTML from Markdown (or anywhere) → HTML that holds nothing able to run, load a frame or post a form. */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, CONFIG) as string;
}

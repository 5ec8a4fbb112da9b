/**
 * The XSS oracle: parses HTML with jsdom (no script runs) and lists everything that could execute code, navigate
 * the page away or send data out. Used on sanitized fragments and on whole built pages.
 */
import { JSDOM } from "jsdom";

export interface FindExecutableOptions {
  /** `<script src>` values that are the site's own files. Default: relative `assets/*.js`, any `../` depth. */
  allowScriptSrc?: RegExp;
  /** Whether `<link>`/`<meta http-equiv="Content-Security-Policy">` of the page itself are fine. Default: true. */
  allowPageHead?: boolean;
  /**
   * Whether JSON data blocks are fine: `<script type="application/json">` (a type no browser runs) with no `src`,
   * no attribute besides type, id and class, and text that is JSON holding no `<` (the table tools' data).
   * Default: true.
   */
  allowDataBlocks?: boolean;
}

export const DEFAULT_SCRIPT_SRC = /^(\.\.\/)*assets\/[a-z0-9.-]+\.js$/;

// Attributes whose value is fetched or navigated to.
const URL_ATTRS = [
  "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "codebase", "cite",
  "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "profile", "usemap", "archive", "classid",
];
// Elements that load a browsing context or plugin, submit, or change how every URL resolves.
const FORBIDDEN_ELEMENTS = new Set([
  "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "textarea", "select", "portal",
  "noscript", "isindex", "keygen",
]);
// SVG/MathML parts that run script or rewrite a link's target.
const SVG_DANGER = new Set(["script", "foreignobject", "animate", "set", "animatemotion", "animatetransform", "handler"]);
const BAD_SCHEME_RE = /^(?:javascript|data|vbscript|livescript|mocha|file):/i;

let parser: DOMParser | undefined;

/**
 * Everything in `html` that could run or exfiltrate, one line each ("<img onerror>: event handler attribute");
 * empty when the HTML is inert.
 */
export function findExecutable(html: string, options: FindExecutableOptions = {}): string[] {
  const allowScriptSrc = options.allowScriptSrc ?? DEFAULT_SCRIPT_SRC;
  const allowPageHead = options.allowPageHead ?? true;
  const allowDataBlocks = options.allowDataBlocks ?? true;
  parser ??= new new JSDOM("").window.DOMParser();
  const doc = parser.parseFromString(html, "text/html");
  const found: string[] = [];
  const roots: ParentNode[] = [doc];
  // Template contents live in their own fragment that querySelectorAll does not enter.
  for (let r = 0; r < roots.length; r++) {
    for (const el of Array.from(roots[r]!.querySelectorAll("*"))) {
      checkElement(el, found, allowScriptSrc, allowPageHead, allowDataBlocks);
      if (el.localName === "template") roots.push((el as HTMLTemplateElement).content);
    }
  }
  return found;
}

function checkElement(el: Element, found: string[], allowScriptSrc: RegExp, allowPageHead: boolean, allowDataBlocks: boolean): void {
  const tag = el.localName.toLowerCase();
  const ns = el.namespaceURI ?? "";
  const say = (reason: string) => found.push(`${describe(el)}: ${reason}`);

  if (tag === "script") {
    const src = el.getAttribute("src");
    if (ns.endsWith("/svg")) say("SVG script");
    else if (el.hasAttribute("type") && el.getAttribute("type") === "application/json" && src === null) {
      const problem = dataBlockProblem(el);
      if (!allowDataBlocks) say("data block");
      else if (problem) say(`data block ${problem}`);
    } else if (src === null) say("inline script");
    else if (!allowScriptSrc.test(src)) say(`script from ${JSON.stringify(src)}`);
    else if (el.textContent?.trim()) say("script with inline content");
  } else if (FORBIDDEN_ELEMENTS.has(tag)) {
    say(`forbidden element <${tag}>`);
  } else if (tag === "style") {
    say("inline <style> element (styles must be files under assets/)");
  } else if (tag === "input") {
    const type = (el.getAttribute("type") ?? "text").toLowerCase();
    if (type !== "checkbox" || !el.hasAttribute("disabled")) say(`input of type ${JSON.stringify(type)} that is not a disabled checkbox`);
  } else if (tag === "meta") {
    const equiv = el.getAttribute("http-equiv");
    if (equiv !== null && !(allowPageHead && equiv.toLowerCase() === "content-security-policy")) {
      say(`meta http-equiv=${JSON.stringify(equiv)}`);
    }
  } else if (tag === "link") {
    const href = el.getAttribute("href") ?? "";
    if (!allowPageHead || !isRelative(href)) say(`link to ${JSON.stringify(href)}`);
  } else if ((ns.endsWith("/svg") || ns.endsWith("/MathML")) && SVG_DANGER.has(tag)) {
    say(`SVG/MathML <${tag}>`);
  }

  for (const attr of Array.from(el.attributes)) {
    const name = attr.name.toLowerCase();
    const value = attr.value;
    if (name.startsWith("on")) say(`event handler attribute ${name}`);
    else if (name === "style") say("style attribute");
    else if (name === "srcdoc") say("srcdoc attribute");
    else if (name === "formaction") say("formaction attribute");
    else if (name === "srcset" || name === "imagesrcset") {
      for (const candidate of value.split(",")) {
        const url = candidate.trim().split(/\s+/)[0] ?? "";
        if (isBadUrl(url)) say(`${name} URL ${JSON.stringify(url)}`);
      }
    } else if (URL_ATTRS.includes(name) || name.endsWith(":href")) {
      if (isBadUrl(value)) say(`${name} URL ${JSON.stringify(value)}`);
    } else if ((name === "values" || name === "to" || name === "from") && BAD_SCHEME_RE.test(normalizeUrl(value))) {
      say(`animation value ${JSON.stringify(value)}`);
    }
  }
}

/** Why a `<script type="application/json">` is not one of the site's data blocks, or undefined when it is. */
function dataBlockProblem(el: Element): string | undefined {
  const extra = Array.from(el.attributes).map((a) => a.name).filter((name) => !["type", "id", "class"].includes(name));
  if (extra.length) return `with attributes ${extra.join(", ")}`;
  if (el.childNodes.length > 1 || (el.firstChild && el.firstChild.nodeType !== 3)) return "with more than one text";
  const text = el.textContent ?? "";
  if (/[<>]/.test(text)) return "with raw < or > in its text";
  try {
    JSON.parse(text);
  } catch {
    return "whose text is not JSON";
  }
  return undefined;
}

/** What a browser makes of an attribute URL before reading its scheme: no tab/newline anywhere, no C0 at the ends. */
function normalizeUrl(value: string): string {
  return value.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
}

function isBadUrl(value: string): boolean {
  // A control character inside a scheme can be dropped by some parsers: treat any as suspect when a colon follows.
  const url = normalizeUrl(value);
  return BAD_SCHEME_RE.test(url) || BAD_SCHEME_RE.test(url.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200d\ufeff]/g, ""));
}

function isRelative(url: string): boolean {
  const value = normalizeUrl(url);
  return !/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[\\/][\\/]/.test(value);
}

function describe(el: Element): string {
  const attrs = Array.from(el.attributes)
    .slice(0, 3)
    .map((a) => ` ${a.name}=${JSON.stringify(a.value.length > 40 ? `${a.value.slice(0, 37)}…` : a.value)}`)
    .join("");
  return `<${el.localName}${attrs}>`;
}

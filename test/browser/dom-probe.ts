/** A check run inside a loaded page: what in the live DOM (after the browser's own parsing) could execute. */
import type { Page } from "playwright-core";

// A string, since the test tsconfig has no DOM types. Site scripts and styles must be local files under assets/.
const PROBE = `(() => {
  const bad = [];
  const where = (el) => el.outerHTML.slice(0, 160);
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "ping", "codebase", "cite", "longdesc", "dynsrc", "lowsrc", "srcset", "imagesrcset"]);
  const FORBIDDEN = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "button",
    "textarea", "select", "button", "portal", "fencedframe"]);
  const local = (u) => { try { const x = new URL(u, location.href); return x.origin === location.origin || x.protocol === "file:"; } catch { return false; } };
  // The site's own script adds a filter box (input, select) above tables and a sort button in each header.
  const siteUi = (el) => !!el.closest(".filters") || (el.localName === "button" && el.classList.contains("sort") && el.parentElement.localName === "th");
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      const v = a.value.replace(/[\\u0000-\\u0020\\u007f]/g, "").toLowerCase();
      if (n.startsWith("on")) bad.push("event handler " + n + ": " + where(el));
      else if (n === "style") bad.push("style attribute: " + where(el));
      else if (n === "srcdoc") bad.push("srcdoc: " + where(el));
      else if (URL_ATTRS.has(n) && /(^|,)(javascript|vbscript|data|livescript):/.test(v)) bad.push("script URL in " + n + ": " + where(el));
    }
    if (siteUi(el)) continue;
    if (FORBIDDEN.has(tag)) bad.push("forbidden element: " + where(el));
    if (tag === "input" && !(el.type === "checkbox" && el.disabled)) bad.push("input that is not a disabled checkbox: " + where(el));
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh") bad.push("meta refresh: " + where(el));
    // Site scripts are assets; the extras also load the site's own data scripts (escaped JSON, see extras/escape.ts),
    // and a table carries its rows in a JSON data block (a script of a type no browser runs) that a table names.
    if (tag === "script" && !el.src && el.getAttribute("type") === "application/json") {
      if (!/^table-data-[0-9a-f-]+$/.test(el.id) || !document.querySelector('table[data-table-data="' + el.id + '"]')) bad.push("data block of no table: " + where(el));
      try { JSON.parse(el.textContent); } catch { bad.push("data block that is not JSON: " + where(el)); }
    } else if (tag === "script" && !(el.src && local(el.src) && /\\/(assets\\/[^/]+|keys\\/[^/]+\\/versions|search\\/(meta|t-\\d+|d-\\d+))\\.js$/.test(new URL(el.src).pathname)))
      bad.push("script that is not a site asset: " + where(el));
    if (tag === "link" && el.href && !local(el.href)) bad.push("outside link element: " + where(el));
    if (tag === "style" || tag === "set" || tag === "animate" || tag === "handler") bad.push("element " + tag + ": " + where(el));
  }
  return bad;
})()`;

/** Everything in the page's DOM that could run script or load active content; empty when the page is clean. */
export async function executableInDom(page: Page): Promise<string[]> {
  return (await page.evaluate(PROBE)) as string[];
}

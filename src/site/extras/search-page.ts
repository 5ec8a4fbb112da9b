/** `search.html`: the page `assets/search.js` turns into a search box; without JavaScript it points to the index. */
import { CSP, TEMPLATES_DIR } from "../render.js";
import { siteEta } from "../site-eta.js";

export const SEARCH_PAGE = "search.html";

/** The page's HTML, through the site layout like every other page. */
export function renderSearchPage(siteTitle: string, templatesDir = TEMPLATES_DIR): string {
  return siteEta(templatesDir).render("/partials/extras/search-page", {
    page: { kind: "search", path: SEARCH_PAGE }, root: "", frame: {
      csp: CSP, siteTitle, pageTitle: "Search",
      crumbs: [{ label: siteTitle, href: "index.html" }, { label: "Search", href: SEARCH_PAGE }], section: "search", pageKind: "search",
    },
  });
}

/** `search.html`: the page `assets/search.js` turns into a search box; without JavaScript it points to the index. */
import { Eta } from "eta";
import { CSP, TEMPLATES_DIR } from "../render.js";

export const SEARCH_PAGE = "search.html";

/** The page's HTML, through the site layout like every other page. */
export function renderSearchPage(siteTitle: string, templatesDir = TEMPLATES_DIR): string {
  const eta = new Eta({ views: templatesDir, autoEscape: true, cache: true, defaultExtension: ".eta" });
  return eta.render("/partials/extras/search-page", {
    page: { kind: "search", path: SEARCH_PAGE }, root: "", frame: {
      csp: CSP, siteTitle, pageTitle: "Search",
      crumbs: [{ label: siteTitle, href: "index.html" }, { label: "Search", href: SEARCH_PAGE }], section: "search", pageKind: "search",
    },
  });
}

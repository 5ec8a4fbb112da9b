/**
 * The `baseUrl` option: where the site will be hosted, for the absolute links of feeds and `api/latest.json` (and the
 * path the 404 page's links start from: see SiteRenderer).
 */
import { BuildError } from "../../errors.js";

/**
 * Checks and normalises a base URL: absolute `http:`/`https:`, no query or fragment, path ending in `/` so a site
 * path can be appended. Throws BuildError naming the option and quoting the value.
 */
export function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BuildError(`baseUrl ${JSON.stringify(value)} is not an absolute URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BuildError(`baseUrl ${JSON.stringify(value)} must use http: or https:.`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new BuildError(`baseUrl ${JSON.stringify(value)} must not carry a query, a fragment or credentials.`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}

/** A link to `sitePath` from the file at `fromPath`: relative, or absolute under `baseUrl` when one is given. */
export function linkTo(sitePath: string, fromPath: string, baseUrl: string | undefined): string {
  if (baseUrl !== undefined) return baseUrl + sitePath;
  const from = fromPath.split("/").slice(0, -1);
  const to = sitePath.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return "../".repeat(from.length - common) + to.slice(common).join("/");
}

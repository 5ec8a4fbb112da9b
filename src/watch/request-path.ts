/** Request path → the site file it names, refusing anything that could reach outside the served folder. Pure. */

export type RequestPath =
  | { ok: true; /** Decoded path segments, none empty, none `.` or `..`. */ segments: string[]; /** Ends with `/`. */ directory: boolean }
  | { ok: false; status: 400 | 404; reason: string };

/**
 * Parses the raw request target (`req.url`, before any normalisation). Refused with 400: anything not starting with
 * a single `/` (absolute-form, `//host`), backslashes, encoded slashes or backslashes (`%2f`, `%5c`), NUL and other
 * control characters (raw or encoded), `.`/`..` segments (raw or encoded, e.g. `%2e%2e`), empty segments, `:`
 * (drive letters), and bad percent-encoding. Refused with 404: dot-named files and folders.
 */
export function parseRequestPath(rawUrl: string): RequestPath {
  const bad = (reason: string): RequestPath => ({ ok: false, status: 400, reason });
  const end = rawUrl.search(/[?#]/);
  const raw = end === -1 ? rawUrl : rawUrl.slice(0, end);
  if (!raw.startsWith("/") || raw.startsWith("//")) return bad("not an origin-relative path");
  if (raw.includes("\\")) return bad("backslash");
  if (/%(2f|5c|00)/i.test(raw)) return bad("encoded slash, backslash or NUL");
  if (/[\x00-\x1f\x7f]/.test(raw)) return bad("control character");
  const directory = raw.endsWith("/");
  const parts = raw.slice(1, directory ? -1 : undefined);
  if (parts === "") return { ok: true, segments: [], directory: true };
  const segments: string[] = [];
  for (const part of parts.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return bad("bad percent-encoding");
    }
    if (segment === "") return bad("empty segment");
    if (segment === "." || segment === "..") return bad("dot segment");
    if (/[\x00-\x1f\x7f/\\:]/.test(segment)) return bad("forbidden character in a segment");
    if (segment.startsWith(".")) return { ok: false, status: 404, reason: "hidden file" };
    segments.push(segment);
  }
  return { ok: true, segments, directory };
}

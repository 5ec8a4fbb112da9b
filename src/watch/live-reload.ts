/** Live reload: the Server-Sent Events hub, the client script file, and its injection into served HTML. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { COMMON_HEADERS } from "./content-types.js";

/** Reserved paths of the preview server; `__artifacts` can never be a page of the site (no such folder is built). */
export const EVENTS_PATH = "/__artifacts/events";
export const RELOAD_SCRIPT_PATH = "/__artifacts/reload.js";

/** The tag added to served HTML; a file from the same origin, so the pages' `script-src 'self'` allows it. */
export const RELOAD_SCRIPT_TAG = `<script src="${RELOAD_SCRIPT_PATH}"></script>`;

/**
 * The client: listens to the events and reloads the page when its own file is among the changed paths.
 * A page's own file is its path without the leading `/`, with `index.html` added to a folder path — the same
 * site-relative form that `notify()` sends.
 */
export const RELOAD_SCRIPT = `// Artifact Press preview: reload this page when the preview server reports that its file changed.
(function () {
  "use strict";
  function pagePath(pathname) {
    var p = pathname;
    try { p = decodeURIComponent(p); } catch (err) { /* keep it encoded */ }
    p = p.replace(/^\\/+/, "");
    if (p === "" || p.charAt(p.length - 1) === "/") p += "index.html";
    return p;
  }
  var own = pagePath(location.pathname);
  var events = new EventSource(${JSON.stringify(EVENTS_PATH)});
  events.addEventListener("change", function (event) {
    var paths;
    try { paths = JSON.parse(event.data).paths; } catch (err) { return; }
    if (Array.isArray(paths) && paths.indexOf(own) !== -1) {
      events.close();
      location.reload();
    }
  });
  window.addEventListener("pagehide", function () { events.close(); });
})();
`;

/** Adds the reload script before the last `</body>` (else `</head>`, else at the end) of a served page. */
export function injectReloadScript(html: string): string {
  const at = lastMatch(html, /<\/body\s*>/gi) ?? lastMatch(html, /<\/head\s*>/gi) ?? html.length;
  return html.slice(0, at) + RELOAD_SCRIPT_TAG + html.slice(at);
}

function lastMatch(text: string, pattern: RegExp): number | undefined {
  let index: number | undefined;
  for (const match of text.matchAll(pattern)) index = match.index;
  return index;
}

/** Site-relative form of a changed path: `/` separators, no leading `/` or `./`. */
export function sitePath(changed: string): string {
  return changed.replace(/\\/g, "/").replace(/^(\.?\/)+/, "");
}

/** The open event streams, each a browser tab of the preview. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    // A comment line now and then makes a vanished client fail a write, so it is dropped.
    this.heartbeat = setInterval(() => this.broadcast(": ping\n\n"), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...COMMON_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      Connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on("close", drop);
    res.on("close", drop);
    res.on("error", drop);
  }

  /** Sends one `change` event listing the changed site paths (deduplicated, sorted). */
  notify(changedPaths: string[]): void {
    const paths = [...new Set(changedPaths.map(sitePath))].sort();
    if (paths.length === 0) return;
    this.broadcast(`event: change\ndata: ${JSON.stringify({ paths })}\n\n`);
  }

  private broadcast(message: string): void {
    for (const res of this.clients) {
      if (res.writableEnded || res.destroyed) this.clients.delete(res);
      else res.write(message);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

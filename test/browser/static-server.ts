/** A minimal static file server on 127.0.0.1 (a free port) that serves a built site like any static host would. */
import { createReadStream, promises as fs } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

export interface StaticServer {
  /** The site's root URL, ending in `/`, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** Every path requested, in order (to check what the site asked for). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `root` on 127.0.0.1. A folder URL serves its `index.html`; a missing file answers 404 with the site's
 * `404.html` when there is one (as static hosts do). Nothing outside `root` is ever served.
 */
export async function startStaticServer(root: string): Promise<StaticServer> {
  const base = path.resolve(root);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      requests.push(pathname);
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { Allow: "GET, HEAD" }).end();
        return;
      }
      let file: string | undefined;
      try {
        const rel = decodeURIComponent(pathname);
        const candidate = path.resolve(base, `.${rel}`);
        if (candidate === base || candidate.startsWith(base + path.sep)) {
          const stat = await fs.stat(candidate).catch(() => undefined);
          if (stat?.isFile()) file = candidate;
          else if (stat?.isDirectory() && (await isFile(path.join(candidate, "index.html")))) {
            file = path.join(candidate, "index.html");
          }
        }
      } catch {
        // A malformed %-escape: treated as not found.
      }
      if (!file) {
        const notFound = path.join(base, "404.html");
        if (await isFile(notFound)) {
          res.writeHead(404, { "Content-Type": CONTENT_TYPES[".html"] });
          if (req.method === "HEAD") res.end();
          else createReadStream(notFound).pipe(res);
        } else {
          res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found\n");
        }
        return;
      }
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
      res.writeHead(200, { "Content-Type": type, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function isFile(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined))?.isFile() === true;
}

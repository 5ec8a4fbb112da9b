/** The preview server: serves the built site read-only on 127.0.0.1, with live reload added to HTML responses. */
import { constants as fsc, promises as fs } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ArtifactPressError } from "../errors.js";
import { COMMON_HEADERS, fileHeaders } from "./content-types.js";
import { EVENTS_PATH, EventHub, RELOAD_SCRIPT, RELOAD_SCRIPT_PATH, injectReloadScript } from "./live-reload.js";
import { inside } from "../site/inside.js";
import { parseRequestPath } from "./request-path.js";

export interface PreviewServerOptions {
  /** The folder to serve: the built site. */
  root: string;
  /** Interface to bind; default "127.0.0.1". Anything but loopback exposes the site to the network. */
  host?: string;
  /** Port; default 4321; 0 picks a free one. */
  port?: number;
}

export interface PreviewServer {
  /** `http://<host>:<port>/`. */
  url: string;
  /** The port actually bound (useful with port 0). */
  port: number;
  /**
   * Tells open pages which site files changed (paths relative to the root, e.g. `keys/alpha/index.html`);
   * a page reloads when its own file is among them.
   */
  notify(changedPaths: string[]): void;
  /** Ends the event streams and open connections and stops listening. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * Starts the preview server. Only GET and HEAD; files from `root` with their content type; a folder path serves
 * its `index.html`; a missing file serves `404.html` with status 404; no request can read outside `root`
 * (traversal, encoded separators and symlinks leading out are refused). HTML responses get the live-reload script
 * tag (`/__artifacts/reload.js`, a same-origin file) in the response only; the files are never changed.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const root = path.resolve(options.root);
  const host = options.host ?? "127.0.0.1";
  const hub = new EventHub();
  const loopbackOnly = isLoopback(host);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "Internal error", req.method === "HEAD");
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.setHeader("Allow", "GET, HEAD");
      return send(res, 405, "Method not allowed", false);
    }
    // Bound to loopback, only loopback names may reach it: a web page using DNS rebinding must not read the site.
    const asked = hostName(req.headers.host);
    if (loopbackOnly && !isLoopback(asked) && asked !== host.toLowerCase()) return send(res, 403, "Forbidden host", head);
    const parsed = parseRequestPath(req.url ?? "");
    if (!parsed.ok) return parsed.status === 404 ? notFound(res, head) : send(res, 400, "Bad request", head);
    const joined = parsed.segments.join("/");
    if (`/${joined}` === EVENTS_PATH) return head ? send(res, 200, "", true) : hub.attach(req, res);
    if (`/${joined}` === RELOAD_SCRIPT_PATH) {
      return sendBody(res, 200, { ...fileHeaders("reload.js") }, Buffer.from(RELOAD_SCRIPT), head);
    }
    const file = await locate(parsed.segments, parsed.directory);
    if (file === "redirect") {
      res.setHeader("Location", `/${parsed.segments.map(encodeURIComponent).join("/")}/`);
      return send(res, 301, "Moved", head);
    }
    if (file === undefined) return notFound(res, head);
    return serveFile(res, file, 200, head);
  }

  /** The real path of the file a request names, checked to be inside the real root; undefined when none. */
  async function locate(segments: string[], directory: boolean): Promise<string | undefined | "redirect"> {
    const realRoot = await realpathOrUndefined(root);
    if (realRoot === undefined) return undefined;
    let target = path.join(realRoot, ...segments);
    if (!inside(target, realRoot)) return undefined;
    let real = await realpathOrUndefined(target);
    if (real === undefined || !inside(real, realRoot)) return undefined;
    const stats = await fs.stat(real);
    if (stats.isDirectory()) {
      if (!directory) return "redirect";
      target = path.join(real, "index.html");
      real = await realpathOrUndefined(target);
      if (real === undefined || !inside(real, realRoot)) return undefined;
    } else if (directory) {
      return undefined;
    }
    return real;
  }

  async function notFound(res: ServerResponse, head: boolean): Promise<void> {
    const page = await locate(["404.html"], false);
    if (typeof page === "string") return serveFile(res, page, 404, head);
    return send(res, 404, "Not found", head);
  }

  async function serveFile(res: ServerResponse, file: string, status: number, head: boolean): Promise<void> {
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: a symlink swapped in after the realpath check is not followed.
      handle = await fs.open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch {
      return status === 404 ? send(res, 404, "Not found", head) : notFound(res, head);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return status === 404 ? send(res, 404, "Not found", head) : notFound(res, head);
      const headers = fileHeaders(file);
      let body = await handle.readFile();
      if (headers["Content-Type"]?.startsWith("text/html")) {
        body = Buffer.from(injectReloadScript(body.toString("utf8")), "utf8");
      }
      return sendBody(res, status, headers, body, head);
    } finally {
      await handle.close();
    }
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = JSON.stringify(`${host}:${options.port ?? 4321}`);
      const why = err.code === "EADDRINUSE" ? "the port is in use (choose another with --port)" : err.message;
      reject(new ArtifactPressError(`Cannot serve the preview on ${where}: ${why}`, { cause: err }));
    };
    server.once("error", onError);
    server.listen(options.port ?? 4321, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/`,
    port,
    notify: (changedPaths) => hub.notify(changedPaths),
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, text: string, head: boolean): void {
  sendBody(res, status, { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" }, Buffer.from(text), head);
}

function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, head: boolean): void {
  res.writeHead(status, { ...headers, "Content-Length": String(body.length) });
  res.end(head ? undefined : body);
}

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fs.realpath(p);
  } catch {
    return undefined;
  }
}

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The name part of a Host header (`localhost:4321` → `localhost`, `[::1]:4321` → `[::1]`); "" when missing. */
function hostName(header: string | undefined): string {
  if (!header) return "";
  const name = header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.replace(/:\d*$/, "");
  return name.toLowerCase();
}

import { promises as fs } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactPressError } from "../../src/errors.js";
import { RELOAD_SCRIPT_TAG, injectReloadScript } from "../../src/watch/live-reload.js";
import { parseRequestPath } from "../../src/watch/request-path.js";
import { startPreviewServer, type PreviewServer } from "../../src/watch/server.js";

const SECRET = "TOP-SECRET-OUTSIDE-ROOT";
const PAGE = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>x</title></head><body><p>home</p></body></html>\n`;

let tmp: string;
let root: string;
let server: PreviewServer;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends the request line exactly as given, over a plain socket, so nothing normalises the path on the way. */
function raw(target: string, { method = "GET", host = "127.0.0.1" } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...headerLines] = text.slice(0, split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: Buffer.from(text.slice(split + 4), "latin1").toString("utf8") });
    });
    socket.write(Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, "latin1"));
  });
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ap-serve-"));
  root = path.join(tmp, "site");
  await fs.writeFile(path.join(tmp, "secret.txt"), SECRET);
  await fs.mkdir(path.join(tmp, "outside"));
  await fs.writeFile(path.join(tmp, "outside", "secret.txt"), SECRET);
  await fs.mkdir(path.join(root, "keys", "alpha"), { recursive: true });
  await fs.mkdir(path.join(root, "assets"));
  await fs.writeFile(path.join(root, "index.html"), PAGE);
  await fs.writeFile(path.join(root, "keys", "alpha", "index.html"), PAGE.replace("home", "alpha"));
  await fs.writeFile(path.join(root, "404.html"), PAGE.replace("home", "not here"));
  await fs.writeFile(path.join(root, ".marker"), "hidden");
  const files: Record<string, string> = {
    "assets/site.css": "body{}",
    "assets/site.js": "void 0;",
    "data.json": "{}",
    "data.csv": "a,b\n",
    "feed.xml": "<x/>",
    "feed.atom": "<feed/>",
    "pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "img.png": "png",
    "img.jpg": "jpg",
    "img.gif": "gif",
    "img.webp": "webp",
    "img.avif": "avif",
    "notes.txt": "notes",
    "blob.bin": "bin",
  };
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(root, name), text);
  await fs.symlink(path.join(tmp, "secret.txt"), path.join(root, "leak.txt"));
  await fs.symlink(path.join(tmp, "outside"), path.join(root, "linkdir"));
  await fs.symlink("notes.txt", path.join(root, "inner-link.txt"));
  server = await startPreviewServer({ root, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("parseRequestPath", () => {
  it("decodes segments and refuses traversal forms", () => {
    expect(parseRequestPath("/keys/a%20b/index.html?x=1#y")).toEqual({ ok: true, segments: ["keys", "a b", "index.html"], directory: false });
    expect(parseRequestPath("/")).toEqual({ ok: true, segments: [], directory: true });
    for (const bad of ["/..", "/%2e%2e/x", "/a%2fb", "/a%5cb", "/a\\b", "/a%00", "//x", "x", "/a//b", "/C:/x", "/%E0%A4%A"]) {
      expect(parseRequestPath(bad).ok, bad).toBe(false);
    }
  });
});

describe("startPreviewServer", () => {
  it("binds 127.0.0.1 by default and reports its url", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("serves each file with its content type", async () => {
    const expected: Record<string, string> = {
      "/index.html": "text/html; charset=utf-8",
      "/assets/site.css": "text/css; charset=utf-8",
      "/assets/site.js": "text/javascript; charset=utf-8",
      "/data.json": "application/json; charset=utf-8",
      "/data.csv": "text/csv; charset=utf-8",
      "/feed.xml": "application/xml; charset=utf-8",
      "/feed.atom": "application/atom+xml; charset=utf-8",
      "/pic.svg": "image/svg+xml",
      "/img.png": "image/png",
      "/img.jpg": "image/jpeg",
      "/img.gif": "image/gif",
      "/img.webp": "image/webp",
      "/img.avif": "image/avif",
      "/notes.txt": "text/plain; charset=utf-8",
      "/blob.bin": "application/octet-stream",
    };
    for (const [target, type] of Object.entries(expected)) {
      const res = await raw(target);
      expect(res.status, target).toBe(200);
      expect(res.headers["content-type"], target).toBe(type);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
    expect((await raw("/pic.svg")).headers["content-security-policy"]).toMatch(/^default-src 'none'/);
    expect((await raw("/notes.txt")).body).toBe("notes");
  });

  it("serves a folder's index.html and redirects a folder named without its slash", async () => {
    expect((await raw("/")).body).toContain("<p>home</p>");
    expect((await raw("/keys/alpha/")).body).toContain("<p>alpha</p>");
    const redirect = await raw("/keys/alpha");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/keys/alpha/");
  });

  it("answers a missing file with 404.html and status 404, and without one with plain text", async () => {
    const res = await raw("/keys/missing/index.html");
    expect(res.status).toBe(404);
    expect(res.body).toContain("not here");
    expect(res.body).toContain(RELOAD_SCRIPT_TAG);
    const bare = await fs.mkdtemp(path.join(tmp, "bare-"));
    const other = await startPreviewServer({ root: bare, port: 0 });
    try {
      const plain = await new Promise<http.IncomingMessage>((resolve) => http.get(`${other.url}x.html`, resolve));
      plain.resume();
      expect(plain.statusCode).toBe(404);
      expect(plain.headers["content-type"]).toBe("text/plain; charset=utf-8");
    } finally {
      await other.close();
    }
  });

  it("refuses every way out of the root", async () => {
    const attempts = [
      "/../secret.txt",
      "/../../../../../../etc/passwd",
      "/keys/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/keys/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/keys%2f..%2f..%2fsecret.txt",
      "/%2F..%2F..%2Fsecret.txt",
      "/..\\secret.txt",
      "/keys\\..\\..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/..%5csecret.txt",
      "/%252e%252e/secret.txt",
      "/index.html%00.txt",
      "/%00../secret.txt",
      "//" + path.join(tmp, "secret.txt").slice(1),
      path.join(tmp, "secret.txt"),
      "/C:/secret.txt",
      "http://127.0.0.1/../secret.txt",
      "/./../secret.txt",
      "*",
      "/leak.txt",
      "/linkdir/secret.txt",
      "/linkdir/",
      "/.marker",
    ];
    for (const target of attempts) {
      const res = await raw(target);
      expect([400, 404], target).toContain(res.status);
      expect(res.body, target).not.toContain(SECRET);
    }
    // A NUL byte sent raw on the wire.
    const nul = await raw("/index.html\0/../../secret.txt");
    expect([400, 404]).toContain(nul.status);
    expect(nul.body).not.toContain(SECRET);
  });

  it("follows a symlink that stays inside the root", async () => {
    const res = await raw("/inner-link.txt");
    expect(res.status).toBe(200);
    expect(res.body).toBe("notes");
  });

  it("answers only GET and HEAD", async () => {
    const post = await raw("/index.html", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    const head = await raw("/index.html", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(injectReloadScript(PAGE)));
  });

  it("refuses a foreign Host header while bound to loopback", async () => {
    expect((await raw("/index.html", { host: "evil.example" })).status).toBe(403);
    expect((await raw("/index.html", { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it("adds the reload script to served HTML only, leaving the file unchanged", async () => {
    const before = await fs.readFile(path.join(root, "index.html"));
    const res = await raw("/index.html");
    expect(res.body).toBe(PAGE.replace("</body>", `${RELOAD_SCRIPT_TAG}</body>`));
    expect(await fs.readFile(path.join(root, "index.html"))).toEqual(before);
    expect((await raw("/assets/site.js")).body).toBe("void 0;");
    const script = await raw("/__artifacts/reload.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.body).toContain("new EventSource");
  });

  it("injects before </head> when there is no </body>, and at the end when neither", () => {
    expect(injectReloadScript("<head></head><p>x")).toBe(`<head>${RELOAD_SCRIPT_TAG}</head><p>x`);
    expect(injectReloadScript("<p>x")).toBe(`<p>x${RELOAD_SCRIPT_TAG}`);
    expect(injectReloadScript("<BODY></body ></BODY>")).toBe(`<BODY></body >${RELOAD_SCRIPT_TAG}</BODY>`);
  });

  it("sends notify() to an event stream client, and close() ends the stream and the server", async () => {
    const own = await startPreviewServer({ root, port: 0 });
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(`${own.url}__artifacts/events`, resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    res.setEncoding("utf8");
    let text = "";
    const ended = new Promise<void>((resolve) => res.on("close", resolve));
    const gotEvent = new Promise<void>((resolve) =>
      res.on("data", (chunk: string) => {
        text += chunk;
        if (text.includes("event: change")) resolve();
        if (text.startsWith("retry:") && !text.includes("event:")) own.notify(["/keys/alpha/index.html", "index.html", "index.html"]);
      }),
    );
    await gotEvent;
    await new Promise((resolve) => setImmediate(resolve));
    const data = /event: change\ndata: (.*)\n\n/.exec(text)?.[1];
    expect(JSON.parse(data!)).toEqual({ paths: ["index.html", "keys/alpha/index.html"] });
    await own.close();
    await ended;
    await expect(new Promise((resolve, reject) => http.get(own.url, resolve).on("error", reject))).rejects.toThrow();
  });

  it("reports a port in use as an ArtifactPressError", async () => {
    await expect(startPreviewServer({ root, port: server.port })).rejects.toThrow(ArtifactPressError);
    await expect(startPreviewServer({ root, port: server.port })).rejects.toThrow(/port is in use/);
  });
});

/**
 * The XSS fixture store: every payload in every string field of every record kind. What the writer accepts goes
 * through `openStore`; what it refuses (bad URLs, ids, keys, file names) is written by hand as JSON, and the
 * builder must skip it.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { openStore } from "../../src/artifacts/client.js";
import { PNG } from "../helpers/images.js";

/** A hand-written record the builder must report and skip; `file` is its path relative to the store. */
export interface RefusedFile {
  file: string;
  why: string;
}

const ALERT = "alert(1)";

/** Makes a URL the writer accepts out of a payload: raw when it parses cleanly, else percent-encoded. */
function urlWith(base: string, payload: string): string {
  const raw = `${base}?q=${payload}`;
  try {
    new URL(raw);
    if (!/[\u0000-\u001f\u007f\s]/.test(raw)) return raw;
  } catch {
    // falls through to the encoded form
  }
  return `${base}?q=${encodeURIComponent(payload)}`;
}

function stamp(ms: number): { created: string; name: string } {
  const created = new Date(ms).toISOString();
  return { created, name: `${created.replace(/:/g, "-")}.json` };
}

/**
 * Writes the store at `dir`. For payload i: a flow run named by it (every other one fails with the payload as its
 * error) with a task run of the same name, and inside them a Markdown, a link, an image (a local PNG, so the
 * description becomes its alt text) and an unkeyed Markdown artifact carrying the payload in every string field
 * the writer accepts. Tables and progress share records: one table whose columns and cells are all the payloads,
 * one list of records keyed by them; progress artifacts carry all of them in one description, and every eighth
 * alone.
 * Resolves to the hand-written files the builder must refuse.
 */
export async function writeXssStore(dir: string, payloads: readonly string[]): Promise<RefusedFile[]> {
  const store = openStore(dir, { durable: false, warn: () => undefined });
  const png = path.join(dir, "..", "pixel.png");
  await fs.writeFile(png, PNG);
  for (const [i, payload] of payloads.entries()) {
    const flow = store.flow(payload, async () => {
      await store.task(payload, async () => {
        await store.createMarkdownArtifact({ key: "xss-markdown", markdown: payload, description: payload });
        await store.createLinkArtifact({
          key: "xss-link", link: urlWith("https://evil.example/", payload), linkText: payload, description: payload,
        });
      })();
      await store.createImageArtifact({ key: "xss-image", imagePath: png, description: payload });
      await store.createMarkdownArtifact({ markdown: `# ${payload}\n\n${payload}`, description: payload });
      if (i % 2 === 1) throw new Error(payload);
    });
    await flow().catch(() => undefined);
  }
  const all = payloads.join("\n\n");
  await store.createTableArtifact({
    key: "xss-table", table: payloads.map((p, i) => [p, i, null, ...payloads]),
    columns: ["payload", "n", "empty", ...payloads.map((p, i) => `${i} ${p}`)], description: all,
  });
  await store.createTableArtifact({
    key: "xss-records", table: payloads.map((p, i) => ({ [`${i} ${p}`]: p, n: i })), description: all,
  });
  await store.createTableArtifact({ key: "xss-lists", table: payloads.map((p) => [p]) });
  await store.createProgressArtifact({ key: "xss-progress", progress: 50, description: all });
  for (const [i, payload] of payloads.entries()) {
    if (i % 8 === 0) await store.createProgressArtifact({ key: "xss-progress", progress: i % 101, description: payload });
  }
  return writeRefused(dir, payloads);
}

/** The records the writer refuses, written by hand with a valid shape and one broken rule each. */
async function writeRefused(dir: string, payloads: readonly string[]): Promise<RefusedFile[]> {
  const refused: RefusedFile[] = [];
  let ms = Date.parse("2030-01-01T00:00:00.000Z");
  let n = 0;
  const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
  async function put(folder: string, record: Record<string, unknown>, why: string): Promise<void> {
    const { created, name } = stamp(ms++);
    const full = {
      formatVersion: 1, id: uuid(), key: folder === "_unkeyed" ? null : folder, description: null,
      flowRunId: null, taskRunId: null, created, updated: created, ...record,
    };
    await fs.mkdir(path.join(dir, folder), { recursive: true });
    await fs.writeFile(path.join(dir, folder, name), JSON.stringify(full, null, 2));
    refused.push({ file: `${folder}/${name}`, why });
  }
  const badUrls = [
    `javascript:${ALERT}`, `JaVaScRiPt:${ALERT}`, `java\tscript:${ALERT}`, ` javascript:${ALERT}`,
    `vbscript:msgbox(1)`, `data:text/html,<script>${ALERT}</script>`, `data:image/svg+xml,<svg onload=${ALERT}>`,
    `file:///etc/passwd`, `//evil.example/x`, `/relative`,
  ];
  for (const url of badUrls) {
    await put("bad-link-url", { type: "link", data: { url, text: "click" } }, `link URL ${JSON.stringify(url)}`);
    await put("bad-image-url", { type: "image", data: { url } }, `image URL ${JSON.stringify(url)}`);
  }
  for (const file of ["../../../etc/passwd", "..", "x/../../y.png", "<img src=x onerror=alert(1)>.png", ".hidden.png"]) {
    await put("bad-image-file", { type: "image", data: { file, mediaType: "image/png" } }, `image file ${JSON.stringify(file)}`);
  }
  for (const payload of payloads) {
    await put("bad-ids", { type: "markdown", data: "x", id: payload }, "artifact id is a payload");
    await put("bad-ids", { type: "markdown", data: "x", flowRunId: payload }, "flowRunId is a payload");
    await put("bad-ids", { type: "markdown", data: "x", taskRunId: payload }, "taskRunId is a payload");
    await put("_unkeyed", { type: payload, data: payload }, "type is a payload");
  }
  // A folder whose name breaks the key rule, holding an otherwise valid record that claims that key.
  const badKey = `x"><svg onload=${ALERT}>`;
  const { created, name } = stamp(ms++);
  await fs.mkdir(path.join(dir, badKey), { recursive: true });
  await fs.writeFile(path.join(dir, badKey, name), JSON.stringify({
    formatVersion: 1, id: uuid(), key: badKey, type: "markdown", description: null, data: "x",
    flowRunId: null, taskRunId: null, created, updated: created,
  }));
  refused.push({ file: badKey, why: "folder name breaks the key rule" });
  // A run file whose id breaks the run-id rule.
  await fs.mkdir(path.join(dir, "_runs"), { recursive: true });
  const runFile = `_runs/${"x<svg onload=alert(1)>"}.json`;
  await fs.writeFile(path.join(dir, runFile), JSON.stringify({
    formatVersion: 1, id: "x<svg onload=alert(1)>", name: "bad", kind: "flow", parentRunId: null,
    state: "completed", error: null, startTime: created, endTime: created,
  }));
  refused.push({ file: runFile, why: "run id breaks the run-id rule" });
  return refused;
}

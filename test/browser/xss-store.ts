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

/** A URL the writer accepts carrying the payloads: each raw when that still parses cleanly, else percent-encoded. */
function urlWith(base: string, payloads: readonly string[]): string {
  const parts = payloads.map((payload, i) => {
    const raw = `q${i}=${payload}`;
    try {
      new URL(`${base}?${raw}`);
      if (!/[\u0000-\u001f\u007f\s]/.test(raw)) return raw;
    } catch {
      // falls through to the encoded form
    }
    return `q${i}=${encodeURIComponent(payload)}`;
  });
  return `${base}?${parts.join("&")}`;
}

function stamp(ms: number): { created: string; name: string } {
  const created = new Date(ms).toISOString();
  return { created, name: `${created.replace(/:/g, "-")}.json` };
}

/** Splits payloads into runs of joined length ≤ `max`, so a joined group fits a run name (1,024 characters). */
function groups(payloads: readonly string[], max = 900): string[][] {
  const out: string[][] = [[]];
  let length = 0;
  for (const p of payloads) {
    if (length + p.length + 1 > max && out[out.length - 1]!.length > 0) {
      out.push([]);
      length = 0;
    }
    out[out.length - 1]!.push(p);
    length += p.length + 1;
  }
  return out;
}

/**
 * Writes the store at `dir`. Markdown is where payloads can interact, so each payload gets its own Markdown
 * artifact (body and description). Escaped text cannot interact, so the other fields take payloads joined in
 * groups, which keeps the site small enough to open every page: per group, a flow run and a task run named by
 * the group (every other flow fails with it as its error), and a link (text, URL carrying each payload raw when
 * it still parses, description), an image (a
 * local PNG, whose alt text is the description), a progress and an unkeyed Markdown artifact. Three tables
 * carry every payload as cells and as column names. Resolves to the hand-written files the builder must refuse.
 */
export async function writeXssStore(dir: string, payloads: readonly string[]): Promise<RefusedFile[]> {
  const store = openStore(dir, { durable: false, warn: () => undefined });
  const png = path.join(dir, "..", "pixel.png");
  await fs.writeFile(png, PNG);
  for (const [g, group] of groups(payloads).entries()) {
    const joined = group.join(" ");
    const markdown = group.join("\n\n");
    const flow = store.flow(joined, async () => {
      await store.task(joined, async () => {
        for (const payload of group) {
          await store.createMarkdownArtifact({ key: "xss-markdown", markdown: payload, description: payload });
        }
        await store.createLinkArtifact({
          key: "xss-link", link: urlWith("https://evil.example/", group), linkText: joined, description: markdown,
        });
      })();
      await store.createImageArtifact({ key: "xss-image", imagePath: png, description: markdown });
      await store.createProgressArtifact({ key: "xss-progress", progress: (g * 37) % 101, description: markdown });
      await store.createMarkdownArtifact({ markdown: `# ${joined}\n\n${markdown}`, description: markdown });
      if (g % 2 === 0) throw new Error(joined);
    });
    await flow().catch(() => undefined);
  }
  await store.createTableArtifact({ key: "xss-table", table: [[...payloads]], columns: [...payloads], description: "columns" });
  await store.createTableArtifact({
    key: "xss-records", table: [Object.fromEntries(payloads.map((p, i) => [`${i} ${p}`, p]))], description: "records",
  });
  await store.createTableArtifact({ key: "xss-lists", table: payloads.map((p, i) => [p, i, null]) });
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

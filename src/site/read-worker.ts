/**
 * The reader thread of read-thread.ts: runs `streamStore` and renders each record's fragment, posting records
 * (as their file's text) and problems in store order, in batches. It waits whenever the main thread is more than
 * `maxAhead` characters behind; the main thread answers each batch with its size once taken.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { StoreProblem } from "../store/backend.js";
import { streamStore, type StreamedStore } from "./read.js";
import { fragmentKey, type ThreadData, type ThreadItem, type ThreadMessage } from "./read-thread.js";
import { packArtifact, type PackedArtifact } from "./fragments.js";
import { SiteRenderer } from "./render.js";
import { pageDiff, type ReadyDiff } from "./extras/collect.js";
import type { ArtifactRecord } from "../types.js";

/** Items and characters per batch: one message per record would cost more than it moves. */
const BATCH_ITEMS = 64;
const BATCH_CHARS = 256 * 1024;
/**
 * Items in the first batch; each next one holds twice as many, up to BATCH_ITEMS. The main thread has nothing to do
 * until the first batch comes, and 64 records read by code not yet optimised took ~30 ms of the 10k bench.
 */
const FIRST_BATCH_ITEMS = 4;

const port = parentPort!;
const { dir, maxFileSize, templatesDir, known, maxAhead, shareBelow, gated, taken } = workerData as ThreadData;
const takenCount = new BigInt64Array(taken);
const renderer = new SiteRenderer({ templatesDir });
// Fragments the main thread has (the cache) or will have (rendered here already): not rendered again.
const skip = new Set(known);

let batch: ThreadItem[] = [];
let batchChars = 0;
let batchItems = FIRST_BATCH_ITEMS;
// The packed fragments' buffers, moved with the batch.
let transfer: ArrayBuffer[] = [];
/** Characters posted; minus what the main thread has taken, how far ahead this thread is. */
let posted = 0;
const ahead = () => posted - Number(Atomics.load(takenCount, 0));
let wake: (() => void) | undefined;
// Started ahead (EarlyReader), it reads nothing before the main thread says go.
let go: (() => void) | undefined;
const started = gated ? new Promise<void>((resolve) => (go = resolve)) : undefined;
port.on("message", (msg: number | { go: true }) => {
  if (typeof msg !== "number") {
    go?.();
    return;
  }
  // The count is in `taken` already: the message only wakes a wait.
  wake?.();
});

const post = (msg: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
const flush = () => {
  if (batch.length === 0) return;
  post({ items: batch, size: batchChars }, transfer);
  posted += batchChars;
  batchItems = Math.min(BATCH_ITEMS, batchItems * 2);
  batch = [];
  transfer = [];
  batchChars = 0;
};
const add = (item: ThreadItem, chars: number) => {
  batch.push(item);
  batchChars += chars;
  if (batch.length >= batchItems || batchChars >= BATCH_CHARS) flush();
};
const report = (problem: StoreProblem) => add({ problem }, problem.path.length + problem.reason.length);
// The last record of the stream that rendered: each version's diff against it is computed here too (the diffs were
// ~0.45 s of the main thread's work on the 10k bench), and used when the main thread saw the same previous version.
let previous: ArtifactRecord | undefined;

try {
  await started;
  const rest = await streamStore(dir, { report, ...(maxFileSize === undefined ? {} : { maxFileSize }) }, async ({ record, hash, source, imagePath, text }) => {
    const key = fragmentKey(hash, imagePath);
    // A record the main thread has the fragment of (a rebuild) keeps an unchanged page, most likely: its diff is left
    // for the main thread to make if a page asks for it (ExtrasCollector's lateDiff).
    const fresh = !skip.has(key);
    let packed: PackedArtifact | undefined;
    let error: string | undefined;
    // Work sharing: when the main thread has less than `shareBelow` characters waiting it would soon sit idle, so
    // the record goes over unrendered and without its diff, and the main thread does both (the same bytes either
    // way). On a cached rebuild, with no fragment to render, that leaves most diffs to the main thread too.
    const share = ahead() < shareBelow;
    if (!skip.has(key) && !share) {
      try {
        packed = packArtifact(renderer.renderArtifact(record, imagePath));
        skip.add(key);
        transfer.push(packed.bytes.buffer as ArrayBuffer);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    let diff: ReadyDiff | undefined;
    let diffChars = 0;
    if (error === undefined) {
      if (record.key !== null && previous?.key === record.key && !share && fresh) {
        // Rendered here too when it can be (most diffs): the page then splices its HTML (~0.2 s of the page phase).
        const d = pageDiff(previous, record);
        const html = renderer.renderDiff(d);
        diff = html === undefined ? { previousId: previous.id, json: JSON.stringify(d) } : { previousId: previous.id, html };
        diffChars = "json" in diff ? diff.json.length : html!.length;
      }
      previous = record;
    }
    const item = { text, hash, source, key, ...(imagePath === undefined ? {} : { imagePath }), ...(packed ? { packed } : {}), ...(error === undefined ? {} : { error }), ...(diff ? { diff } : {}) };
    add(item, text.length + (packed?.bytes.length ?? 0) + diffChars);
    while (ahead() > maxAhead) await new Promise<void>((resolve) => (wake = resolve));
  });
  flush();
  // Each image's bytes in a buffer of its own, moved rather than copied.
  const images = rest.images.map((i) => ({ path: i.path, bytes: new Uint8Array(i.bytes) }));
  post({ done: { runs: rest.runs, images: images as unknown as StreamedStore["images"] } }, images.map((i) => i.bytes.buffer));
} catch (err) {
  flush();
  const { name, message, code } = err as NodeJS.ErrnoException;
  post({ failed: { name, message, ...(typeof code === "string" ? { code } : {}) } });
}
port.close();

/**
 * A writer thread for the site: the main thread renders while the kernel creates files (about 100 µs each, more
 * than rendering a page) on another core. Files go over in batches; the thread makes folders, writes each file
 * with "wx" (a second claim on a path is an error, as on the main thread). The first failure stops the thread and is thrown to the main thread at its next call.
 * Each file's `fstat`, taken right after writing it, comes back with the batch: the build's stamp of the site then
 * needs no `lstat` per file (see treeStamp's `known`).
 */
import { Worker } from "node:worker_threads";

// Plain CommonJS so one string runs the same from the TypeScript sources (tests) and from dist/.
const WORKER_SOURCE = `
const { closeSync, fstatSync, mkdirSync, openSync, writeSync } = require("node:fs");
const path = require("node:path");
const { parentPort } = require("node:worker_threads");
const dirs = new Set();
let failed = false;
parentPort.on("message", ({ id, files, bytes }) => {
  const reply = (msg, stats) => parentPort.postMessage({ ...msg, bytes, stats }, stats ? [bytes, stats.buffer] : [bytes]);
  // After a failure nothing more is written: batches only come back.
  if (failed) return reply({ id });
  // Per file: mode, size, mtimeMs, ctimeMs, ino.
  const stats = new Float64Array(files.length * 5);
  try {
    const all = new Uint8Array(bytes);
    let at = 0;
    let i = 0;
    for (const [abs, length] of files) {
      const dir = path.dirname(abs);
      if (!dirs.has(dir)) { mkdirSync(dir, { recursive: true }); dirs.add(dir); }
      const fd = openSync(abs, "wx");
      try {
        let done = 0;
        while (done < length) done += writeSync(fd, all, at + done, length - done);
        const s = fstatSync(fd);
        stats[i++] = s.mode; stats[i++] = s.size; stats[i++] = s.mtimeMs; stats[i++] = s.ctimeMs; stats[i++] = s.ino;
      } finally {
        closeSync(fd);
      }
      at += length;
    }
  } catch (err) {
    failed = true;
    return reply({ id, error: { message: err.message, code: err.code } });
  }
  reply({ id }, stats);
});
`;

/**
 * A file's bytes: text (written as UTF-8), bytes, or pieces of both in order — a page that splices its artifacts'
 * HTML as the UTF-8 the fragment pack holds, never decoded to text and encoded again (see SiteRenderer.renderPageParts).
 */
export type FileData = string | Uint8Array | readonly (string | Uint8Array)[];

/** The length of `data` in characters and bytes (as the write pool counts its backlog). */
export function dataLength(data: FileData): number {
  if (typeof data === "string" || data instanceof Uint8Array) return data.length;
  let n = 0;
  for (const piece of data) n += piece.length;
  return n;
}

const encoder = new TextEncoder();

/** Files per batch, and bytes per batch: one message per file would cost more than the write it saves. */
const BATCH_FILES = 64;
const BATCH_BYTES = 256 * 1024;
/** Returned buffers kept for reuse: enough for the batches in flight at the largest backlog write.ts allows. */
const SPARE_BUFFERS = 64;
/**
 * A batch's buffer: its characters and some room, as a page's UTF-8 is about as long as its text. A batch that
 * needs more (multi-byte text, a big file) grows its own buffer; the spares stay this size. Sized for the worst case
 * (3 bytes a character), 64 spares were 48 MB of a big build's peak RSS once the writer had fallen behind.
 */
const BUFFER_BYTES = BATCH_BYTES + 64 * 1024;

type Pending = { abs: string; rel: string; data: FileData | null };

/** Receives the numbers of a batch's files as written: 5 per file (mode, size, mtimeMs, ctimeMs, ino), in order. */
export type OnWritten = (rels: readonly string[], stats: Float64Array) => void;

export class WritePool {
  private readonly worker: Worker;
  private batch: Pending[] = [];
  private batchBytes = 0;
  /** Characters of each batch handed over and not yet written, and its files' site paths, by batch id. */
  private readonly inFlight = new Map<number, { chars: number; rels: string[] }>();
  private nextId = 0;
  private queuedBytes = 0;
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];
  /** Buffers the thread handed back, for the next batches. */
  private spare: ArrayBuffer[] = [];
  /** Batches kept back while held (see `hold`), in order. */
  private held: Array<{ id: number; files: (string | number)[][]; bytes: ArrayBuffer }> | undefined;

  constructor(private readonly onWritten?: OnWritten) {
    // A small young generation: the thread only passes strings through, and a large one just holds garbage longer.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.on("message", (msg: { id: number; bytes: ArrayBuffer; stats?: Float64Array; error?: { message: string; code?: string } }) => {
      // The batch's buffer comes back, to carry a later batch: no buffer is left for a collector to find.
      if (this.spare.length < SPARE_BUFFERS && msg.bytes.byteLength === BUFFER_BYTES) this.spare.push(msg.bytes);
      const batch = this.inFlight.get(msg.id)!;
      this.queuedBytes -= batch.chars;
      this.inFlight.delete(msg.id);
      if (msg.stats) this.onWritten?.(batch.rels, msg.stats);
      if (msg.error && !this.failure) this.failure = Object.assign(new Error(msg.error.message), { code: msg.error.code });
      this.wake();
    });
    this.worker.on("error", (err) => {
      this.failure ??= err;
      this.wake();
    });
    this.worker.on("exit", () => {
      this.failure ??= new Error("The site's writer thread stopped.");
      this.wake();
    });
  }

  /** Bytes handed over and not yet written. */
  get backlog(): number {
    return this.queuedBytes + this.batchBytes;
  }

  /** Queues one file; `abs` is already checked by the caller, `rel` is its site path (for `onWritten`). */
  write(abs: string, rel: string, data: FileData): void {
    this.check();
    this.batch.push({ abs, rel, data });
    this.batchBytes += dataLength(data);
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_BYTES) this.flush();
  }

  /**
   * Keeps the batches from the thread until `release`: the thread then writes nothing meanwhile, and nothing wakes
   * it (see SiteWriter.hold).
   */
  hold(): void {
    this.held ??= [];
  }

  /** Hands the thread the batches kept back, in order, and every later one as it fills. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    for (const msg of held ?? []) this.worker.postMessage(msg, [msg.bytes]);
  }

  /** Waits until at most `bytes` are waiting to be written; throws the thread's failure. */
  async drain(bytes = 0): Promise<void> {
    this.flush();
    this.release();
    while (!this.failure && this.queuedBytes > bytes) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.check();
  }

  /** Stops the thread; what was not written yet is dropped. */
  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const id = this.nextId++;
    const files = this.batch;
    this.inFlight.set(id, { chars: this.batchBytes, rels: files.map((f) => f.rel) });
    this.queuedBytes += this.batchBytes;
    // Every file's bytes in one buffer that is moved to the thread and back, never copied nor freed: pages sent as
    // strings piled up in the thread's heap, and buffers freed there waited for its rare collections (the 100k
    // store's peak RSS was 540 MB with the thread, 404 MB without).
    let buffer = this.spare.pop() ?? new ArrayBuffer(BUFFER_BYTES);
    let view = new Uint8Array(buffer);
    let at = 0;
    /** A bigger buffer with the bytes so far, when the next `need` bytes do not fit. */
    const grow = (need: number) => {
      buffer = new ArrayBuffer(Math.max(view.length * 2, at + need));
      const bigger = new Uint8Array(buffer);
      bigger.set(view.subarray(0, at));
      view = bigger;
    };
    const put = (piece: string | Uint8Array) => {
      if (typeof piece === "string") {
        // Encoded once, straight into the buffer (measuring it first, Buffer.byteLength, flattened and walked every
        // page twice: 0.16 s on the 10k bench); where it did not fit, again into a buffer with room for the worst case.
        let done = encoder.encodeInto(piece, view.subarray(at));
        if (done.read < piece.length) {
          grow(piece.length * 3);
          done = encoder.encodeInto(piece, view.subarray(at));
        }
        at += done.written;
      } else {
        if (at + piece.length > view.length) grow(piece.length);
        view.set(piece, at);
        at += piece.length;
      }
    };
    const list = files.map((f) => {
      const start = at;
      const data = f.data!;
      if (typeof data === "string" || data instanceof Uint8Array) put(data);
      else for (const piece of data) put(piece);
      f.data = null;
      return [f.abs, at - start];
    });
    if (this.held) this.held.push({ id, files: list, bytes: buffer });
    else this.worker.postMessage({ id, files: list, bytes: buffer }, [buffer]);
    this.batch = [];
    this.batchBytes = 0;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

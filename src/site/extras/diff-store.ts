/**
 * Version diffs kept on disk while a build runs: a 100,000-version store would otherwise hold every capped diff
 * in memory until its page is written. Diffs are appended to one temp file as JSON and read back by offset; the
 * few most recent reads stay parsed (a lineage page and its version pages are rendered one after another).
 */
import { mkdtempSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppendFile } from "../append-file.js";
import type { RenderedDiff, SplicedDiff, VersionDiff } from "./diff.js";

/**
 * Parsed diffs kept: each version page reads its own diff once and a lineage page its few newest, so a second read
 * is rare; kept ones outlive the scavenges and pile up in the old generation (64 were a quarter of what the page
 * phase of the 10k bench promoted: 129 → 108 MB).
 */
const KEEP_PARSED = 1;

/** Where a collector keeps its diffs: in memory (small stores, watch mode) or on disk (`DiffStore`). */
export interface DiffKeeper {
  put(diff: VersionDiff): void;
  /** Keeps the diff of version `currentId` given as its JSON. */
  putJson(currentId: string, json: string): void;
  /** Keeps a diff already rendered to its "changes" HTML. */
  putRendered(diff: RenderedDiff): void;
  get(currentId: string): VersionDiff | RenderedDiff | undefined;
  /** Like `get`, with a rendered diff's HTML as the bytes it is kept as, where it is kept as bytes. */
  getSpliced?(currentId: string): VersionDiff | RenderedDiff | SplicedDiff | undefined;
  close(): void;
}

export class MemoryDiffs implements DiffKeeper {
  private readonly map = new Map<string, VersionDiff | RenderedDiff>();
  put(diff: VersionDiff): void {
    this.map.set(diff.currentId, diff);
  }
  putJson(currentId: string, json: string): void {
    this.map.set(currentId, JSON.parse(json) as VersionDiff | RenderedDiff);
  }
  putRendered(diff: RenderedDiff): void {
    this.map.set(diff.currentId, diff);
  }
  get(currentId: string): VersionDiff | RenderedDiff | undefined {
    return this.map.get(currentId);
  }
  close(): void {
    this.map.clear();
  }
}

/** Bytes of diffs kept in memory for reading back (see AppendFile). */
const DIFF_MEMORY = 32 * 1024 * 1024;

export class DiffStore implements DiffKeeper {
  private readonly dir: string;
  private readonly file: AppendFile;
  private readonly where = new Map<string, [offset: number, length: number]>();
  private readonly parsed = new Map<string, VersionDiff | RenderedDiff>();

  /** `memory`: bytes of diffs held in memory before the file is written (see AppendFile); default DIFF_MEMORY. */
  constructor(memory = DIFF_MEMORY) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "artifact-press-diffs-"));
    this.file = new AppendFile(openSync(path.join(this.dir, "diffs.bin"), "w+"), 0, memory);
  }

  /** Keeps the diff of version `currentId`. */
  put(diff: VersionDiff): void {
    this.putJson(diff.currentId, JSON.stringify(diff));
  }

  putJson(currentId: string, json: string): void {
    this.keep(currentId, Buffer.from(json, "utf8"));
  }

  /**
   * Kept as `R`, the previous version's id, a newline and the HTML, not as JSON (which starts with `{`): most diffs
   * of a build come rendered (from the reader thread, or rendered by the collector), and the JSON of their HTML,
   * escaped and parsed back, was ~0.1 s of the 10k build's main thread and ~0.8 s of the 100k one's.
   */
  putRendered(diff: RenderedDiff): void {
    // A record's id is a UUID, checked on read; anything else goes as JSON rather than break the framing.
    if (diff.previousId.includes("\n")) this.putJson(diff.currentId, JSON.stringify(diff));
    else this.keep(diff.currentId, Buffer.from(`R${diff.previousId}\n${diff.html}`, "utf8"));
  }

  get(currentId: string): VersionDiff | RenderedDiff | undefined {
    const d = this.getSpliced(currentId);
    return d && "bytes" in d ? { previousId: d.previousId, currentId, html: Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.length).toString("utf8") } : d;
  }

  getSpliced(currentId: string): VersionDiff | RenderedDiff | SplicedDiff | undefined {
    const hit = this.parsed.get(currentId);
    if (hit) return hit;
    const at = this.where.get(currentId);
    if (!at) return undefined;
    const buf = this.file.read(at[0], at[1]);
    if (!buf) throw new Error(`diff of ${JSON.stringify(currentId)} is cut short in ${JSON.stringify(this.dir)}`);
    if (buf[0] === 0x52) {
      const nl = buf.indexOf(10);
      return { previousId: buf.toString("utf8", 1, nl), currentId, bytes: buf.subarray(nl + 1) };
    }
    const diff = JSON.parse(buf.toString("utf8")) as VersionDiff | RenderedDiff;
    if (this.parsed.size >= KEEP_PARSED) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(currentId, diff);
    return diff;
  }

  private keep(currentId: string, bytes: Buffer): void {
    this.where.set(currentId, [this.file.append(bytes), bytes.length]);
  }

  /** Removes the temp file; later `get` calls find nothing. */
  close(): void {
    this.where.clear();
    this.parsed.clear();
    try {
      this.file.discard();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

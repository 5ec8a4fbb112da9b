/**
 * The artifact fragments of a build (each artifact's rendered HTML) kept in one append-only file instead of in
 * memory: a page that shows an artifact reads its fragment back by offset. This keeps a 100,000-artifact build
 * flat in memory, and the same file is the render cache of the next build (see cache.ts).
 */
import { ftruncateSync, openSync } from "node:fs";
import { AppendFile } from "./append-file.js";
import type { RenderedArtifact } from "./render.js";

/** Where a fragment lies in the pack, with what the site model needs of it without reading it. */
export interface FragmentEntry {
  offset: number;
  length: number;
  /** The description as one line of text (index and lineage lists). */
  text: string;
  /** Site paths of the files that go with the artifact (a long table's data). */
  files: string[];
}

/** A fragment as the pack stores it, with what its entry keeps: the reader thread (read-thread.ts) hands these over. */
export interface PackedArtifact {
  /** UTF-8 JSON of the fragment, in a buffer of its own (so it can be moved to another thread). */
  bytes: Uint8Array;
  text: string;
  files: string[];
}

const encoder = new TextEncoder();

/** `artifact` serialized for the pack. */
export function packArtifact(artifact: RenderedArtifact): PackedArtifact {
  const bytes = encoder.encode(JSON.stringify([artifact.bodyParts, artifact.description, artifact.descriptionText, artifact.files, artifact.data]));
  return { bytes, text: artifact.descriptionText, files: artifact.files.map((f) => f.path) };
}

/** Bytes of fragments appended by this build kept in memory for reading back (a 10k build appends ~36 MB). */
const PACK_MEMORY = 64 * 1024 * 1024;

/** A fragment that cannot be read back: the cache is damaged; the build starts again without it. */
export class CorruptCacheError extends Error {}

/**
 * Parsed fragments kept in memory: none. A page reads one or two artifacts and the next page rarely the same ones,
 * so parsing again costs less than keeping: anything kept across pages is promoted to the old generation and
 * dies there, where V8 lets it pile up until the next full GC (`--trace-gc-nvp`, page phase of the 10k bench:
 * 8 kept promoted 87 MB, 2 kept 73 MB, none 55 MB; 512 had grown the heap by hundreds of MB at 100,000).
 */
export class FragmentPack {
  /** Appends go out in chunks (a write per fragment was 0.1 s of the main thread's read phase on the 10k bench). */
  private readonly bytes: AppendFile;

  /** Opens (or makes) the pack at `file`, keeping its first `keep` bytes: anything after them is a crashed build's. */
  constructor(readonly file: string, keep: number) {
    const fd = openSync(file, keep === 0 ? "w+" : "r+");
    ftruncateSync(fd, keep);
    this.bytes = new AppendFile(fd, keep, PACK_MEMORY);
  }

  /** Bytes in the pack, all of them written. */
  get size(): number {
    this.bytes.flush();
    return this.bytes.end;
  }

  append(artifact: RenderedArtifact | PackedArtifact): FragmentEntry {
    const { bytes, text, files } = "bytes" in artifact ? artifact : packArtifact(artifact);
    return { offset: this.bytes.append(bytes), length: bytes.length, text, files };
  }

  read(entry: FragmentEntry): RenderedArtifact {
    if (entry.offset + entry.length > this.bytes.end) throw new CorruptCacheError(`fragment at ${entry.offset} lies past the end of ${this.file}`);
    const buf = this.bytes.read(entry.offset, entry.length);
    if (!buf) throw new CorruptCacheError(`fragment at ${entry.offset} of ${this.file} is cut short`);
    let value: unknown;
    try {
      value = JSON.parse(buf.toString("utf8"));
    } catch {
      throw new CorruptCacheError(`fragment at ${entry.offset} of ${this.file} is not readable`);
    }
    if (!Array.isArray(value) || value.length !== 5 || !Array.isArray(value[0]) || !Array.isArray(value[3]) || typeof value[4] !== "string") {
      throw new CorruptCacheError(`fragment at ${entry.offset} of ${this.file} has the wrong shape`);
    }
    const [bodyParts, description, descriptionText, files, data] = value as [string[], string, string, RenderedArtifact["files"], string];
    return { bodyParts, description, descriptionText, files, data };
  }

  /** Copies the given fragments into a new pack at `file` (dropping the rest) and returns their new entries. */
  compactInto(file: string, entries: Map<string, FragmentEntry>): { pack: FragmentPack; entries: Map<string, FragmentEntry> } {
    const pack = new FragmentPack(file, 0);
    const moved = new Map<string, FragmentEntry>();
    for (const [key, entry] of entries) moved.set(key, pack.append(this.read(entry)));
    return { pack, entries: moved };
  }

  /** Writes what is pending and closes the file. */
  close(): void {
    this.bytes.close();
  }

  /** Holds no fragment in memory from now on (a big build: memory stays flat). */
  writeThrough(): void {
    this.bytes.writeThrough();
  }

  /** Closes the file without writing what is held: a scratch pack about to be removed. */
  discard(): void {
    this.bytes.discard();
  }
}

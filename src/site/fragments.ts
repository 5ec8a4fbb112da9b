/**
 * The artifact fragments of a build (each artifact's rendered HTML) kept in one append-only file instead of in
 * memory: a page that shows an artifact reads its fragment back by offset. This keeps a 100,000-artifact build
 * flat in memory, and the same file is the render cache of the next build (see cache.ts).
 */
import { fstatSync, ftruncateSync, openSync, rmSync } from "node:fs";
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
  /** The fragment as `packArtifact` writes it, in a buffer of its own (so it can be moved to another thread). */
  bytes: Uint8Array;
  text: string;
  files: string[];
}

const encoder = new TextEncoder();
/** Room for encoding one fragment, reused; a bigger fragment gets room of its own (none is kept that large). */
const scratch = new Uint8Array(256 * 1024);

/**
 * `artifact` serialized for the pack: a header line, the JSON of `[parts, files, ...byte lengths]`, then each
 * string as UTF-8 in order (body parts, description, description text, each file's path and data, table data).
 * Reading it back slices the strings out; as one JSON document the HTML's quotes were escaped on the way in and
 * unescaped on the way out (~0.1 s of the 10k build).
 */
export function packArtifact(artifact: RenderedArtifact): PackedArtifact {
  const strings = [...artifact.bodyParts, artifact.description, artifact.descriptionText];
  for (const f of artifact.files) strings.push(f.path, f.data);
  strings.push(artifact.data);
  let room = 0;
  for (const str of strings) room += str.length * 3;
  const into = room <= scratch.length ? scratch : new Uint8Array(room);
  const header: number[] = [artifact.bodyParts.length, artifact.files.length];
  let at = 0;
  for (const str of strings) {
    const { written } = encoder.encodeInto(str, into.subarray(at));
    header.push(written);
    at += written;
  }
  const head = encoder.encode(`${JSON.stringify(header)}\n`);
  const bytes = new Uint8Array(head.length + at);
  bytes.set(head);
  bytes.set(into.subarray(0, at), head.length);
  return { bytes, text: artifact.descriptionText, files: artifact.files.map((f) => f.path) };
}

/** Where each string of a packed artifact lies in its bytes (see packArtifact); undefined when the bytes are not one. */
function layout(buf: Buffer): { parts: number; files: number; bounds: number[] } | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(buf.toString("latin1", 0, nl));
  } catch {
    return undefined;
  }
  if (!Array.isArray(header) || header.length < 2 || !header.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const [parts, files] = header as number[];
  if (header.length !== 2 + parts! + 2 + files! * 2 + 1) return undefined;
  // bounds[i], bounds[i + 1]: the i-th string's start and end.
  const bounds = [nl + 1];
  for (let i = 2; i < header.length; i++) {
    const end = bounds[bounds.length - 1]! + (header[i] as number);
    if (end > buf.length) return undefined;
    bounds.push(end);
  }
  if (bounds[bounds.length - 1] !== buf.length) return undefined;
  return { parts: parts!, files: files!, bounds };
}

/** The artifact packed by `packArtifact`; undefined when the bytes are not one. */
function unpackArtifact(buf: Buffer): RenderedArtifact | undefined {
  const at = layout(buf);
  if (!at) return undefined;
  const { parts, files, bounds } = at;
  const str = (i: number) => buf.toString("utf8", bounds[i], bounds[i + 1]);
  const bodyParts: string[] = [];
  for (let i = 0; i < parts; i++) bodyParts.push(str(i));
  const fileList: RenderedArtifact["files"] = [];
  for (let i = 0; i < files; i++) fileList.push({ path: str(parts + 2 + i * 2), data: str(parts + 3 + i * 2) });
  return { bodyParts, description: str(parts), descriptionText: str(parts + 1), files: fileList, data: str(bounds.length - 2) };
}

/**
 * What a page takes of an artifact when it splices bytes (SiteRenderer.renderPageParts): the body parts and the table
 * data block as the UTF-8 the pack holds, never decoded; the description decoded, as pages may show it as text.
 */
export interface SplicedArtifact {
  bodyBytes: Uint8Array[];
  dataBytes: Uint8Array;
  description: string;
  descriptionText: string;
}

function spliceArtifact(buf: Buffer): SplicedArtifact | undefined {
  const at = layout(buf);
  if (!at) return undefined;
  const { parts, bounds } = at;
  const bodyBytes: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) bodyBytes.push(buf.subarray(bounds[i], bounds[i + 1]));
  const last = bounds.length - 2;
  return {
    bodyBytes, dataBytes: buf.subarray(bounds[last], bounds[last + 1]),
    description: buf.toString("utf8", bounds[parts], bounds[parts + 1]), descriptionText: buf.toString("utf8", bounds[parts + 1], bounds[parts + 2]),
  };
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
    let fd: number;
    if (keep === 0) {
      // A new file, not an old one truncated to nothing: ext4 writes back a file truncated to 0 when it is closed
      // ("auto_da_alloc", a guard for programs that rewrite files in place), and closing a 10k build's pack then took
      // ~18 ms of the build's end.
      rmSync(file, { force: true });
      fd = openSync(file, "wx+");
    } else {
      fd = openSync(file, "r+");
      if (fstatSync(fd).size !== keep) ftruncateSync(fd, keep);
    }
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
    return this.readAs(entry, unpackArtifact);
  }

  /** The fragment as a page splices it (see SplicedArtifact). */
  readSpliced(entry: FragmentEntry): SplicedArtifact {
    return this.readAs(entry, spliceArtifact);
  }

  private readAs<T>(entry: FragmentEntry, decode: (buf: Buffer) => T | undefined): T {
    if (entry.offset + entry.length > this.bytes.end) throw new CorruptCacheError(`fragment at ${entry.offset} lies past the end of ${this.file}`);
    const buf = this.bytes.read(entry.offset, entry.length);
    if (!buf) throw new CorruptCacheError(`fragment at ${entry.offset} of ${this.file} is cut short`);
    const artifact = decode(buf);
    if (!artifact) throw new CorruptCacheError(`fragment at ${entry.offset} of ${this.file} is not readable`);
    return artifact;
  }

  /** Copies the given fragments into a new pack at `file` (dropping the rest) and returns their new entries. */
  compactInto(file: string, entries: Map<string, FragmentEntry>): { pack: FragmentPack; entries: Map<string, FragmentEntry> } {
    const pack = new FragmentPack(file, 0);
    const moved = new Map<string, FragmentEntry>();
    for (const [key, entry] of entries) moved.set(key, pack.append(this.read(entry)));
    return { pack, entries: moved };
  }

  /** Starts writing the fragments held in memory in the background (see AppendFile.writeBehind). */
  writeBehind(): void {
    this.bytes.writeBehind();
  }

  /** Waits for `writeBehind`'s write and throws what it failed with. */
  settle(): Promise<void> {
    return this.bytes.settle();
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

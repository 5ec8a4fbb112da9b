/**
 * An append-only file of byte runs read back by offset (the fragment pack, the diff store). Appends are gathered
 * into chunks of about a megabyte. Chunks stay in memory, unwritten, up to a budget: a small build reads its runs
 * back without a system call each and may never write a scratch file at all (on the 10k bench, ~20,000 reads and
 * writing 36 + 25 MB were ~0.25 s of the main thread). Past the budget everything held is written out and the file
 * goes on as a plain write-through file read by offset, so memory stays flat for a big build. `flush` writes all;
 * `writeBehind` starts writing what is held in the background, while the chunks keep serving reads.
 *
 * A chunk is the appended runs themselves, not a copy: appending keeps the caller's bytes, which must not change
 * afterwards. Copying them into one buffer per chunk was ~50 ms of the 10k build's main thread (60 MB), and a read
 * asks for what one append gave, so it is served from that run alone.
 */
import { closeSync, readSync, writev, writevSync } from "node:fs";

const CHUNK = 1 << 20;
/**
 * Bytes read at once from the file when a read starts at most NEAR bytes after the previous one ended: the pages
 * of a big build read fragments and diffs in about the order they were appended, and a `pread` each (100,000 of
 * each at 100k artifacts) was ~1.3 s of the main thread. A read elsewhere (the index's latest versions) reads just
 * its bytes.
 */
const READ_AHEAD = 1 << 20;
const NEAR = 64 * 1024;

export class AppendFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Where the chunks end (the next chunk's offset); `last` minus the pending bytes. */
  private sealed: number;
  /** Bytes before this offset are in the file. */
  private written: number;
  private last: number;
  /** Chunks held in memory, in order, while they fit in the budget; undefined once they did not. */
  private held: Chunk[] | undefined = [];
  private heldBytes = 0;
  /** The last block read ahead from the file (see READ_AHEAD), and where the last read from the file ended. */
  private ahead: { at: number; bytes: Buffer } | undefined;
  private lastEnd = -1;
  /** The background write started by `writeBehind`, until it ends; the file is not closed before. */
  private behind: Promise<void> | undefined;
  /** Set by the first close or discard: the file number is given back once, and nothing is written after. */
  private closed = false;

  /**
   * `fd` open for reading and writing; appends start at `start`. `budget`: bytes held in memory before the file is
   * written (default 0: write through).
   */
  constructor(private readonly fd: number, start: number, private readonly budget = 0) {
    this.sealed = start;
    this.written = start;
    this.last = start;
  }

  /** Where the next append goes: every byte before it is appended (maybe not written yet). */
  get end(): number {
    return this.last;
  }

  /** Appends `bytes`; returns their offset. */
  append(bytes: Uint8Array): number {
    const offset = this.last;
    this.last += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= CHUNK) this.seal();
    return offset;
  }

  /** The `length` bytes at `offset`, or undefined when the file ends before them. */
  read(offset: number, length: number): Buffer | undefined {
    if (offset + length > this.sealed) this.seal();
    const held = this.fromMemory(offset, length);
    if (held) return held;
    // A run across two held chunks, or before the first: from the file, with everything held written first.
    if (offset + length > this.written) this.flush();
    const a = this.ahead;
    const near = offset >= this.lastEnd && offset - this.lastEnd <= NEAR;
    this.lastEnd = offset + length;
    if (a && offset >= a.at && offset + length <= a.at + a.bytes.length) return a.bytes.subarray(offset - a.at, offset - a.at + length);
    if (near && length < READ_AHEAD && offset + length <= this.written) {
      // Bytes before `written` are in the file for good: the file only grows.
      const block = this.readAt(offset, Math.min(READ_AHEAD, this.written - offset));
      if (block.length >= length) {
        this.ahead = { at: offset, bytes: block };
        return block.subarray(0, length);
      }
    }
    const buf = this.readAt(offset, length);
    return buf.length === length ? buf : undefined;
  }

  /** Up to `length` bytes at `offset` (fewer where the file ends). */
  private readAt(offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  /** Writes everything appended to the file (what is held stays held for reads). */
  flush(): void {
    this.seal();
    for (const chunk of this.held ?? []) {
      if (chunk.at >= this.written) this.write(chunk);
    }
  }

  /**
   * Starts writing the held chunks on libuv's thread pool (a 10k build's fragment pack, ~36 MB, was ~0.1 s of the
   * main thread's last steps); they stay held and serve reads. `settle` waits for it; a `flush` meanwhile writes
   * the same bytes again, which changes nothing, and `close` leaves the file open until it ends.
   */
  writeBehind(): void {
    this.seal();
    if (!this.held || this.behind) return;
    const chunks = this.held.filter((c) => c.at >= this.written);
    if (chunks.length === 0) return;
    const fd = this.fd;
    const writeAt = (pieces: Uint8Array[], at: number) => new Promise<number>((resolve, reject) => {
      writev(fd, pieces, at, (err, n) => (err ? reject(err) : resolve(n)));
    });
    this.behind = (async () => {
      for (const c of chunks) {
        for (let done = 0; done < c.length;) done += await writeAt(piecesFrom(c, done), c.at + done);
        this.written = Math.max(this.written, c.at + c.length);
      }
    })();
    // A failure is thrown by `settle`; unawaited, it must not end the process.
    this.behind.catch(() => undefined);
  }

  /** Waits for the background write of `writeBehind` (if any) and throws what it failed with. */
  async settle(): Promise<void> {
    const behind = this.behind;
    await behind;
    if (this.behind === behind) this.behind = undefined;
  }

  /** Writes everything appended and closes the file (once a background write has ended); then does nothing. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.held = undefined;
      this.closeFd();
    }
  }

  /** From now on writes every chunk as it comes, holding none (a build known to be big: see `budget`). */
  writeThrough(): void {
    this.flush();
    this.held = undefined;
  }

  /** Closes the file without writing what is held (a scratch file about to be removed). */
  discard(): void {
    if (this.closed) return;
    this.held = undefined;
    this.pending = [];
    this.closeFd();
  }

  /**
   * Closes the file now, or when the background write ends: never under a write in flight (the number could be reused).
   * Once only: a second close of the number (a failed build closes its pack twice, in its wipe and its `finally`) would
   * close whatever file took the number meanwhile.
   */
  private closeFd(): void {
    if (this.closed) return;
    this.closed = true;
    const behind = this.behind;
    if (behind === undefined) closeSync(this.fd);
    else void behind.catch(() => undefined).then(() => closeSync(this.fd));
  }

  /** Makes the pending appends a chunk: held while within the budget, else (and from then on) written. */
  private seal(): void {
    if (this.pendingBytes === 0) return;
    const pieces = this.pending;
    const ends: number[] = [];
    let end = 0;
    for (const piece of pieces) ends.push((end += piece.length));
    const chunk: Chunk = { at: this.sealed, length: this.pendingBytes, pieces, ends };
    this.sealed += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.held && this.heldBytes + chunk.length <= this.budget) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    if (this.held) {
      for (const h of this.held) if (h.at >= this.written) this.write(h);
      this.held = undefined;
    }
    this.write(chunk);
  }

  private write(chunk: Chunk): void {
    for (let done = 0; done < chunk.length;) done += writevSync(this.fd, piecesFrom(chunk, done), chunk.at + done);
    this.written = chunk.at + chunk.length;
  }

  /** The bytes from the held chunks, when one chunk holds all of them. */
  private fromMemory(offset: number, length: number): Buffer | undefined {
    const held = this.held;
    if (!held || held.length === 0 || offset < held[0]!.at) return undefined;
    let lo = 0, hi = held.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (held[mid]!.at <= offset) lo = mid;
      else hi = mid - 1;
    }
    const chunk = held[lo]!;
    const from = offset - chunk.at;
    if (from + length > chunk.length) return undefined;
    // The run that holds `from`: the first whose end lies past it.
    const { pieces, ends } = chunk;
    let a = 0, b = ends.length - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (ends[mid]! > from) b = mid;
      else a = mid + 1;
    }
    const start = ends[a]! - pieces[a]!.length;
    if (from + length <= ends[a]!) return view(pieces[a]!, from - start, length);
    // Across runs (not a read of one append): the bytes copied together.
    const out = Buffer.allocUnsafe(length);
    for (let i = a, at = 0; at < length; i++) {
      const s = i === a ? from - start : 0;
      const n = Math.min(pieces[i]!.length - s, length - at);
      out.set(pieces[i]!.subarray(s, s + n), at);
      at += n;
    }
    return out;
  }
}

/** Appended runs kept together, as they were given: `ends[i]` is where run `i` ends, from the chunk's start. */
interface Chunk {
  at: number;
  length: number;
  pieces: Uint8Array[];
  ends: number[];
}

/** `length` bytes of `bytes` from `from`, as a Buffer over the same memory. */
function view(bytes: Uint8Array, from: number, length: number): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, length);
}

/** The chunk's runs from byte `done` on (the first cut where it falls inside one), at most IOV_MAX of them. */
function piecesFrom(chunk: Chunk, done: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < chunk.pieces.length && out.length < 1024; i++) {
    const end = chunk.ends[i]!;
    if (end <= done) continue;
    const piece = chunk.pieces[i]!;
    const start = end - piece.length;
    out.push(start >= done ? piece : piece.subarray(done - start));
  }
  return out;
}

/**
 * An append-only file of byte runs read back by offset (the fragment pack, the diff store). Appends are gathered
 * into chunks of about a megabyte. Chunks stay in memory, unwritten, up to a budget: a small build reads its runs
 * back without a system call each and may never write a scratch file at all (on the 10k bench, ~20,000 reads and
 * writing 36 + 25 MB were ~0.25 s of the main thread). Past the budget everything held is written out and the file
 * goes on as a plain write-through file read by offset, so memory stays flat for a big build. `flush` writes all.
 */
import { closeSync, readSync, writeSync } from "node:fs";

const CHUNK = 1 << 20;

export class AppendFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Where the chunks end (the next chunk's offset); `last` minus the pending bytes. */
  private sealed: number;
  /** Bytes before this offset are in the file. */
  private written: number;
  private last: number;
  /** Chunks held in memory, in order, while they fit in the budget; undefined once they did not. */
  private held: { at: number; bytes: Buffer }[] | undefined = [];
  private heldBytes = 0;

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
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) return undefined;
      done += n;
    }
    return buf;
  }

  /** Writes everything appended to the file (what is held stays held for reads). */
  flush(): void {
    this.seal();
    for (const chunk of this.held ?? []) {
      if (chunk.at >= this.written) this.write(chunk.bytes, chunk.at);
    }
  }

  /** Writes everything appended and closes the file. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.held = undefined;
      closeSync(this.fd);
    }
  }

  /** From now on writes every chunk as it comes, holding none (a build known to be big: see `budget`). */
  writeThrough(): void {
    this.flush();
    this.held = undefined;
  }

  /** Closes the file without writing what is held (a scratch file about to be removed). */
  discard(): void {
    this.held = undefined;
    this.pending = [];
    closeSync(this.fd);
  }

  /** Makes the pending appends a chunk: held while within the budget, else (and from then on) written. */
  private seal(): void {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    const at = this.sealed;
    this.sealed += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.held && this.heldBytes + chunk.length <= this.budget) {
      this.held.push({ at, bytes: chunk });
      this.heldBytes += chunk.length;
      return;
    }
    if (this.held) {
      for (const h of this.held) if (h.at >= this.written) this.write(h.bytes, h.at);
      this.held = undefined;
    }
    this.write(chunk, at);
  }

  private write(chunk: Buffer, at: number): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, at + done);
    this.written = at + chunk.length;
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
    return from + length <= chunk.bytes.length ? chunk.bytes.subarray(from, from + length) : undefined;
  }
}

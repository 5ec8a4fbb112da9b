/**
 * An append-only file of byte runs read back by offset (the fragment pack, the diff store). Appends go out in
 * chunks of about a megabyte, not one system call each; a read of bytes still pending writes them first.
 */
import { closeSync, readSync, writeSync } from "node:fs";

const CHUNK = 1 << 20;

export class AppendFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushed: number;
  private last: number;

  /** `fd` open for reading and writing; appends start at `start`. */
  constructor(private readonly fd: number, start: number) {
    this.flushed = start;
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
    if (this.pendingBytes >= CHUNK) this.flush();
    return offset;
  }

  /** The `length` bytes at `offset`, or undefined when the file ends before them. */
  read(offset: number, length: number): Buffer | undefined {
    if (offset + length > this.flushed) this.flush();
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) return undefined;
      done += n;
    }
    return buf;
  }

  /** Writes what is pending. */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, this.flushed + done);
    this.flushed += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes what is pending and closes the file. */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * The one interface between the store format and everything else. The file system implements it today;
 * an object-storage backend can implement it without touching the writer or the site.
 */
import type { ArtifactDraft, ArtifactRecord, RunRecord } from "../types.js";

/** A file that could not be used, with where it is and why. */
export interface StoreProblem {
  path: string;
  reason: string;
}
export type ProblemSink = (problem: StoreProblem) => void;

/** Bytes to store beside a version (a local image), under a name the store picks. */
export interface Attachment {
  bytes: Uint8Array;
  /** File extension with its dot, e.g. ".png". */
  extension: string;
}

export interface StoreBackend {
  /** Where the store is, for messages (a folder path, a bucket URL). */
  readonly location: string;
  /** Valid keys that have a folder, sorted; anything else found is reported. */
  listKeys(report?: ProblemSink): Promise<string[]>;
  /** Version file names of a key (null: unkeyed artifacts), oldest first, which is version order. */
  listVersions(key: string | null, report?: ProblemSink): Promise<string[]>;
  /** One version, checked against the schema and the trust boundary; throws InvalidRecordError. */
  readVersion(key: string | null, name: string): Promise<ArtifactRecord>;
  /**
   * Optional pre-check for a lookup by id: false only when the version file certainly does not hold an artifact
   * whose id matches `id` (a case-insensitive pattern of the id). Whatever it answers, a match is read with
   * `readVersion` and all of its checks.
   */
  mayHoldId?(key: string | null, name: string, id: RegExp): boolean;
  /** Publish a new version; the store stamps `created`/`updated` and never overwrites another version. */
  publish(draft: ArtifactDraft, attachment?: Attachment): Promise<ArtifactRecord>;
  /** Rewrite an existing version in place, atomically (progress updates). */
  replace(record: ArtifactRecord): Promise<void>;
  /** Remove a version and the file attached to it. */
  remove(record: ArtifactRecord): Promise<void>;
  /** The bytes of a file attached to a version of `key`. */
  readAttachment(key: string | null, file: string): Promise<Buffer>;
  /** Run records, sorted by id; bad files are reported and skipped. */
  listRuns(report?: ProblemSink): Promise<RunRecord[]>;
  readRun(id: string): Promise<RunRecord | undefined>;
  /** Write (or overwrite) a run record atomically. */
  writeRun(run: RunRecord): Promise<void>;
  /** Create a run record unless one exists; true when this call created it. */
  createRunIfAbsent(run: RunRecord): Promise<boolean>;
  /** Remove a run record. */
  removeRun(id: string): Promise<void>;
}

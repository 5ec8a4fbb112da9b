/** The data model: artifact records (a union on `type`), run records, and the writer's options. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Every record on disk carries this; a reader refuses any other number. */
export const FORMAT_VERSION = 1;

export type ArtifactType = "markdown" | "link" | "image" | "table" | "progress";
export const ARTIFACT_TYPES: readonly ArtifactType[] = ["markdown", "link", "image", "table", "progress"];

interface RecordBase {
  formatVersion: typeof FORMAT_VERSION;
  /** A UUID. */
  id: string;
  /** The lineage the record belongs to; null for an unkeyed artifact. */
  key: string | null;
  /** Markdown, or null. */
  description: string | null;
  flowRunId: string | null;
  taskRunId: string | null;
  /** ISO 8601 UTC; equals the timestamp in the file name. */
  created: string;
  /** ISO 8601 UTC; moves when a progress artifact is updated in place. */
  updated: string;
}

export interface MarkdownArtifact extends RecordBase {
  type: "markdown";
  data: string;
}
export interface LinkArtifact extends RecordBase {
  type: "link";
  data: { url: string; text: string | null };
}
export type ImageData = { url: string } | { file: string; mediaType: ImageMediaType };
export interface ImageArtifact extends RecordBase {
  type: "image";
  data: ImageData;
}
export interface TableData {
  columns: string[] | null;
  rows: JsonValue[][];
}
export interface TableArtifact extends RecordBase {
  type: "table";
  data: TableData;
}
export interface ProgressArtifact extends RecordBase {
  type: "progress";
  data: number;
}

export type ArtifactRecord = MarkdownArtifact | LinkArtifact | ImageArtifact | TableArtifact | ProgressArtifact;

export type ImageMediaType = "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif";

export type RunKind = "flow" | "task";
export type RunState = "running" | "completed" | "failed" | "unknown";

export interface RunRecord {
  formatVersion: typeof FORMAT_VERSION;
  id: string;
  name: string;
  kind: RunKind;
  /** The enclosing flow run; null for a top-level flow. */
  parentRunId: string | null;
  state: RunState;
  /** The error message of a failed run. */
  error: string | null;
  startTime: string;
  /** Null while running (or when an outside system runs it). */
  endTime: string | null;
}

/** A record before the store stamps it: the store picks `created`/`updated` when it publishes. */
export type ArtifactDraft = Omit<ArtifactRecord, "created" | "updated"> & { created?: undefined; updated?: undefined };

// ---- writer options (loose in; see artifacts/normalize.ts for the complete form) ----

interface CommonOptions {
  /** The lineage key (1–64 of a-z 0-9 -); omitted → an unkeyed artifact. */
  key?: string;
  /** Markdown shown above the artifact; default none. */
  description?: string;
}
export interface LinkOptions extends CommonOptions {
  /** Absolute http:, https: or mailto: URL. */
  link: string;
  /** Text shown for the link; default the URL. */
  linkText?: string;
}
export interface MarkdownOptions extends CommonOptions {
  markdown: string;
}
/** A list of records, a list of lists, or a record of lists. */
export type TableInput = Record<string, unknown>[] | unknown[][] | Record<string, unknown[]>;
export interface TableOptions extends CommonOptions {
  table: TableInput;
  /** Column names for a list of lists; default none (no header row). */
  columns?: string[];
}
export interface ImageOptions extends CommonOptions {
  /** A public http: or https: URL; give this or `imagePath`. */
  imageUrl?: string;
  /** A local PNG, JPEG, GIF, WebP or AVIF file copied into the store; give this or `imageUrl`. */
  imagePath?: string;
}
export interface ProgressOptions extends CommonOptions {
  /** 0–100; values outside are clamped with a warning. */
  progress: number;
}
export interface UpdateProgressOptions {
  artifactId: string;
  progress: number;
  /** Replaces the description when given. */
  description?: string;
}

/** Limits enforced by the writer (and, for file size, by the reader). */
export interface Limits {
  /** Bytes of Markdown (UTF-8); default 1 MiB. */
  maxMarkdownBytes: number;
  /** Bytes of a description (UTF-8); default 1 MiB. */
  maxDescriptionBytes: number;
  /** Rows of a table; default 100,000. */
  maxTableRows: number;
  /** Bytes of one record file or attached image; default 32 MiB. */
  maxFileSize: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMarkdownBytes: 1024 * 1024,
  maxDescriptionBytes: 1024 * 1024,
  maxTableRows: 100_000,
  maxFileSize: 32 * 1024 * 1024,
});

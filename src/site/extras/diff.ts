/**
 * What changed from one version of a key to the next, computed at build time for the lineage and artifact pages:
 * Markdown as a line diff, tables by rows and cells, links before → after, images side by side (the template
 * shows both rendered images), progress as a number change, and the description as a line diff.
 */
import type { ArtifactRecord, ArtifactType } from "../../types.js";
import { diffText, type LineDiff, type LineDiffOptions } from "./diff-lines.js";
import { diffTable, type TableDiff, type TableDiffOptions } from "./diff-table.js";

export type BodyDiff =
  | { kind: "markdown"; lines: LineDiff }
  | { kind: "table"; table: TableDiff }
  | { kind: "link"; before: { url: string; text: string | null }; after: { url: string; text: string | null } }
  | { kind: "image" }
  | { kind: "progress"; before: number; after: number; delta: number }
  /** The type itself changed: the template shows both versions side by side. */
  | { kind: "type"; before: ArtifactType; after: ArtifactType };

export interface VersionDiff {
  previousId: string;
  currentId: string;
  /** True when content and description are equal (e.g. a re-published report). */
  unchanged: boolean;
  /** Null when the content is equal. */
  body: BodyDiff | null;
  /** Null when the description is equal. */
  description: LineDiff | null;
}

/**
 * A diff already rendered to its "changes" HTML (by the reader thread, see SiteRenderer.renderDiff), standing in
 * for the VersionDiff it was made from: the page splices `html` instead of rendering the diff again.
 */
export interface RenderedDiff {
  previousId: string;
  currentId: string;
  html: string;
}

/** A rendered diff whose HTML is still the UTF-8 it was kept as, for a page that splices bytes (see DiffStore). */
export interface SplicedDiff {
  previousId: string;
  currentId: string;
  bytes: Uint8Array;
}

export interface DiffOptions {
  lines?: LineDiffOptions;
  table?: TableDiffOptions;
}

/** Rounds away float noise (0.1 + 0.2) so a progress change reads like its values. */
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Whether two parsed JSON values have the same JSON text (object members in the same order), without writing it:
 * two versions of a table almost always differ within their first rows, and writing both tables out to compare them
 * was ~90 ms of the 10k build.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function bodyDiff(previous: ArtifactRecord, current: ArtifactRecord, options: DiffOptions): BodyDiff | null {
  if (previous.type !== current.type) return { kind: "type", before: previous.type, after: current.type };
  switch (current.type) {
    case "markdown": {
      const before = previous.data as string;
      return before === current.data ? null : { kind: "markdown", lines: diffText(before, current.data, options.lines) };
    }
    case "table": {
      const before = previous.data as typeof current.data;
      if (sameJson(before, current.data)) return null;
      return { kind: "table", table: diffTable(before, current.data, options.table) };
    }
    case "link": {
      const before = previous.data as typeof current.data;
      return before.url === current.data.url && before.text === current.data.text ? null
        : { kind: "link", before: { url: before.url, text: before.text }, after: { url: current.data.url, text: current.data.text } };
    }
    case "image":
      return sameJson(previous.data, current.data) ? null : { kind: "image" };
    case "progress": {
      const before = previous.data as number;
      return before === current.data ? null : { kind: "progress", before, after: current.data, delta: round(current.data - before) };
    }
    default:
      return null;
  }
}

/** The diff of `current` against `previous` (the version just before it in its key). */
export function diffVersions(previous: ArtifactRecord, current: ArtifactRecord, options: DiffOptions = {}): VersionDiff {
  const body = bodyDiff(previous, current, options);
  const description = (previous.description ?? "") === (current.description ?? "")
    ? null : diffText(previous.description ?? "", current.description ?? "", options.lines);
  return { previousId: previous.id, currentId: current.id, unchanged: body === null && description === null, body, description };
}

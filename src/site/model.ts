/**
 * The site model (pure): records and runs in, the list of pages out, each with the data it shows and the
 * inputs it reads. Watch mode and any render cache stand on `inputs`: a page must be re-rendered exactly when
 * one of its inputs changes.
 */
import type { ArtifactRecord, RunRecord } from "../types.js";
import { INDEX_PAGE, KEY_PAGE_VERSIONS, NOT_FOUND_PAGE, RUNS_PAGE, artifactPage, keyPage, keyPageCount, keyVersionsPage, runPage } from "./paths.js";

/**
 * What a page reads. `records`: artifact ids whose content it shows. `runs`: run ids whose record it shows.
 * `keys`: keys whose list of versions it shows (a new or deleted version changes it). `runMembers`: runs whose
 * list of artifacts and child runs it shows. `lists`: whole collections it enumerates (every key, every run,
 * the unkeyed artifacts without a run).
 */
export interface PageInputs {
  records: string[];
  runs: string[];
  keys: string[];
  runMembers: string[];
  lists: ("keys" | "runs" | "orphans")[];
}

export interface KeySummary {
  key: string;
  latest: ArtifactRecord;
  versions: number;
}

/** A run with what hangs off it. */
export interface RunSummary {
  run: RunRecord;
  /** Artifacts created in it (a flow's include its tasks'), oldest first. */
  artifacts: ArtifactRecord[];
  /** Its task runs (and sub-flows), by start time. */
  children: RunRecord[];
  parent: RunRecord | undefined;
}

/** One version in its lineage. */
export interface VersionInfo {
  record: ArtifactRecord;
  /** 1-based, oldest first. */
  number: number;
  total: number;
  previous: ArtifactRecord | undefined;
  next: ArtifactRecord | undefined;
}

/**
 * Where one page of a key's version list stands, for a key with more than KEY_PAGE_VERSIONS versions (a key with
 * fewer has one page and no paging). Pages count from the newest: page 1 is the key page.
 */
export interface KeyPaging {
  /** This page, 1-based. */
  page: number;
  /** Pages of the key in all. */
  pages: number;
  /** Versions of the key in all. */
  total: number;
  /** Version numbers (1-based, oldest first) of the newest and the oldest version this page lists. */
  newest: number;
  oldest: number;
}

export type Page =
  | { kind: "index"; path: string; keys: KeySummary[]; recentRuns: RunSummary[]; runCount: number; orphans: ArtifactRecord[]; inputs: PageInputs }
  /**
   * A key's lineage page. `versions`: every version, newest first (the count, trends and recent changes read them);
   * its list shows the first KEY_PAGE_VERSIONS of them, and `paging` is set when there are more.
   */
  | { kind: "key"; path: string; key: string; versions: ArtifactRecord[]; paging?: KeyPaging; inputs: PageInputs }
  /** A further page of a key's version list (page 2 and on): `versions` are the ones it lists, newest first. */
  | { kind: "key-versions"; path: string; key: string; versions: ArtifactRecord[]; paging: KeyPaging; inputs: PageInputs }
  | { kind: "artifact"; path: string; version: VersionInfo | undefined; record: ArtifactRecord; inputs: PageInputs }
  | { kind: "runs"; path: string; runs: RunSummary[]; inputs: PageInputs }
  | { kind: "run"; path: string; summary: RunSummary; inputs: PageInputs }
  | { kind: "404"; path: string; inputs: PageInputs };

export interface SiteModel {
  title: string;
  pages: Page[];
  /** Run records by id: templates link a record's runs only when the run exists. */
  runs: Map<string, RunRecord>;
  /** Artifact records by id, for the render stage's one-time artifact HTML. */
  records: ArtifactRecord[];
}

/** How many runs the index lists; the rest are on `runs/index.html`. */
export const RECENT_RUNS = 10;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
/** Newest first by start time, ties by id, so the order never depends on the listing order. */
function byStartDesc(a: RunRecord, b: RunRecord): number {
  return cmp(b.startTime, a.startTime) || cmp(a.id, b.id);
}
function byCreated(a: ArtifactRecord, b: ArtifactRecord): number {
  return cmp(a.created, b.created) || cmp(a.id, b.id);
}
function emptyInputs(): PageInputs {
  return { records: [], runs: [], keys: [], runMembers: [], lists: [] };
}
function runIdsOf(record: ArtifactRecord, runs: Map<string, RunRecord>): string[] {
  const ids: string[] = [];
  if (record.flowRunId && runs.has(record.flowRunId)) ids.push(record.flowRunId);
  if (record.taskRunId && runs.has(record.taskRunId) && record.taskRunId !== record.flowRunId) ids.push(record.taskRunId);
  return ids;
}

/** What a page reads when the caller asked for no inputs: one shared, frozen, empty value. */
const NO_INPUTS: PageInputs = Object.freeze({ records: [], runs: [], keys: [], runMembers: [], lists: [] }) as unknown as PageInputs;

/**
 * Builds every page. `records` may come in any order; the result does not depend on it. `inputs: false` (default
 * true) leaves every page's `inputs` empty: a one-shot build never reads them, and at 100,000 artifacts they are
 * half a million arrays.
 */
export function buildModel(input: { title: string; records: ArtifactRecord[]; runs: RunRecord[]; inputs?: boolean }): SiteModel {
  const want = input.inputs !== false;
  /** The inputs of a page, computed only when wanted. */
  const ins = (make: () => PageInputs): PageInputs => (want ? make() : NO_INPUTS);

  const runs = new Map<string, RunRecord>();
  // Run ids that differ only in case would share a page on a case-insensitive disk (and `index`/`Index` share
  // runs/_index.html anywhere): the first in id order wins; the store reports the others.
  const folded = new Set<string>();
  for (const run of [...input.runs].sort((a, b) => cmp(a.id, b.id))) {
    const lower = run.id.toLowerCase();
    if (folded.has(lower)) continue;
    folded.add(lower);
    runs.set(run.id, run);
  }

  const lineages = new Map<string, ArtifactRecord[]>();
  const unkeyed: ArtifactRecord[] = [];
  for (const record of input.records) {
    if (record.key === null) unkeyed.push(record);
    else (lineages.get(record.key) ?? lineages.set(record.key, []).get(record.key)!).push(record);
  }
  const keys = [...lineages.keys()].sort(cmp);
  // Version order is the file-name order, which is `created` order (DESIGN §1).
  for (const key of keys) lineages.get(key)!.sort(byCreated);
  unkeyed.sort(byCreated);

  const summaries = summariseRuns(runs, [...input.records].sort(byCreated));
  const pages: Page[] = [];

  const keySummaries: KeySummary[] = keys.map((key) => {
    const versions = lineages.get(key)!;
    return { key, latest: versions[versions.length - 1]!, versions: versions.length };
  });
  const orphans = unkeyed.filter((r) => runIdsOf(r, runs).length === 0).reverse();
  const allRuns = [...summaries.values()].sort((a, b) => byStartDesc(a.run, b.run));
  // The index lists flows (task runs are reachable from their flow), newest first.
  const recentRuns = allRuns.filter((s) => s.run.kind === "flow" || !s.parent).slice(0, RECENT_RUNS);
  pages.push({
    kind: "index", path: INDEX_PAGE, keys: keySummaries, recentRuns, runCount: runs.size, orphans,
    inputs: ins(() => ({
      records: [...keySummaries.map((k) => k.latest.id), ...orphans.map((r) => r.id)],
      runs: unique([...recentRuns.map((s) => s.run.id), ...keySummaries.flatMap((k) => runIdsOf(k.latest, runs))]),
      keys: keys.slice(), runMembers: recentRuns.map((s) => s.run.id), lists: ["keys", "runs", "orphans"],
    })),
  });

  for (const key of keys) {
    const versions = lineages.get(key)!;
    const newestFirst = versions.slice().reverse();
    const total = versions.length;
    const count = keyPageCount(total);
    const paging = (page: number, listed: ArtifactRecord[]): KeyPaging =>
      ({ page, pages: count, total, newest: total - (page - 1) * KEY_PAGE_VERSIONS, oldest: total - (page - 1) * KEY_PAGE_VERSIONS - listed.length + 1 });
    // The key page reads every version (trends cover them all) but shows the runs of the versions it lists only.
    const first = newestFirst.slice(0, KEY_PAGE_VERSIONS);
    pages.push({
      kind: "key", path: keyPage(key), key, versions: newestFirst, ...(count > 1 ? { paging: paging(1, first) } : {}),
      inputs: ins(() => ({
        ...emptyInputs(), records: newestFirst.map((r) => r.id),
        runs: unique(first.flatMap((r) => runIdsOf(r, runs))), keys: [key],
      })),
    });
    for (let page = 2; page <= count; page++) {
      const listed = newestFirst.slice((page - 1) * KEY_PAGE_VERSIONS, page * KEY_PAGE_VERSIONS);
      pages.push({
        kind: "key-versions", path: keyVersionsPage(key, page), key, versions: listed, paging: paging(page, listed),
        // Which versions a page lists moves with every version added or deleted: the key's version list is an input.
        inputs: ins(() => ({ ...emptyInputs(), records: listed.map((r) => r.id), runs: unique(listed.flatMap((r) => runIdsOf(r, runs))), keys: [key] })),
      });
    }
    versions.forEach((record, i) => {
      const version: VersionInfo = { record, number: i + 1, total: versions.length, previous: versions[i - 1], next: versions[i + 1] };
      pages.push(artifactPageOf(record, version, runs, key, want));
    });
  }
  for (const record of unkeyed) pages.push(artifactPageOf(record, undefined, runs, null, want));

  pages.push({
    kind: "runs", path: RUNS_PAGE, runs: allRuns,
    inputs: ins(() => ({ ...emptyInputs(), runs: allRuns.map((s) => s.run.id), runMembers: allRuns.map((s) => s.run.id), lists: ["runs"] })),
  });
  for (const summary of [...summaries.values()]) {
    pages.push({
      kind: "run", path: runPage(summary.run.id), summary,
      inputs: ins(() => ({
        ...emptyInputs(),
        records: summary.artifacts.map((r) => r.id),
        runs: unique([summary.run.id, ...(summary.parent ? [summary.parent.id] : []), ...summary.children.map((c) => c.id),
          ...summary.artifacts.flatMap((r) => runIdsOf(r, runs))]),
        runMembers: [summary.run.id],
      })),
    });
  }
  pages.push({ kind: "404", path: NOT_FOUND_PAGE, inputs: ins(emptyInputs) });
  return { title: input.title, pages, runs, records: input.records };
}

function artifactPageOf(record: ArtifactRecord, version: VersionInfo | undefined, runs: Map<string, RunRecord>, key: string | null, want: boolean): Page {
  return {
    kind: "artifact", path: artifactPage(record.id), record, version,
    inputs: !want ? NO_INPUTS : {
      ...emptyInputs(),
      // Neighbours are shown by link and time only, but their existence is read through the key's version list.
      records: [record.id],
      runs: runIdsOf(record, runs),
      keys: key === null ? [] : [key],
    },
  };
}

function summariseRuns(runs: Map<string, RunRecord>, recordsByCreated: ArtifactRecord[]): Map<string, RunSummary> {
  const out = new Map<string, RunSummary>();
  for (const run of runs.values()) {
    const parent = run.parentRunId !== null && run.parentRunId !== run.id ? runs.get(run.parentRunId) : undefined;
    out.set(run.id, { run, artifacts: [], children: [], parent });
  }
  for (const summary of out.values()) {
    if (summary.parent) out.get(summary.parent.id)!.children.push(summary.run);
  }
  for (const summary of out.values()) summary.children.sort((a, b) => -byStartDesc(a, b));
  for (const record of recordsByCreated) {
    for (const id of runIdsOf(record, runs)) out.get(id)!.artifacts.push(record);
  }
  return out;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)].sort(cmp);
}

/**
 * A record without its data and description: the pages take its HTML and description text from the fragment pack,
 * so neither need stay in memory (the page keys stand on the record file's hash, not on these fields).
 */
export function slimRecord(record: ArtifactRecord, shared: Interner): ArtifactRecord {
  return {
    ...record, data: null, description: null, key: shared.of(record.key), type: shared.of(record.type),
    flowRunId: shared.of(record.flowRunId), taskRunId: shared.of(record.taskRunId),
    updated: record.updated === record.created ? record.created : record.updated,
  } as unknown as ArtifactRecord;
}

/**
 * One string for equal values: every record file parses to its own copy of its key, type and run ids, which the
 * build kept for each of its records (at 100,000 records ~40 % of the live heap was strings, and a big build's
 * time goes to full collections of that heap: see LARGE_STORE in build.ts).
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  of<T extends string | null>(value: T): T {
    if (value === null) return value;
    const hit = this.strings.get(value);
    if (hit !== undefined) return hit as T;
    this.strings.set(value, value);
    return value;
  }
}

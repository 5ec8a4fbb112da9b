/**
 * Which pages a batch of store changes can change, from the page → inputs map of the site model: a page is
 * rendered again when it is new, or when its inputs (before or after the batch) name a record, run, key, run's
 * members or list that the batch changed. Everything else keeps the bytes it has.
 */
import type { Page, PageInputs, SiteModel } from "../site/model.js";
import { runPage } from "../site/paths.js";
import type { ArtifactRecord, RunRecord } from "../types.js";
import type { Touched } from "./store-state.js";

/** What the dirty check compares between two moments, beside the model itself. */
export interface StoreSignature {
  /** Shown records by lowercased id. */
  byId: Map<string, ArtifactRecord>;
  /** Each key's versions in order. */
  byKey: Map<string, ArtifactRecord[]>;
  /** The unkeyed artifacts without a run, as the index lists them. */
  orphans: string;
}

export interface ModelState {
  model: SiteModel;
  pages: Map<string, Page>;
  signature: StoreSignature;
}

/** The lists this module knows how to follow; a page reading any other list is rendered on every batch. */
const KNOWN_LISTS = new Set(["keys", "runs", "orphans"]);

export function storeSignature(records: ArtifactRecord[], runs: Map<string, RunRecord>): StoreSignature {
  const byId = new Map<string, ArtifactRecord>();
  const byKey = new Map<string, ArtifactRecord[]>();
  const orphans: string[] = [];
  for (const record of records) {
    byId.set(record.id.toLowerCase(), record);
    if (record.key !== null) (byKey.get(record.key) ?? byKey.set(record.key, []).get(record.key)!).push(record);
    else if (!(record.flowRunId && runs.has(record.flowRunId)) && !(record.taskRunId && runs.has(record.taskRunId))) orphans.push(record.id);
  }
  return { byId, byKey, orphans: orphans.join(",") };
}

/** A key's version list as its pages show it: which records, in which order, created when. */
function lineage(versions: ArtifactRecord[] | undefined): string {
  return versions ? versions.map((r) => `${r.id}@${r.created}`).join(",") : "";
}

/** What pages listing a run's members read of it: its artifacts and related runs. */
function members(page: Page | undefined): string {
  return page ? JSON.stringify([page.inputs.records, page.inputs.runs]) : "";
}

/** The pages of `next` to render again after a batch, lists (index, runs index) last. */
export function dirtyPages(before: ModelState, next: ModelState, touched: Touched): Page[] {
  const ids = touched.ids;
  const runs = touched.runs;
  const keys = new Set<string>();
  const lists = new Set<string>();
  const anything = ids.size + runs.size + touched.folders.size > 0;

  for (const folder of touched.folders) {
    if (folder === null) continue;
    const a = before.signature.byKey.get(folder);
    const b = next.signature.byKey.get(folder);
    if (!a !== !b) lists.add("keys");
    if (lineage(a) !== lineage(b)) keys.add(folder);
  }
  for (const id of runs) if (before.model.runs.has(id) !== next.model.runs.has(id)) lists.add("runs");
  if (before.signature.orphans !== next.signature.orphans) lists.add("orphans");

  // Runs whose artifacts or child runs may have changed: those of the records and runs the batch touched.
  const candidates = new Set<string>(runs);
  for (const id of ids) {
    for (const record of [before.signature.byId.get(id), next.signature.byId.get(id)]) {
      if (record?.flowRunId) candidates.add(record.flowRunId);
      if (record?.taskRunId) candidates.add(record.taskRunId);
    }
  }
  for (const id of runs) {
    for (const run of [before.model.runs.get(id), next.model.runs.get(id)]) if (run?.parentRunId) candidates.add(run.parentRunId);
  }
  const runMembers = new Set<string>();
  for (const id of candidates) {
    const page = runPage(id);
    if (members(before.pages.get(page)) !== members(next.pages.get(page))) runMembers.add(id);
  }

  // Ids as pages spell them (a record's own spelling), so the check over every page needs no lowercasing.
  const spelled = new Set<string>();
  for (const id of ids) {
    spelled.add(id);
    for (const state of [before, next]) {
      const record = state.signature.byId.get(id);
      if (!record) continue;
      spelled.add(record.id);
      // A version's page shows its diff against the version before, so the next version's page reads this record
      // too (the model's inputs do not say so yet).
      if (record.key !== null) {
        const lineage = state.signature.byKey.get(record.key)!;
        const after = lineage[lineage.indexOf(record) + 1];
        if (after) spelled.add(after.id);
      }
    }
  }
  const hit = (inputs: PageInputs): boolean =>
    inputs.records.some((id) => spelled.has(id)) ||
    inputs.runs.some((id) => runs.has(id)) ||
    inputs.keys.some((key) => keys.has(key)) ||
    inputs.runMembers.some((id) => runMembers.has(id)) ||
    inputs.lists.some((list) => lists.has(list) || (anything && !KNOWN_LISTS.has(list)));

  const dirty: Page[] = [];
  const last: Page[] = [];
  for (const page of next.model.pages) {
    const old = before.pages.get(page.path);
    if (old && !hit(page.inputs) && !hit(old.inputs)) continue;
    (page.inputs.lists.length > 0 ? last : dirty).push(page);
  }
  return [...dirty, ...last];
}

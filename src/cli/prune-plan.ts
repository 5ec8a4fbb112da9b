/**
 * Retention: what `prune` removes. Planning reads the store and decides; applying removes exactly the plan, so
 * `--dry-run` and the real run list the same things.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ArtifactStore } from "../artifacts/client.js";
import { UnsafePathError } from "../errors.js";
import type { ProblemSink } from "../store/backend.js";
import { FsStore, RUNS_DIR, TMP_DIR, UNKEYED_DIR } from "../store/fs-store.js";
import { versionFileName } from "../store/rules.js";
import type { ArtifactRecord, RunRecord } from "../types.js";

export interface PruneOptions {
  /** Keep the newest N versions of each key; default: no count rule. */
  keep?: number;
  /** Remove what was created longer ago than this many ms; default: no age rule. */
  olderThanMs?: number;
  now: Date;
  /** Temp files older than this are leftovers of crashed writers; default one hour. */
  tmpMaxAgeMs?: number;
}

export interface PrunePlan {
  /** Versions to remove, sorted by key (unkeyed last) then oldest first. */
  versions: ArtifactRecord[];
  /** Run records to remove, sorted by id. */
  runs: RunRecord[];
  /** Names of files in `_tmp/`, sorted. */
  tmpFiles: string[];
}

const HOUR = 3_600_000;

export async function planPrune(store: ArtifactStore, options: PruneOptions, report?: ProblemSink): Promise<PrunePlan> {
  const cutoff = options.olderThanMs === undefined ? undefined : options.now.getTime() - options.olderThanMs;
  const isOld = (iso: string) => cutoff !== undefined && Date.parse(iso) < cutoff;
  const versions: ArtifactRecord[] = [];
  const kept: ArtifactRecord[] = [];

  for (const key of await store.backend.listKeys(report)) {
    const newestFirst = await store.versions(key, report);
    newestFirst.forEach((record, index) => {
      // The latest version always stays; otherwise every rule given must agree.
      const byCount = options.keep === undefined || index >= options.keep;
      const byAge = cutoff === undefined || isOld(record.created);
      const goes = index > 0 && byCount && byAge && (options.keep !== undefined || cutoff !== undefined);
      (goes ? versions : kept).push(record);
    });
  }
  // Unkeyed artifacts have no lineage to count: only the age rule applies to them.
  for (const record of await store.unkeyed(report)) (isOld(record.created) ? versions : kept).push(record);

  const runs = cutoff === undefined ? [] : planRuns(await store.listRuns(report), kept, isOld);
  versions.sort(byKeyThenCreated);
  return { versions, runs, tmpFiles: await oldTempFiles(store, options.now.getTime() - (options.tmpMaxAgeMs ?? HOUR)) };
}

/** Old runs that no remaining artifact refers to and that no remaining run names as its parent. */
function planRuns(all: RunRecord[], kept: ArtifactRecord[], isOld: (iso: string) => boolean): RunRecord[] {
  const referenced = new Set<string>();
  for (const r of kept) {
    if (r.flowRunId) referenced.add(r.flowRunId);
    if (r.taskRunId) referenced.add(r.taskRunId);
  }
  const goes = new Set(all.filter((run) => isOld(run.endTime ?? run.startTime) && !referenced.has(run.id)).map((r) => r.id));
  // A run that stays keeps its parent flow run, up the chain.
  for (let changed = true; changed;) {
    changed = false;
    for (const run of all) {
      if (!goes.has(run.id) && run.parentRunId && goes.delete(run.parentRunId)) changed = true;
    }
  }
  return all.filter((run) => goes.has(run.id));
}

function byKeyThenCreated(a: ArtifactRecord, b: ArtifactRecord): number {
  const ka = a.key ?? "\uffff", kb = b.key ?? "\uffff";
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.created < b.created ? -1 : a.created > b.created ? 1 : 0;
}

function fsBackend(store: ArtifactStore): FsStore {
  if (!(store.backend instanceof FsStore)) throw new Error("prune needs a file-system store");
  return store.backend;
}

/** Regular files in `_tmp/` last modified before `before` (ms); a symlinked `_tmp` is refused. */
async function oldTempFiles(store: ArtifactStore, before: number): Promise<string[]> {
  const dir = path.join(fsBackend(store).root, TMP_DIR);
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat) return [];
  if (!stat.isDirectory()) throw new UnsafePathError(dir, "the temp folder is not a plain folder");
  const names: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = await fs.lstat(path.join(dir, entry.name)).catch(() => undefined);
    if (file && file.mtimeMs < before) names.push(entry.name);
  }
  return names.sort();
}

/** Store-relative paths of what the plan removes, in plan order (for the listing). */
export function planPaths(plan: PrunePlan): string[] {
  return [
    ...plan.versions.map((r) => `${r.key ?? UNKEYED_DIR}/${versionFileName(Date.parse(r.created))}`),
    ...plan.runs.map((r) => `${RUNS_DIR}/${r.id}.json`),
    ...plan.tmpFiles.map((name) => `${TMP_DIR}/${name}`),
  ];
}

/** Removes what the plan lists (versions with their attached files); calls `removed` after each one. */
export async function applyPrune(store: ArtifactStore, plan: PrunePlan, removed: (path: string) => void): Promise<void> {
  const paths = planPaths(plan);
  let i = 0;
  for (const record of plan.versions) {
    await store.backend.remove(record);
    removed(paths[i++]!);
  }
  for (const run of plan.runs) {
    await store.backend.removeRun(run.id);
    removed(paths[i++]!);
  }
  const tmp = path.join(fsBackend(store).root, TMP_DIR);
  for (const name of plan.tmpFiles) {
    await fs.rm(path.join(tmp, name), { force: true });
    removed(paths[i++]!);
  }
}

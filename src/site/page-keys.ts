/**
 * A page's cache key: a hash of everything its HTML is made from — the page's own model data, with each record
 * standing as the hash of its file (and of the runs it links to) and each run as the hash of its record — plus
 * the site title and the build salt. Same key, same bytes: a rebuild reuses the previous file of that page.
 */
import { hash } from "node:crypto";
import type { ArtifactRecord } from "../types.js";
import type { Page, RunSummary, SiteModel } from "./model.js";
import { KEY_PAGE_VERSIONS } from "./paths.js";

export class PageKeys {
  private readonly digests = new Map<object, string>();
  private readonly prefix: string;

  /**
   * `recordHash` gives the content hash (fragment key) of every record of the model; `notFoundRoot`, where the
   * renderer starts the 404 page's links (SiteRenderer.notFoundRoot).
   */
  constructor(
    private readonly model: SiteModel, salt: string, private readonly recordHash: (r: ArtifactRecord) => string,
    private readonly notFoundRoot?: string,
  ) {
    this.prefix = `${salt}\0${model.title}\0`;
    for (const run of model.runs.values()) {
      // A run is shown with a link to its parent, which shows the parent's name when the parent exists.
      const parent = run.parentRunId === null ? undefined : model.runs.get(run.parentRunId);
      this.digests.set(run, `run:${sha1(`${JSON.stringify(run)}\0${parent ? parent.name : "\0"}`)}`);
    }
    for (const record of model.records) {
      // A record is shown with links to its runs, named when they exist.
      const runPart = [record.flowRunId, record.taskRunId].map((id) => (id === null ? "-" : this.runDigest(id))).join(",");
      this.digests.set(record, `rec:${recordHash(record)}:${runPart}`);
    }
  }

  private recordDigest(record: ArtifactRecord | undefined): string {
    return record === undefined ? "-" : this.digests.get(record) ?? `json:${JSON.stringify(record)}`;
  }

  private runDigest(id: string): string {
    const run = this.model.runs.get(id);
    return run ? this.digests.get(run)! : "none";
  }

  key(page: Page, runArtifactCounts: Map<string, number>): string {
    if (page.kind === "artifact") {
      // Most pages are these: keyed from their fields directly (the walk below, with its replacer, was ~0.1 s of
      // the 10k build). A version page shows its record, its place in the lineage and its neighbours, each standing
      // as its digest; page-keys.test.ts pins these fields, so one added to the page cannot slip past the key.
      const v = page.version;
      const lineage = v ? `${v.number}/${v.total}\0${this.recordDigest(v.previous)}\0${this.recordDigest(v.next)}` : "unkeyed";
      return sha1(`${this.prefix}${page.path}\0artifact\0${this.recordDigest(page.record)}\0${lineage}`);
    }
    let shown: Page = page;
    let extra = "";
    if (page.kind === "key" && page.versions.length > KEY_PAGE_VERSIONS) {
      // A paged key page lists its first versions; the rest only feed its trends, which show their content (and
      // version numbers), not their runs: those stand as the hash of their file alone.
      shown = { ...page, versions: page.versions.slice(0, KEY_PAGE_VERSIONS) };
      extra = page.versions.slice(KEY_PAGE_VERSIONS).map((r) => this.recordHash(r)).join(",");
    } else if (page.kind === "runs" || page.kind === "index") {
      // These list runs with how many artifacts and child runs each has, not which: keyed by the counts, the runs
      // list no longer walks and hashes a digest of every record of the store (~10 ms of the 10k build).
      const counted = (s: RunSummary) => ({ run: s.run, artifacts: s.artifacts.length, children: s.children.length, parent: s.parent });
      shown = page.kind === "runs" ? { ...page, runs: page.runs.map(counted) } as unknown as Page : { ...page, recentRuns: page.recentRuns.map(counted) } as unknown as Page;
    }
    const json = JSON.stringify(shown, (k, v: unknown) => {
      if (k === "inputs") return undefined;
      if (typeof v === "object" && v !== null) return this.digests.get(v) ?? v;
      return v;
    });
    if (page.kind === "run") {
      // Task rows show each task run's artifact count and the parent's link.
      extra = page.summary.children.map((c) => runArtifactCounts.get(c.id) ?? 0).join(",");
      if (page.summary.run.parentRunId !== null) extra += `|${this.runDigest(page.summary.run.parentRunId)}`;
    } else if (page.kind === "404") {
      extra = this.notFoundRoot ?? "";
    } else if (page.kind === "runs") {
      extra = page.runs.map((s) => (s.run.parentRunId === null ? "-" : this.runDigest(s.run.parentRunId))).join(",");
    }
    return sha1(`${this.prefix}${page.path}\0${json}\0${extra}`);
  }
}

/** Hex SHA-1 of `text`: the one-shot `crypto.hash` (half the cost of a `createHash` object on short inputs). */
export function sha1(text: string): string {
  return hash("sha1", text, "hex");
}

/**
 * The watch oracle through the real watcher: random operations land on the store while watch mode runs, and once
 * the batches settle the site equals a fresh build of the same store.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { buildSite } from "../../src/site/build.js";
import type { StoreProblem } from "../../src/store/backend.js";
import { startWatchSession, type WatchSession } from "../../src/watch/session.js";
import { tmpDir } from "../helpers/tmp-store.js";
import { StoreOps, treeDiff } from "./incremental-ops.js";

let base: string;
let session: WatchSession | undefined;

beforeEach(async () => {
  base = await tmpDir("ap-incr-watch-");
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fs.rm(base, { recursive: true, force: true });
});

it("after 120 random operations applied through chokidar, the site equals a fresh build at each pause", async () => {
  const dir = path.join(base, ".artifacts");
  const out = path.join(base, "site");
  const store = openStore(dir, { durable: false, warn: () => {} });
  const ops = new StoreOps(store, dir, base, 11);
  for (let i = 0; i < 5; i++) await ops.step();
  const problems: StoreProblem[] = [];
  const errors: Error[] = [];
  session = await startWatchSession({ dir, out, serve: false, onProblem: (p) => problems.push(p), onError: (e) => errors.push(e) });

  let pauses = 0;
  const log: string[] = [];
  for (let i = 1; i <= 120; i++) {
    log.push(await ops.step());
    if (i % 30 !== 0) continue;
    // Pause: the watcher delivers what is left; then the watched site must equal a fresh build.
    const fresh = path.join(base, `fresh-${i}`);
    let diff: string[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      await fs.rm(fresh, { recursive: true, force: true });
      await buildSite({ dir, out: fresh, cache: false });
      diff = await treeDiff(out, fresh);
      if (diff.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(diff, `after operation ${i}: ${log.slice(-30).join("; ")}`).toEqual([]);
    pauses++;
  }
  expect(pauses).toBe(4);
  expect(errors).toEqual([]);
  expect(problems.length).toBeGreaterThan(0); // broken files were reported
});

/**
 * Flow and task runs. The current run travels in AsyncLocalStorage, so an artifact created anywhere below a
 * wrapped call is attached to it without passing anything.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { InvalidArtifactError } from "../errors.js";
import type { StoreBackend } from "../store/backend.js";
import { assertRunId } from "../store/rules.js";
import { FORMAT_VERSION, type RunKind, type RunRecord } from "../types.js";

export interface RunContext {
  /** The innermost flow run. */
  flowRunId: string | null;
  /** The innermost task run, when inside a task. */
  taskRunId: string | null;
}

const current = new AsyncLocalStorage<RunContext>();

/** The run an artifact created now belongs to: the enclosing flow/task, else ARTIFACTS_RUN_ID, else none. */
export function currentRun(): RunContext & { fromEnv: boolean } {
  const ctx = current.getStore();
  if (ctx) return { ...ctx, fromEnv: false };
  const envId = process.env.ARTIFACTS_RUN_ID;
  if (envId !== undefined && envId !== "") {
    assertRunId(envId, "ARTIFACTS_RUN_ID");
    return { flowRunId: envId, taskRunId: null, fromEnv: true };
  }
  return { flowRunId: null, taskRunId: null, fromEnv: false };
}

// Outside runs this process already made sure of, per store: spares a write per artifact.
const knownEnvRuns = new WeakMap<StoreBackend, Set<string>>();

/** Makes the record of an outside run (ARTIFACTS_RUN_ID) once; concurrent writers agree on one record. */
export async function ensureEnvRun(store: StoreBackend, id: string, now: Date = new Date()): Promise<void> {
  let known = knownEnvRuns.get(store);
  if (!known) knownEnvRuns.set(store, (known = new Set()));
  if (known.has(id)) return;
  const name = process.env.ARTIFACTS_RUN_NAME || id;
  await store.createRunIfAbsent({
    formatVersion: FORMAT_VERSION, id, name: name.slice(0, 1024), kind: "flow", parentRunId: null,
    state: "unknown", error: null, startTime: now.toISOString(), endTime: null,
  });
  known.add(id);
}

/** Wraps `fn` so that each call is a run of `kind`, recorded in the store's `_runs/`. */
export function wrapRun<A extends unknown[], R>(
  store: () => StoreBackend, kind: RunKind, name: string, fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<Awaited<R>> {
  if (typeof name !== "string" || name.length === 0 || name.length > 1024) {
    throw new InvalidArtifactError(`${kind} name`, name, "must be a string of 1–1024 characters");
  }
  if (typeof fn !== "function") throw new InvalidArtifactError(`${kind} function`, fn, "must be a function");
  return async (...args: A): Promise<Awaited<R>> => {
    const backend = store();
    // The enclosing flow run: the one in context, else the outside run named by ARTIFACTS_RUN_ID.
    const parent = currentRun();
    if (parent.fromEnv && parent.flowRunId) await ensureEnvRun(backend, parent.flowRunId);
    const id = randomUUID();
    const run: RunRecord = {
      formatVersion: FORMAT_VERSION, id, name, kind, parentRunId: parent.flowRunId,
      state: "running", error: null, startTime: new Date().toISOString(), endTime: null,
    };
    await backend.writeRun(run);
    const ctx: RunContext = kind === "flow"
      ? { flowRunId: id, taskRunId: null }
      : { flowRunId: parent.flowRunId, taskRunId: id };
    try {
      const result = (await current.run(ctx, () => fn(...args))) as Awaited<R>;
      await backend.writeRun({ ...run, state: "completed", endTime: new Date().toISOString() });
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await backend.writeRun({ ...run, state: "failed", error: message.slice(0, 65536), endTime: new Date().toISOString() });
      throw err;
    }
  };
}

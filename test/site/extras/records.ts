/** Record factories for the extras tests: valid records without a store, with predictable ids and times. */
import type { ArtifactRecord, JsonValue } from "../../../src/types.js";

let counter = 0;

/** A UUID whose last block counts up, so tests can tell records apart. */
export function uuid(n = ++counter): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** `created` n minutes after a fixed time. */
export function at(n: number): string {
  return new Date(Date.UTC(2026, 10, 26, 4, 0, 0) + n * 60_000).toISOString();
}

type Data<T extends ArtifactRecord["type"]> = Extract<ArtifactRecord, { type: T }>["data"];

export function record<T extends ArtifactRecord["type"]>(
  type: T, data: Data<T>, extra: Partial<Omit<ArtifactRecord, "type" | "data">> & { minute?: number } = {},
): ArtifactRecord {
  const created = at(extra.minute ?? 0);
  const { minute: _m, ...rest } = extra;
  return {
    formatVersion: 1, id: uuid(), key: "k", description: null, flowRunId: null, taskRunId: null, created, updated: created,
    ...rest, type, data,
  } as ArtifactRecord;
}

export function table(columns: string[] | null, rows: JsonValue[][], extra: Parameters<typeof record>[2] = {}): ArtifactRecord {
  return record("table", { columns, rows }, extra);
}

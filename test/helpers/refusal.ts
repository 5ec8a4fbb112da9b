/** Asserts a refusal: the right typed error, a message naming the field and the value, and no new file anywhere. */
import { promises as fs } from "node:fs";
import { expect } from "vitest";
import { listFiles } from "./tmp-store.js";

export interface Refusal {
  /** The error class expected (checked with instanceof). */
  type: abstract new (...args: never[]) => Error;
  /** The field the message must name (also checked against `error.field` when the error has one). */
  field: string;
  /** Text the message must quote; default JSON.stringify(value) when `value` is given. */
  quoted?: string;
  value?: unknown;
}

/** Every file and folder under `root`, so that an empty folder made by a refused call is noticed too. */
async function snapshot(root: string): Promise<string[]> {
  const files = await listFiles(root);
  const dirs: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      dirs.push(`${r}/`);
      await walk(`${dir}/${e.name}`, r);
    }
  }
  await walk(root, "");
  return [...files, ...dirs].sort();
}

/** Runs `fn`, expects it to reject as `refusal` says, and checks that nothing under `root` changed. */
export async function expectRefused(root: string, fn: () => Promise<unknown>, refusal: Refusal): Promise<Error> {
  const before = await snapshot(root);
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "the call should have been refused").toBeInstanceOf(refusal.type);
  const err = caught as Error & { field?: string };
  expect(err.message).toContain(refusal.field);
  if ("field" in err && err.field !== undefined) expect(err.field).toBe(refusal.field);
  const quoted = refusal.quoted ?? ("value" in refusal ? JSON.stringify(refusal.value) : undefined);
  if (quoted !== undefined) expect(err.message).toContain(quoted);
  expect(await snapshot(root), "a refused call must write nothing").toEqual(before);
  return err;
}

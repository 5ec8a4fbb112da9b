/** Temp folders and stores for tests: each test gets its own folder under the OS temp dir, removed afterwards. */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, type ArtifactStore, type OpenStoreOptions } from "../../src/artifacts/client.js";

/** A fresh empty folder under the OS temp dir. */
export async function tmpDir(prefix = "artifact-press-"): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface TmpStore {
  /** The temp folder that holds the store (and anything else the test puts beside it). */
  base: string;
  /** The store root, `<base>/.artifacts` (not made until something is written). */
  dir: string;
  store: ArtifactStore;
  /** Warnings the store emitted (progress clamped …). */
  warnings: string[];
  /** Every file under the store, relative with `/`, sorted. */
  files(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A store in a fresh temp folder; warnings are collected instead of emitted. Options as openStore's. */
export async function tmpStore(options: OpenStoreOptions = {}): Promise<TmpStore> {
  const base = await tmpDir();
  const dir = path.join(base, ".artifacts");
  const warnings: string[] = [];
  const store = openStore(dir, { warn: (m) => warnings.push(m), ...options });
  return {
    base, dir, store, warnings,
    files: () => listFiles(dir),
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}

/** Every file (not folder) under `root`, relative with `/`, sorted; symlinks are listed, not followed. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else out.push(r);
    }
  }
  await walk(root, "");
  return out.sort();
}

/** Writes a JSON value (or raw text) into the store at `rel`, making folders: for hand-edited-file tests. */
export async function writeRaw(root: string, rel: string, value: unknown): Promise<string> {
  const file = path.join(root, ...rel.split("/"));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** Every file under `root` (listFiles) with its bytes as base64: equal maps, byte-identical trees. */
export async function treeBytes(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const rel of await listFiles(root)) files.set(rel, (await fs.readFile(path.join(root, rel))).toString("base64"));
  return files;
}

/**
 * Real child processes for tests: makes sure `dist/` is built from the current `src/`, writes small ESM scripts
 * that import `dist/index.js`, and runs them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { promises as fs, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** `file:` URL of the built package entry, for `import … from` in child scripts. */
export const distEntry = pathToFileURL(path.join(repoRoot, "dist", "index.js")).href;

function mtime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The `artifacts` command as installed: package.json's bin, the bundle of scripts/bundle.mjs. */
export const BIN = path.join(repoRoot, (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { bin: { artifacts: string } }).bin.artifacts);

/** True when some `src/**.ts` has no `dist/**.js`, or is newer than it or than the bundle. */
async function distIsStale(): Promise<boolean> {
  const src = path.join(repoRoot, "src");
  const bundled = mtime(BIN);
  for (const rel of (await fs.readdir(src, { recursive: true })) as string[]) {
    if (!rel.endsWith(".ts") || rel.endsWith(".d.ts")) continue;
    const out = mtime(path.join(repoRoot, "dist", rel.replace(/\.ts$/, ".js")));
    const made = mtime(path.join(src, rel))!;
    if (out === undefined || out < made || bundled === undefined || bundled < made) return true;
  }
  return false;
}

/**
 * Builds `dist/` with tsc, and the bundled command with scripts/bundle.mjs, unless they are up to date. A lock folder keeps test files that run at the same time from
 * building at once. tsc's exit code is ignored (it still emits when another part has type errors); only a
 * missing `dist/index.js` fails.
 */
export async function ensureBuilt(): Promise<void> {
  if (!(await distIsStale())) return;
  const lock = path.join(os.tmpdir(), "artifact-press-build.lock");
  for (let waited = 0; ; waited += 100) {
    try {
      await fs.mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = Date.now() - (mtime(lock) ?? Date.now());
      if (age > 120_000) await fs.rm(lock, { recursive: true, force: true }); // left by a killed run
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (await distIsStale()) {
      spawnSync(process.execPath, [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
        cwd: repoRoot, stdio: "ignore",
      });
      spawnSync(process.execPath, [path.join(repoRoot, "scripts", "bundle.mjs")], { cwd: repoRoot, stdio: "ignore" });
    }
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
  if (mtime(path.join(repoRoot, "dist", "index.js")) === undefined) throw new Error("tsc did not produce dist/index.js");
  if (mtime(BIN) === undefined) throw new Error(`scripts/bundle.mjs did not produce ${BIN}`);
}

/** Writes an ESM script into `dir`; `{{dist}}` in the source becomes the URL of `dist/index.js`. */
export async function writeScript(dir: string, name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, source.replaceAll("{{dist}}", distEntry));
  return file;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node script …args`; `done` resolves when it exits, whatever the exit code. */
export function startNode(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): {
  child: ChildProcess; done: Promise<ChildResult>;
} {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `node script …args` to the end and fails with its stderr unless it exits 0. */
export async function runNode(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  const result = await startNode(script, args, env).done;
  if (result.code !== 0) throw new Error(`${path.basename(script)} exited ${result.code ?? result.signal}: ${result.stderr}`);
  return result;
}

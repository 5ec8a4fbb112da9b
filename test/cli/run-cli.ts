/** Runs the built `artifacts` command as a real child process (plain pipes, or under a pseudo-terminal via script(1)). */
import { spawn } from "node:child_process";
import { versionFileName } from "../../src/store/rules.js";
import type { ArtifactRecord, RunRecord } from "../../src/types.js";
import { BIN, repoRoot } from "../helpers/processes.js";
import { writeRaw } from "../helpers/tmp-store.js";

/** What `artifacts` runs once installed (package.json's bin): the bundled command. */
export const MAIN = BIN;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Passed as `--dir`. */
  dir?: string;
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  cwd?: string;
}

/** The parent's environment without anything that changes the CLI's behaviour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("ARTIFACTS_") && k !== "NO_COLOR" && k !== "FORCE_COLOR") env[k] = v;
  }
  return { ...env, ...extra };
}

function fullArgs(args: string[], dir?: string): string[] {
  return dir === undefined ? args : [...args, "--dir", dir];
}

export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...fullArgs(args, options.dir)], {
      env: cleanEnv(options.env), cwd: options.cwd ?? repoRoot, stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => undefined); // the CLI may exit without reading stdin
    child.stdin.end(options.input ?? "");
  });
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI with stdin, stdout and stderr on a pseudo-terminal (`script -qec … /dev/null`), typing `input`.
 * The terminal merges both streams; returned with `\r` removed.
 */
export function cliTty(args: string[], options: CliOptions = {}): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, MAIN, ...fullArgs(args, options.dir)].map(shellQuote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: cleanEnv(options.env), cwd: options.cwd ?? repoRoot, stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output: output.replace(/\r/g, "") }));
    child.stdin.end(options.input ?? "");
  });
}

/** Removes ANSI escape sequences. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

// ---- hand-made records with fixed ids and times, so output can be compared exactly ----

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

type Draft = Partial<ArtifactRecord> & Pick<ArtifactRecord, "type" | "data" | "created"> & { n: number };

export function makeRecord(d: Draft): ArtifactRecord {
  const { n, ...rest } = d;
  return {
    formatVersion: 1, id: uuid(n), key: null, description: null, flowRunId: null, taskRunId: null,
    updated: d.created, ...rest,
  } as ArtifactRecord;
}

/** Writes a record where the store keeps it: `<key>/<timestamp>.json` or `_unkeyed/…`. */
export async function writeRecord(dir: string, record: ArtifactRecord): Promise<void> {
  await writeRaw(dir, `${record.key ?? "_unkeyed"}/${versionFileName(Date.parse(record.created))}`, record);
}

export async function writeRun(dir: string, run: Partial<RunRecord> & Pick<RunRecord, "id" | "startTime">): Promise<void> {
  await writeRaw(dir, `_runs/${run.id}.json`, {
    formatVersion: 1, name: run.id, kind: "flow", parentRunId: null, state: "completed", error: null, endTime: null, ...run,
  });
}

/**
 * `artifacts watch` as a real child process: first build, a new version showing on disk and through the server,
 * bad files reported while it goes on, the store folder remade, SIGTERM/SIGINT → exit 0; and watch mode through
 * an injected watcher that runs out of inotify watches.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { startWatchSession } from "../../src/watch/session.js";
import { cleanEnv, MAIN } from "../cli/run-cli.js";
import { ensureBuilt, repoRoot } from "../helpers/processes.js";
import { tmpDir } from "../helpers/tmp-store.js";

let base: string;
let dir: string;
let out: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await ensureBuilt();
});

beforeEach(async () => {
  base = await tmpDir("ap-watch-cli-");
  dir = path.join(base, ".artifacts");
  out = path.join(base, "site");
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  await fs.rm(base, { recursive: true, force: true });
});

/** Starts `artifacts watch`; `until` waits for output matching a pattern, `exit` for the end. */
function startWatch(args: string[]) {
  const proc = spawn(process.execPath, [MAIN, "watch", "--dir", dir, "--out", out, ...args], {
    env: cleanEnv({ NO_COLOR: "1" }), cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  const output = { stdout: "", stderr: "" };
  const events = new EventEmitter();
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => { output.stdout += d; events.emit("data"); });
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => { output.stderr += d; events.emit("data"); });
  const exit = new Promise<number | null>((resolve) => proc.on("close", (code) => { events.emit("data"); resolve(code); }));
  const until = async (stream: "stdout" | "stderr", pattern: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      const m = pattern.exec(output[stream]);
      if (m) return m;
      if (proc.exitCode !== null) throw new Error(`watch exited ${proc.exitCode}: ${output.stderr}`);
      await new Promise((resolve) => events.once("data", resolve));
    }
  };
  return { proc, output, until, exit };
}

/** Polls until `check` holds (the test's own timeout bounds the wait). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

const fileHas = (file: string, text: string) => async () => (await fs.readFile(file, "utf8").catch(() => "")).includes(text);

describe("artifacts watch", () => {
  it("builds, serves, follows new versions, bad files and a remade store, and exits 0 on SIGTERM", async () => {
    const store = openStore(dir, { durable: false });
    await store.createMarkdownArtifact({ key: "report", markdown: "# First edition" });
    const w = startWatch(["--port", "0"]);
    const [, url] = await w.until("stdout", /Serving (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(w.output.stdout).toMatch(/Built \d+ pages into /);
    const keyPage = path.join(out, "keys/report/index.html");
    expect(await fs.readFile(keyPage, "utf8")).toContain("First edition");
    const served = await fetch(`${url}keys/report/index.html`);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain("First edition");

    await store.createMarkdownArtifact({ key: "report", markdown: "# Second edition" });
    await eventually(fileHas(keyPage, "Second edition"));
    expect(await (await fetch(`${url}keys/report/index.html`)).text()).toContain("Second edition");

    // A broken file: reported as `<path>: <reason>` on stderr, and the watch goes on.
    const broken = path.join(dir, "report", "2030-01-01T00-00-00.000Z.json");
    await fs.writeFile(broken, "{ broken");
    await w.until("stderr", /2030-01-01T00-00-00\.000Z\.json: .+/);
    await store.createMarkdownArtifact({ key: "report", markdown: "# Third edition" });
    await eventually(fileHas(keyPage, "Third edition"));

    // The store folder deleted and made again is followed.
    await fs.rm(dir, { recursive: true, force: true });
    await eventually(async () => !(await fs.stat(keyPage).then(() => true, () => false)));
    await openStore(dir, { durable: false }).createMarkdownArtifact({ key: "again", markdown: "# Born again" });
    await eventually(fileHas(path.join(out, "keys/again/index.html"), "Born again"));

    w.proc.kill("SIGTERM");
    expect(await w.exit).toBe(0);
    expect(w.output.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("--no-serve only keeps the folder up to date, and Ctrl-C (SIGINT) ends it with 0", async () => {
    const w = startWatch(["--no-serve"]);
    await w.until("stdout", /Watching /);
    expect(w.output.stdout).not.toContain("http://");
    await openStore(dir, { durable: false }).createLinkArtifact({ key: "docs", link: "https://example.com/docs" });
    await eventually(fileHas(path.join(out, "keys/docs/index.html"), "https://example.com/docs"));
    w.proc.kill("SIGINT");
    expect(await w.exit).toBe(0);
  });

  it("warns when serving on a host other than loopback, and refuses a bad port as usage", async () => {
    // 192.0.2.1 (TEST-NET-1) is never this machine's: the warning comes first, then binding fails; nothing is
    // ever exposed and no traffic leaves the machine.
    const w = startWatch(["--port", "0", "--host", "192.0.2.1"]);
    expect(await w.exit).toBe(1);
    expect(w.output.stderr).toMatch(/192\.0\.2\.1.*exposes the site to the network/);
    expect(w.output.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    const bad = startWatch(["--port", "70000"]);
    expect(await bad.exit).toBe(2);
    expect(bad.output.stderr).toContain('Invalid --port "70000"');
  });
});

describe("startWatchSession", () => {
  it("fails with a message naming fs.inotify.max_user_watches when the watcher runs out of watches", async () => {
    const fake = Object.assign(new EventEmitter(), { close: async () => {} });
    await fs.mkdir(dir, { recursive: true });
    const session = await startWatchSession({
      dir, out, serve: false,
      watchFactory: () => {
        setImmediate(() => {
          fake.emit("ready");
          setImmediate(() => fake.emit("error", Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" })));
        });
        return fake;
      },
    });
    await expect(session.failed).rejects.toThrow(/fs\.inotify\.max_user_watches/);
    await session.close();
  });
});

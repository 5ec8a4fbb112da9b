/**
 * Times one child process and its peak memory: wall time from the parent, peak RSS both from GNU time (`%M`, the
 * largest single process) and from polling /proc for the summed RSS of the whole process tree (children and
 * grandchildren), whichever is larger — so a tool that forks workers cannot look smaller than it is.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const GNU_TIME = "/usr/bin/time";
const PAGE = 4096;
const POLL_MS = 50;

/** Summed RSS (bytes) of every descendant of `rootPid`, from /proc/<pid>/stat; 0 where /proc is missing. */
export function treeRss(rootPid) {
  let entries;
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return 0;
  }
  const children = new Map();
  const rss = new Map();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // the process ended while we looked
    }
    // Fields after the command name (which may hold spaces and parentheses): state ppid … rss is field 24.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(name);
    const ppid = Number(fields[1]);
    rss.set(pid, Number(fields[21]) * PAGE);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let total = 0;
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop();
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Runs `command args…` under GNU time and returns
 * `{ code, seconds, cpuSeconds, peakRssMb, stdout, stderr }` (cpuSeconds: user + system time of the whole tree,
 * from GNU time; null without it — less disturbed than wall time when other work shares the cores). Output is captured (not shown) and kept to its last 4 KB.
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv}} [options] defaults: this process's cwd and env
 */
export function timeChild(command, args, options = {}) {
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const useTime = fs.existsSync(GNU_TIME);
  const [cmd, argv] = useTime ? [GNU_TIME, ["-f", "%M %U %S", "-o", timeFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout = (stdout + d).slice(-4096)));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4096)));
    let polled = 0;
    // With GNU time the tool is time's child; without it, the tool is the root and counted on its own.
    const poll = () => {
      polled = Math.max(polled, useTime ? treeRss(child.pid) : treeRss(child.pid) + ownRss(child.pid));
    };
    const timer = setInterval(poll, POLL_MS);
    child.on("error", (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(timer);
      let gnuKb = 0;
      let cpuSeconds = null;
      try {
        const text = fs.readFileSync(timeFile, "utf8").trim().split("\n");
        // A failing command adds a "Command exited…" line first: the figures are on the last line.
        const [kb, user, sys] = text[text.length - 1].split(" ").map(Number);
        gnuKb = kb || 0;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
        fs.rmSync(timeFile, { force: true });
      } catch {
        // no GNU time: the polled figure stands alone
      }
      const peakRssMb = Math.max(gnuKb / 1024, polled / 1024 / 1024);
      resolve({ code, seconds, cpuSeconds, peakRssMb, stdout, stderr });
    });
  });
}

function ownRss(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[21]) * PAGE;
  } catch {
    return 0;
  }
}

/** How many `.html` files a folder holds, recursively. */
export function countHtml(dir) {
  let n = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) stack.push(path.join(d, e.name));
      else if (e.name.endsWith(".html")) n++;
    }
  }
  return n;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

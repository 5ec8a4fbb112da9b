/**
 * `artifacts watch`: build once, then rebuild only what each change of the store touches, and serve the site with
 * live reload until Ctrl-C or SIGTERM (which end it with exit code 0).
 */
import type { Argv, CommandModule } from "yargs";
import { UsageError, quote } from "../../errors.js";
import { DEFAULT_LIMITS } from "../../types.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { formatDuration } from "../format-build.js";
import { safeText } from "../format.js";
import { parseCount, parseSize } from "../parse.js";
import { printProblem } from "../problems.js";

interface WatchArgs extends GlobalArgs {
  out: string;
  title?: string;
  serve: boolean;
  host: string;
  port: number;
  debounce: number;
  maxFileSize: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

function parsePort(raw: unknown): number {
  const text = String(raw).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n > 65535) throw new UsageError(`Invalid --port ${quote(String(raw))}: give a port from 0 to 65535 (0 picks a free one)`);
  return n;
}

export const watchCommand: CommandModule<GlobalArgs, WatchArgs> = {
  command: "watch",
  describe: "Build the site, then rebuild what changes and serve it with live reload",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option("out", { type: "string", requiresArg: true, default: "site", describe: "The site folder, kept up to date" })
      .option("title", { type: "string", requiresArg: true, describe: "The site's title" })
      .option("serve", { type: "boolean", default: true, describe: "Serve the site with live reload (--no-serve: only keep the folder up to date)" })
      .option("host", { type: "string", requiresArg: true, default: "127.0.0.1", describe: "Interface to serve on; anything but loopback exposes the site" })
      .option("port", { requiresArg: true, default: 4321, describe: "Port to serve on (0 picks a free one)", coerce: parsePort })
      .option("debounce", {
        requiresArg: true, default: 10, describe: "Quiet time in ms that ends a burst of store changes",
        coerce: (v: unknown) => parseCount("--debounce", v, 0),
      })
      .option("max-file-size", {
        requiresArg: true, default: DEFAULT_LIMITS.maxFileSize, defaultDescription: "32MiB", describe: "Skip store files bigger than this",
        coerce: (v: unknown) => parseSize("--max-file-size", v),
      })
      .example("$0 watch", "build .artifacts/ into site/ and serve it on http://127.0.0.1:4321/")
      .example("$0 watch --port 0 --out /tmp/preview", "a free port and another folder")
      .example("$0 watch --no-serve", "only keep site/ up to date") as unknown as Argv<WatchArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    // Loaded on demand, like build: the site pulls in marked, DOMPurify and jsdom.
    const { startWatchSession } = await import("../../watch/session.js");
    if (args.serve && !LOOPBACK.test(args.host)) {
      ctx.warn(ctx.err.yellow(`Warning: serving on ${quote(args.host)} exposes the site to the network; the default is 127.0.0.1.`));
    }
    // Ctrl-C and SIGTERM end watch mode normally, even during the first build; a watcher that cannot go on ends
    // it with its message. Listening before anything is printed means a signal sent on seeing the URL is never lost.
    let onSignal!: () => void;
    const stopped = new Promise<void>((resolve) => (onSignal = resolve));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let session: Awaited<ReturnType<typeof startWatchSession>> | undefined;
    try {
      session = await startWatchSession({
        dir: args.dir, out: args.out, title: args.title, maxFileSize: args.maxFileSize,
        serve: args.serve, host: args.host, port: args.port, debounceMs: args.debounce,
        onProblem: printProblem(ctx),
        onError: (err) => ctx.warn(ctx.err.red(err.message)),
        onUpdate: (r) => {
          if (r.changed.length === 0) return;
          ctx.print(`Updated ${r.changed.length} file${r.changed.length === 1 ? "" : "s"} (${r.rendered.length} page${r.rendered.length === 1 ? "" : "s"} rendered) in ${formatDuration(r.durationMs)}`);
        },
      });
      const first = session.first;
      ctx.print(`Built ${first.rendered.length} pages into ${safeText(args.out)} in ${formatDuration(first.durationMs)}.`);
      ctx.print(session.url
        ? `Serving ${session.url} — watching ${safeText(args.dir)} (Ctrl-C to stop)`
        : `Watching ${safeText(args.dir)} (Ctrl-C to stop)`);
      await Promise.race([stopped, session.failed]);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await session?.close();
    }
  },
};

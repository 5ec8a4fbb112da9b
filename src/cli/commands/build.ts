/** `artifacts build`: the store → a static HTML site; problems on stderr as found, one summary line at the end. */
import type { Argv, CommandModule } from "yargs";
import { CliError, UsageError, quote } from "../../errors.js";
import { normalizeBaseUrl } from "../../site/extras/base-url.js";
import type { StoreProblem } from "../../store/backend.js";
import { DEFAULT_LIMITS } from "../../types.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { formatBuildSummary } from "../format-build.js";
import { safeText } from "../format.js";
import { parseSize } from "../parse.js";
import { formatProblem } from "../problems.js";
import { ProgressBar } from "../progress-bar.js";
import type { BuildResult } from "../../site/build.js";

interface BuildArgs extends GlobalArgs {
  out: string;
  title?: string;
  strict: boolean;
  maxFileSize: number;
  cache: boolean;
  baseUrl?: string;
}

export const buildCommand: CommandModule<GlobalArgs, BuildArgs> = {
  command: "build",
  describe: "Build the static HTML site from the store",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option("out", { type: "string", requiresArg: true, default: "site", describe: "The site folder, replaced as a whole" })
      .option("title", { type: "string", requiresArg: true, describe: "The site's title" })
      .option("strict", { type: "boolean", default: false, describe: "Exit 1 when any file of the store was skipped" })
      .option("cache", {
        type: "boolean", default: true,
        describe: "Reuse pages of the previous build that did not change (cache in $ARTIFACTS_CACHE_DIR, $XDG_CACHE_HOME/artifact-press or ~/.cache/artifact-press); --no-cache renders everything",
      })
      .option("base-url", {
        type: "string", requiresArg: true,
        describe: "Where the site will be hosted (http: or https:), for absolute links in the Atom feeds and api/latest.json, and links from its path on the 404 page (styled then for a missing page at any depth); default: relative links",
        coerce: (v: unknown) => {
          try {
            return normalizeBaseUrl(String(v));
          } catch (err) {
            throw new UsageError(`Invalid --base-url ${quote(String(v))}: give an absolute http: or https: URL without query or fragment, like https://example.com/reports/`, { cause: err });
          }
        },
      })
      .option("max-file-size", {
        requiresArg: true, default: DEFAULT_LIMITS.maxFileSize, defaultDescription: "32MiB", describe: "Skip store files bigger than this (1048576, 500KB, 32MiB)",
        coerce: (v: unknown) => parseSize("--max-file-size", v),
      })
      .example("$0 build", "build .artifacts/ into site/")
      .example("$0 build --dir fixtures/demo --out public --title 'Nightly reports'", "another store, folder and title")
      .example("$0 build --base-url https://ci.example.com/reports/", "absolute links in feeds, api/latest.json and the 404 page")
      .example("$0 build --strict", "fail the CI job on any bad file in the store") as unknown as Argv<BuildArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    // Loaded on demand: the site pulls in marked, DOMPurify and jsdom, which the other commands do not need.
    const { buildSite } = await import("../../site/build.js");
    const bar = ctx.stderr.isTTY ? new ProgressBar(ctx.stderr) : undefined;
    const printProblem = (p: StoreProblem) => {
      const line = ctx.err.yellow(formatProblem(p));
      if (bar) bar.line(line);
      else ctx.warn(line);
    };
    let result: BuildResult;
    try {
      result = await buildSite({
        dir: args.dir, out: args.out, title: args.title, maxFileSize: args.maxFileSize, cache: args.cache,
        ...(args.baseUrl === undefined ? {} : { baseUrl: args.baseUrl }),
        onProblem: printProblem, onProgress: bar ? (done, total) => bar.update(done, total) : undefined,
      });
    } finally {
      bar?.clear();
    }
    ctx.print(formatBuildSummary(result, safeText(args.out)));
    if (args.strict && result.problems.length > 0) {
      throw new CliError(`${result.problems.length} file(s) of the store were skipped; failing because of --strict`);
    }
  },
};

/** `artifacts prune`: retention by count and age; lists what it removes (or would, with --dry-run). */
import type { Argv, CommandModule } from "yargs";
import { UsageError } from "../../errors.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { safeText } from "../format.js";
import { parseCount, parseDuration } from "../parse.js";
import { printProblem } from "../problems.js";
import { applyPrune, planPaths, planPrune, type PrunePlan } from "../prune-plan.js";

interface PruneArgs extends GlobalArgs {
  keep?: number;
  olderThan?: number;
  dryRun: boolean;
}

export const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: "prune",
  describe: "Remove old versions, unused run records and stale temp files (never the latest version of a key)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option("keep", {
        requiresArg: true, describe: "Keep the newest N versions of each key",
        coerce: (v: unknown) => parseCount("--keep", v),
      })
      .option("older-than", {
        requiresArg: true, describe: "Remove versions created longer ago than this (45s, 90m, 12h, 30d, 2w)",
        coerce: (v: unknown) => parseDuration("--older-than", v),
      })
      .option("dry-run", { type: "boolean", default: false, describe: "List what would go; remove nothing" })
      .check((a) => {
        if (a.keep === undefined && a.olderThan === undefined) throw new UsageError("Give --keep, --older-than, or both");
        return true;
      })
      .example("$0 prune --keep 10", "keep the 10 newest versions of each key")
      .example("$0 prune --older-than 30d", "remove versions, unkeyed artifacts and runs older than 30 days")
      .example("$0 prune --keep 5 --older-than 7d --dry-run", "versions beyond the 5th AND older than 7 days; remove nothing")
      .epilog(
        "Given both, a version goes only if both rules say so. The latest version of a key always stays. Unkeyed "
        + "artifacts go by --older-than alone; run records go when older than that and no remaining artifact refers "
        + "to them; temp files older than an hour (left by crashed writers) always go.",
      ) as unknown as Argv<PruneArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    const store = ctx.store();
    const plan = await planPrune(store, { keep: args.keep, olderThanMs: args.olderThan, now: ctx.now() }, printProblem(ctx));
    if (args.dryRun) {
      for (const p of planPaths(plan)) ctx.print(`would remove ${safeText(p)}`);
    } else {
      await applyPrune(store, plan, (p) => ctx.print(`removed ${safeText(p)}`));
    }
    ctx.print(summary(plan, args.dryRun));
  },
};

function summary(plan: PrunePlan, dryRun: boolean): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const parts = [
    n(plan.versions.length, "artifact version", "artifact versions"),
    n(plan.runs.length, "run record", "run records"),
    n(plan.tmpFiles.length, "temp file", "temp files"),
  ];
  return `${dryRun ? "Would remove" : "Removed"} ${parts.join(", ")}.`;
}

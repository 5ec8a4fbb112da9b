/** `artifacts inspect <key>`: the versions of one key, newest first, with their data. */
import type { Argv, CommandModule } from "yargs";
import { ArtifactNotFoundError } from "../../errors.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { formatJson } from "../format.js";
import { formatInspect } from "../format-inspect.js";
import { parseCount } from "../parse.js";
import { printProblem } from "../problems.js";

interface InspectArgs extends GlobalArgs {
  key: string;
  limit: number;
  json: boolean;
}

export const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: "inspect <key>",
  describe: "Show the versions of a key, newest first, with their data",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional("key", { type: "string", demandOption: true, describe: "The artifact key" })
      .option("limit", {
        requiresArg: true, default: 10, describe: "Show at most N versions",
        coerce: (v: unknown) => parseCount("--limit", v),
      })
      .option("json", { type: "boolean", default: false, describe: "Print a JSON array of the records" })
      .example("$0 inspect irregular-data", "the 10 newest versions")
      .example("$0 inspect irregular-data --limit 1 --json", "the latest version as JSON") as Argv<InspectArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    const versions = await ctx.store().versions(args.key, printProblem(ctx));
    if (versions.length === 0) throw new ArtifactNotFoundError(`Artifact '${args.key}' not found.`);
    const shown = versions.slice(0, args.limit);
    ctx.stdout.write(
      args.json ? formatJson(shown) : formatInspect(args.key, shown, versions.length, ctx.now(), ctx.out),
    );
  },
};

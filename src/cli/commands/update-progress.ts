/** `artifacts update-progress <id> <progress>`: moves a progress artifact in place (no new version). */
import type { Argv, CommandModule } from "yargs";
import { UsageError } from "../../errors.js";
import { isUuid } from "../../store/rules.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { parseProgress } from "../parse.js";

interface UpdateArgs extends GlobalArgs {
  id: string;
  progress: number;
  description?: string;
}

export const updateProgressCommand: CommandModule<GlobalArgs, UpdateArgs> = {
  command: "update-progress <id> <progress>",
  describe: "Set the progress of a progress artifact (0–100), in place",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional("id", { type: "string", demandOption: true, describe: "The progress artifact's id" })
      .positional("progress", { describe: "A number from 0 to 100", coerce: parseProgress, demandOption: true })
      .option("description", { type: "string", requiresArg: true, describe: "Replace the description too" })
      .example('$0 update-progress "$id" 40', "40 %")
      .example('$0 update-progress "$id" 100 --description "Backfill done"', "done, with a new description") as Argv<UpdateArgs>,
  handler: async (args) => {
    if (!isUuid(args.id)) throw new UsageError(`Invalid id ${JSON.stringify(args.id)}: an artifact id is a UUID`);
    const ctx = makeContext(args);
    const id = await ctx.store().updateProgressArtifact({
      artifactId: args.id, progress: args.progress, description: args.description,
    });
    ctx.print(id);
  },
};

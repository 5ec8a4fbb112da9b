/** `artifacts delete <key> | --id <id>`: every version of a key, or one artifact; confirmed on a terminal. */
import type { Argv, CommandModule } from "yargs";
import type { ArtifactRecord } from "../../types.js";
import { ArtifactNotFoundError, CliError, UsageError } from "../../errors.js";
import { isUuid } from "../../store/rules.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { confirm } from "../prompt.js";

interface DeleteArgs extends GlobalArgs {
  key?: string;
  id?: string;
  yes: boolean;
}

export const deleteCommand: CommandModule<GlobalArgs, DeleteArgs> = {
  command: "delete [key]",
  describe: "Delete every version of a key (or one artifact with --id)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional("key", { type: "string", describe: "The key whose versions to delete" })
      .option("id", { type: "string", requiresArg: true, describe: "Delete this one artifact instead" })
      .option("yes", {
        alias: "y", type: "boolean", default: false,
        describe: "Do not ask; required when stdin is not a terminal",
      })
      .check((a) => {
        if (a.key !== undefined && a.id !== undefined) throw new UsageError("Give a key or --id <id>, not both");
        if (a.key === undefined && a.id === undefined) throw new UsageError("Give the key to delete, or --id <id>");
        return true;
      })
      .example("$0 delete irregular-data", "asks, then deletes every version of the key")
      .example("$0 delete --id 5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d10 --yes", "one artifact, without asking") as Argv<DeleteArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    const store = ctx.store();
    // Read once: what the prompt names is exactly what is deleted.
    let records: ArtifactRecord[];
    let what: string;
    if (args.id !== undefined) {
      if (!isUuid(args.id)) throw new UsageError(`Invalid --id ${JSON.stringify(args.id)}: an artifact id is a UUID`);
      const record = await store.getById(args.id);
      if (!record) throw new ArtifactNotFoundError(`Artifact with id '${args.id}' not found.`);
      records = [record];
      what = record.key === null ? `the unkeyed artifact ${record.id}` : `artifact ${record.id} (key '${record.key}')`;
    } else {
      records = await store.versions(args.key!);
      if (records.length === 0) throw new ArtifactNotFoundError(`Artifact '${args.key}' not found.`);
      what = `${records.length} artifact(s) with key '${args.key}'`;
    }
    if (!args.yes) {
      if (!ctx.stdin.isTTY) {
        throw new UsageError(`Refusing to delete ${what} without confirmation: stdin is not a terminal; pass --yes`);
      }
      if (!(await confirm(`Are you sure you want to delete ${what}?`, ctx.stdin, ctx.stderr))) {
        throw new CliError("Deletion aborted; nothing was deleted.");
      }
    }
    await store.delete(records);
    ctx.print(`Deleted ${what}.`);
  },
};

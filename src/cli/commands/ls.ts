/** `artifacts ls`: the latest version of each key (or every version), as columns or JSON. */
import type { Argv, CommandModule } from "yargs";
import { ARTIFACT_TYPES, type ArtifactRecord, type ArtifactType } from "../../types.js";
import { makeContext, type GlobalArgs } from "../context.js";
import { formatJson, formatList } from "../format.js";
import { parseCount } from "../parse.js";
import { printProblem } from "../problems.js";

interface LsArgs extends GlobalArgs {
  all: boolean;
  limit: number;
  type?: ArtifactType;
  json: boolean;
}

export const lsCommand: CommandModule<GlobalArgs, LsArgs> = {
  command: "ls",
  describe: "List the latest version of each key, sorted by key",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option("all", { type: "boolean", default: false, describe: "List every version, unkeyed artifacts included" })
      .option("limit", {
        requiresArg: true, default: 100, describe: "Show at most N artifacts",
        coerce: (v: unknown) => parseCount("--limit", v),
      })
      .option("type", { type: "string", choices: ARTIFACT_TYPES as ArtifactType[], describe: "Only artifacts of this type" })
      .option("json", { type: "boolean", default: false, describe: "Print a JSON array of the records" })
      .example("$0 ls", "the latest version of every key")
      .example("$0 ls --all --type table --limit 20", "the 20 first table versions, keyed and unkeyed")
      .example("$0 ls --json | jq '.[].key'", "the records as JSON") as Argv<LsArgs>,
  handler: async (args) => {
    const ctx = makeContext(args);
    const store = ctx.store();
    const report = printProblem(ctx);
    let records: ArtifactRecord[] = args.all
      ? await store.all(report)
      : (await store.list(report)).map((summary) => summary.latest);
    if (args.type) records = records.filter((r) => r.type === args.type);
    records = records.slice(0, args.limit);
    ctx.stdout.write(args.json ? formatJson(records) : formatList(records, ctx.now(), ctx.out));
  },
};

/** `artifacts create <type>`: the writer for shell jobs and other languages; prints the new id (or the record). */
import type { Argv, CommandModule } from "yargs";
import type { ArtifactStore } from "../../artifacts/client.js";
import { CliError, UsageError } from "../../errors.js";
import type { TableData } from "../../types.js";
import { makeContext, type CliContext, type GlobalArgs } from "../context.js";
import { csvToTable } from "../csv.js";
import { formatJson } from "../format.js";
import { isStdin, readContent } from "../input.js";
import { parseProgress } from "../parse.js";

interface CommonArgs extends GlobalArgs {
  key?: string;
  description?: string;
  json: boolean;
}

type Builder<T> = (y: Argv<GlobalArgs>) => Argv<T>;

/** The options every `create` subcommand shares. */
function common(y: Argv<GlobalArgs>): Argv<CommonArgs> {
  return y
    .option("key", { type: "string", requiresArg: true, describe: "The lineage key (a-z 0-9 -); omitted: unkeyed" })
    .option("description", { type: "string", requiresArg: true, describe: "Markdown shown above the artifact" })
    .option("json", { type: "boolean", default: false, describe: "Print the new record as JSON instead of its id" }) as Argv<CommonArgs>;
}

/** Prints the id, or the record with --json. */
async function done(ctx: CliContext, store: ArtifactStore, args: CommonArgs, id: string): Promise<void> {
  if (!args.json) return ctx.print(id);
  const records = args.key === undefined ? await store.unkeyed() : await store.versions(args.key);
  const record = records.find((r) => r.id === id);
  if (!record) throw new CliError(`Artifact ${id} was created but could not be read back`);
  ctx.stdout.write(formatJson(record));
}

function subcommand<T extends CommonArgs>(
  command: string, describe: string, builder: Builder<T>,
  run: (ctx: CliContext, store: ArtifactStore, args: T) => Promise<string>,
): CommandModule<GlobalArgs, T> {
  return {
    command, describe, builder,
    handler: async (args) => {
      const ctx = makeContext(args);
      const store = ctx.store();
      await done(ctx, store, args as unknown as T, await run(ctx, store, args as unknown as T));
    },
  };
}

const contentOptions = (y: Argv<CommonArgs>, what: string) =>
  y
    .positional("content", { type: "string", describe: `The ${what} inline, or - to read stdin` })
    .option("file", { type: "string", requiresArg: true, describe: `Read the ${what} from this file (- for stdin)` });

interface MarkdownArgs extends CommonArgs { content?: string; file?: string }
const markdown = subcommand<MarkdownArgs>(
  "markdown [content]", "A Markdown report",
  (y) => contentOptions(common(y), "Markdown")
    .example("$0 create markdown '# Done' --key nightly-report", "inline")
    .example("$0 create markdown --file report.md --key nightly-report", "from a file")
    .example("make test | $0 create markdown - --description 'Test log'", "from stdin") as Argv<MarkdownArgs>,
  async (ctx, store, a) => store.createMarkdownArtifact({
    markdown: await readContent({ inline: a.content, file: a.file }, "Markdown", ctx.stdin),
    key: a.key, description: a.description,
  }),
);

interface TableArgs extends CommonArgs { content?: string; file?: string; format?: "json" | "csv"; columns?: string }
const table = subcommand<TableArgs>(
  "table [content]", "A table, from JSON (any of the three shapes) or CSV with a header row",
  (y) => contentOptions(common(y), "table")
    .option("format", { choices: ["json", "csv"] as const, describe: "How to read the table [default: csv for a .csv file, else json]" })
    .option("columns", { type: "string", requiresArg: true, describe: "Column names for a JSON list of lists: a,b,c or a JSON array" })
    .example(`$0 create table '[{"region":"EU","sales":12}]' --key sales`, "a list of records")
    .example("$0 create table --file sales.csv --key sales", "CSV with a header row")
    .example("psql -c '…' --csv | $0 create table - --format csv", "CSV from stdin") as Argv<TableArgs>,
  async (ctx, store, a) => {
    const text = await readContent({ inline: a.content, file: a.file }, "table", ctx.stdin);
    const csv = a.format === "csv" || (a.format === undefined && typeof a.file === "string" && !isStdin(a.file) && /\.csv$/i.test(a.file));
    if (csv) {
      if (a.columns !== undefined) throw new UsageError("--columns is for a JSON list of lists; a CSV names its columns in its header row");
      const data: TableData = csvToTable(text);
      return store.createTableArtifact({ table: data.rows, columns: data.columns ?? undefined, key: a.key, description: a.description });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new CliError(`The table is not valid JSON (${(err as Error).message}); give --format csv for CSV`, 1, { cause: err });
    }
    return store.createTableArtifact({
      table: parsed as never, columns: a.columns === undefined ? undefined : parseColumns(a.columns),
      key: a.key, description: a.description,
    });
  },
);

/** `a,b,c` or a JSON array of strings (for names holding commas). */
function parseColumns(raw: string): string[] {
  if (raw.trimStart().startsWith("[")) {
    try {
      const list: unknown = JSON.parse(raw);
      if (Array.isArray(list) && list.every((c) => typeof c === "string")) return list;
    } catch { /* reported below */ }
    throw new UsageError(`Invalid --columns ${JSON.stringify(raw)}: give a,b,c or a JSON array of strings`);
  }
  return raw.split(",");
}

interface LinkArgs extends CommonArgs { url: string; text?: string }
const link = subcommand<LinkArgs>(
  "link <url>", "A link (http:, https: or mailto:)",
  (y) => common(y)
    .positional("url", { type: "string", demandOption: true, describe: "The absolute URL" })
    .option("text", { type: "string", requiresArg: true, describe: "The link text [default: the URL]" })
    .example("$0 create link https://example.com/data.csv --text 'Raw data' --key irregular-data", "") as Argv<LinkArgs>,
  async (_ctx, store, a) => store.createLinkArtifact({ link: a.url, linkText: a.text, key: a.key, description: a.description }),
);

interface ImageArgs extends CommonArgs { file?: string; url?: string }
const image = subcommand<ImageArgs>(
  "image", "An image: a local PNG, JPEG, GIF, WebP or AVIF file copied into the store, or a public URL",
  (y) => common(y)
    .option("file", { type: "string", requiresArg: true, describe: "A local image, copied into the store" })
    .option("url", { type: "string", requiresArg: true, describe: "A public http: or https: image URL" })
    .check((a) => {
      if ((a.file === undefined) === (a.url === undefined)) throw new UsageError("Give exactly one of --file and --url");
      if (isStdin(a.file)) throw new UsageError("--file must name an image file; stdin is not read for images");
      return true;
    })
    .example("$0 create image --file chart.png --key weekly-chart", "a local file")
    .example("$0 create image --url https://example.com/chart.gif", "a public URL") as Argv<ImageArgs>,
  async (_ctx, store, a) => store.createImageArtifact({
    ...(a.file !== undefined ? { imagePath: a.file } : { imageUrl: a.url }), key: a.key, description: a.description,
  }),
);

interface ProgressArgs extends CommonArgs { progress: number }
const progress = subcommand<ProgressArgs>(
  "progress <progress>", "A progress bar (0–100; update it with update-progress)",
  (y) => common(y)
    .positional("progress", { describe: "A number from 0 to 100", coerce: parseProgress, demandOption: true })
    .example("id=$($0 create progress 0 --key backfill)", "keep the id to update it later") as Argv<ProgressArgs>,
  async (_ctx, store, a) => store.createProgressArtifact({ progress: a.progress, key: a.key, description: a.description }),
);

export const createCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "create",
  describe: "Create an artifact: markdown, table, link, image or progress",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(markdown as CommandModule<GlobalArgs, MarkdownArgs>)
      .command(table as CommandModule<GlobalArgs, TableArgs>)
      .command(link as CommandModule<GlobalArgs, LinkArgs>)
      .command(image as CommandModule<GlobalArgs, ImageArgs>)
      .command(progress as CommandModule<GlobalArgs, ProgressArgs>)
      .demandCommand(1, "Give the type of artifact to create")
      .example("$0 create markdown '# Report' --key nightly", "prints the new artifact's id")
      .epilog("ARTIFACTS_RUN_ID and ARTIFACTS_RUN_NAME attach the artifact to a run (e.g. a CI job)."),
  handler: () => undefined,
};

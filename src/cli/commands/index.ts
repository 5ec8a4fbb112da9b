/** Every command of `artifacts`, in the order `--help` lists them. A new command is one file plus one line here. */
import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../context.js";
import { buildCommand } from "./build.js";
import { createCommand } from "./create.js";
import { deleteCommand } from "./delete.js";
import { inspectCommand } from "./inspect.js";
import { lsCommand } from "./ls.js";
import { pruneCommand } from "./prune.js";
import { updateProgressCommand } from "./update-progress.js";
import { watchCommand } from "./watch.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  buildCommand, watchCommand, lsCommand, inspectCommand, deleteCommand, createCommand, updateProgressCommand, pruneCommand,
];

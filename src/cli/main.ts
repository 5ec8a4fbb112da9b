#!/usr/bin/env node
/**
 * The `artifacts` command. yargs parses and runs one command; this file is the one error boundary: library errors
 * → the message on stderr and exit 1 (the stack only with --debug), bad usage → the command's help, the message and
 * exit 2. Nothing else in the CLI decides an exit code.
 */
import { readFileSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { defaultDir } from "../artifacts/client.js";
import { CliError, UsageError } from "../errors.js";
import { colorFor, paint } from "./color.js";
import { commands } from "./commands/index.js";
import { markStdinArgs } from "./input.js";

const EPILOG = `Environment:
  ARTIFACTS_DIR       the store folder when --dir is not given (default .artifacts)
  ARTIFACTS_RUN_ID    attach created artifacts to this run (a CI job id, …)
  ARTIFACTS_RUN_NAME  the name of that run
  ARTIFACTS_CACHE_DIR where build keeps its render cache (default $XDG_CACHE_HOME/artifact-press or ~/.cache/artifact-press)
  NO_COLOR            no colour, even on a terminal
  ARTIFACTS_NOW       a testing aid: pin "now" (an ISO time) for relative times and prune cut-offs

Docs: docs/cli.md`;

/** Runs the CLI on `argv` (without node and the script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // yargs cannot tell a failed command from which help to show, so the fail hook keeps the failing command's help.
  let usageHelp = "";
  const parser = yargs(markStdinArgs(argv))
    .scriptName("artifacts")
    .usage("$0 <command> [options]\n\nRecord artifacts from any job and publish them as a static HTML site.")
    .option("dir", {
      type: "string", global: true, requiresArg: true, default: defaultDir(),
      defaultDescription: "ARTIFACTS_DIR or .artifacts", describe: "The store folder",
    })
    .option("debug", { type: "boolean", global: true, default: false, describe: "Show stack traces of errors" })
    .command(commands)
    .demandCommand(1, "Give a command")
    .recommendCommands()
    .strict()
    .version(readVersion())
    .help()
    .alias("help", "h")
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .parserConfiguration({ "duplicate-arguments-array": false })
    .exitProcess(false)
    .fail((message, err, y) => {
      // A command's own failure is not bad usage: let it reach the boundary as it is.
      if (err && !(err instanceof UsageError) && err.name !== "YError") throw err;
      y.showHelp((help: string) => { usageHelp = help; });
      throw err instanceof UsageError ? err : new UsageError(message ?? err?.message ?? "Bad usage");
    });
  try {
    await parser.parseAsync();
    return 0;
  } catch (err) {
    return report(err, usageHelp, argv.includes("--debug"));
  }
}

/** The boundary: prints an error the way its kind asks for and returns the exit code. */
function report(err: unknown, usageHelp: string, debug: boolean): number {
  const red = paint(colorFor(process.stderr, process.env)).red;
  const write = (text: string) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  if (err instanceof UsageError) {
    if (usageHelp) write(`${usageHelp}\n`);
    write(red(err.message));
    if (debug && err.stack) write(err.stack);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(red(message));
  if (debug && err instanceof Error) {
    write(err.stack ?? "");
    if (err.cause instanceof Error && err.cause.stack) write(`Caused by: ${err.cause.stack}`);
  }
  return err instanceof CliError ? err.exitCode : 1;
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Runs the CLI on the process's arguments and ends the process with its exit code (bin.ts, or this file as the bin). */
export async function runAsBin(): Promise<void> {
  process.exitCode = await main(hideBin(process.argv));
  // Every command is done once `main` resolves (watch mode too: it resolves when stopped). Exiting now skips
  // waiting for the site's threads to wind down (~10 ms of a build). Output still on its way (a pipe that is
  // written asynchronously, on some systems) is let through first.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

// Run as the bin when started as a file (also through npm's symlink), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await runAsBin();

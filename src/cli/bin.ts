#!/usr/bin/env node
/**
 * The installed command (package.json's bin, bundled into dist/bundle/artifacts.js). With `--debug`, stack traces
 * name the TypeScript sources and their lines: Node maps a file's positions only when it loads after source maps are
 * on, so this file turns them on and only then loads the CLI.
 */
if (process.argv.slice(2).includes("--debug")) process.setSourceMapsEnabled(true);
const { runAsBin } = await import("./main.js");
await runAsBin();

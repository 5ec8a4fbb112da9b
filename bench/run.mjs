#!/usr/bin/env node
// `npm run bench -- [name…]`: runs bench/<name>.mjs (default: every suite) and prints its figures.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .map((f) => f.slice(0, -".bench.mjs".length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !suites.includes(w));
if (unknown.length > 0) {
  console.error(`Unknown bench suite ${JSON.stringify(unknown[0])}; available: ${suites.join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : suites) {
  console.log(`\n## ${name}`);
  const mod = await import(pathToFileURL(path.join(here, `${name}.bench.mjs`)).href);
  await mod.default(process.argv.slice(2).filter((a) => a.startsWith("-")));
}

#!/usr/bin/env node
/**
 * Bundles the `artifacts` command (dist/cli/bin.js, from tsc) into dist/bundle/: one file per entry point, so a run
 * loads a handful of files instead of ~100 modules. The site's reader thread is an entry point of its own
 * (read-thread.ts starts `./read-worker.js` beside the code that starts it). The library (dist/index.js) is not
 * bundled. jsdom, DOMPurify and chokidar stay packages, loaded from node_modules when first needed. Each file has a
 * source map that leads back to src/ (through tsc's maps), which the command turns on under `--debug`.
 */
import { build } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { artifacts: path.join(root, "dist/cli/bin.js"), "read-worker": path.join(root, "dist/site/read-worker.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["jsdom", "dompurify", "chokidar"],
  // yargs lays out help with `string-width`, which costs every run ~17 ms as it loads (see string-width-lite.mjs).
  plugins: [{
    name: "string-width-lite",
    setup(b) {
      b.onResolve({ filter: /^string-width$/ }, () => ({ path: path.join(root, "scripts", "string-width-lite.mjs") }));
    },
  }],
  // Bundled CommonJS packages (yargs' helpers) call `require`, which an ES module does not have.
  banner: { js: 'import { createRequire as __artifactsRequire } from "node:module";\nconst require = __artifactsRequire(import.meta.url);' },
  // Positions only: the sources stay in src/ (and the bundle stays as small as it was).
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});

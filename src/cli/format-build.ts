/** The one summary line of `build`: pages written, files skipped, time, and the page to open. */
import type { StoreProblem } from "../store/backend.js";

export function formatBuildSummary(result: { pages: number; problems: StoreProblem[]; durationMs: number; unchanged?: boolean }, out: string): string {
  const pages = `${result.pages} page${result.pages === 1 ? "" : "s"}`;
  const skipped = `${result.problems.length} file${result.problems.length === 1 ? "" : "s"} skipped`;
  const open = `${out.replace(/[\\/]+$/, "")}/index.html`;
  if (result.unchanged) return `Nothing changed since the last build: ${out} is up to date (${pages}, ${skipped}; checked in ${formatDuration(result.durationMs)}). Open ${open}`;
  return `Built ${pages} into ${out} (${skipped}) in ${formatDuration(result.durationMs)}. Open ${open}`;
}

/** `850 ms`, `1.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

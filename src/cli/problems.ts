/** Bad files met while reading the store: one line each on stderr, `<path>: <reason>`, and the rest goes on. */
import type { StoreProblem } from "../store/backend.js";
import type { CliContext } from "./context.js";
import { safeText } from "./format.js";

export function formatProblem(problem: StoreProblem): string {
  return `${safeText(problem.path)}: ${safeText(problem.reason)}`;
}

export function printProblem(ctx: CliContext): (problem: StoreProblem) => void {
  return (problem) => ctx.warn(ctx.err.yellow(formatProblem(problem)));
}

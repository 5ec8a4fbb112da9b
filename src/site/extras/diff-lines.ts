/**
 * A line diff (Myers' O(ND) algorithm) with a work budget: two huge, very different documents are reported as
 * "too large to diff" instead of stalling the build. The result is grouped into hunks with a few context lines.
 */

export type LineOp = "same" | "add" | "del";

export interface DiffLine {
  op: LineOp;
  text: string;
  /** 1-based line number in the old text; null for an added line. */
  oldNo: number | null;
  /** 1-based line number in the new text; null for a removed line. */
  newNo: number | null;
}

export interface DiffHunk {
  lines: DiffLine[];
}

export interface LineDiff {
  /** True when the budget ran out: no hunks, the texts are just "different". */
  tooLarge: boolean;
  added: number;
  removed: number;
  hunks: DiffHunk[];
  /** True when hunks were cut at `maxLines` shown lines. */
  truncated: boolean;
  /**
   * True when most lines changed (a regenerated report): no hunks, only the counts — a line-by-line listing would
   * just repeat both versions, which their own pages show.
   */
  rewritten: boolean;
}

export interface LineDiffOptions {
  /** Steps of the Myers search before giving up (memory grows with it too); default 4,000,000. */
  maxWork?: number;
  /** Unchanged lines shown around each change; default 3. */
  context?: number;
  /** Lines shown over all hunks; default 2,000. */
  maxLines?: number;
  /**
   * Above this share of changed lines (added + removed over the lines of both texts), and more than 20 changed
   * lines, the diff is `rewritten` and lists no lines; default 1 (always list).
   */
  maxChangedShare?: number;
}

export const DEFAULT_MAX_WORK = 4_000_000;

/** Splits text into lines; a trailing newline does not make an extra empty line, and CRLF counts as one break. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  // Splitting on one character is several times faster than on the pattern, and most text has no CR.
  const lines = text.includes("\r") ? text.split(/\r\n|\n|\r/) : text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The edit script from `a` to `b` as one op per line, or null when more than `maxWork` steps would be needed.
 * Common prefix and suffix are matched first, so a long document with a small change costs little.
 */
export function diffOps(a: readonly string[], b: readonly string[], maxWork = DEFAULT_MAX_WORK): LineOp[] | null {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const middle = myers(a.slice(start, endA), b.slice(start, endB), maxWork);
  if (middle === null) return null;
  const ops: LineOp[] = new Array<LineOp>(start).fill("same");
  for (const op of middle) ops.push(op);
  for (let i = endA; i < a.length; i++) ops.push("same");
  return ops;
}

function myers(a: readonly string[], b: readonly string[], maxWork: number): LineOp[] | null {
  const n = a.length, m = b.length;
  if (n === 0) return new Array<LineOp>(m).fill("add");
  if (m === 0) return new Array<LineOp>(n).fill("del");
  const [x1, y1] = comparable(a, b);
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // The trace: v before step d, for k in [-d-1, d+1], at trace[d * (d + 2) + k + d + 1] (step d's band starts after
  // the bands of 2i + 3 entries of the steps before it). One buffer grown by doubling, not an array per step.
  let trace = new Int32Array(Math.min(1024, (max + 1) * (max + 3)));
  let work = 0;
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    const band = d * (d + 2);
    if (band + 2 * d + 3 > trace.length) {
      const bigger = new Int32Array(Math.max(trace.length * 2, band + 2 * d + 3));
      bigger.set(trace);
      trace = bigger;
    }
    trace.set(v.subarray(offset - d - 1, offset + d + 2), band);
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && x1[x] === y1[y]) { x++; y++; work++; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = d; break outer; }
    }
    work += 2 * d + 1;
    if (work > maxWork) return null;
  }
  const ops: LineOp[] = [];
  let x = n, y = m;
  for (let d = found; d >= 0; d--) {
    const band = d * (d + 2) + d + 1;
    const at = (k: number) => trace[band + k]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) { ops.push("same"); x--; y--; }
    if (d > 0) ops.push(x === prevX ? "add" : "del");
    x = prevX; y = prevY;
  }
  return ops.reverse();
}

/** Both sides compared as they are while that is cheap: at most this many lines and characters over both. */
const FEW_LINES = 256;
const FEW_CHARS = 32 * 1024;

/**
 * The lines of both sides in a form the search compares with `===`. Few lines of little text (nearly every report and
 * description) as they are: the search makes at most ~FEW_LINES² comparisons, each within the shorter line, so at
 * most FEW_LINES × FEW_CHARS characters are compared, and numbering the lines through a Map cost more than the whole
 * search (~40 % of the 10k bench's diffs). Otherwise as small integers, one per distinct line, so the inner loop
 * compares numbers whatever the lines are.
 */
function comparable(a: readonly string[], b: readonly string[]): [ArrayLike<string | number>, ArrayLike<string | number>] {
  if (a.length + b.length <= FEW_LINES && chars(a) + chars(b) <= FEW_CHARS) return [a, b];
  const ids = new Map<string, number>();
  const idOf = (s: string) => ids.get(s) ?? (ids.set(s, ids.size), ids.size - 1);
  return [Int32Array.from(a, idOf), Int32Array.from(b, idOf)];
}

function chars(lines: readonly string[]): number {
  let n = 0;
  for (const line of lines) n += line.length;
  return n;
}

/** Diffs two texts line by line and groups the changes into hunks. */
export function diffText(before: string, after: string, options: LineDiffOptions = {}): LineDiff {
  const a = splitLines(before), b = splitLines(after);
  const ops = diffOps(a, b, options.maxWork ?? DEFAULT_MAX_WORK);
  if (ops === null) return { tooLarge: true, added: 0, removed: 0, hunks: [], truncated: false, rewritten: false };
  let adds = 0, dels = 0;
  for (const op of ops) if (op === "add") adds++; else if (op === "del") dels++;
  if (adds + dels > 20 && adds + dels > (options.maxChangedShare ?? 1) * (a.length + b.length)) {
    return { tooLarge: false, added: adds, removed: dels, hunks: [], truncated: false, rewritten: true };
  }
  const lines: DiffLine[] = [];
  let i = 0, j = 0, added = 0, removed = 0;
  for (const op of ops) {
    if (op === "same") lines.push({ op, text: a[i]!, oldNo: ++i, newNo: ++j });
    else if (op === "del") { lines.push({ op, text: a[i]!, oldNo: ++i, newNo: null }); removed++; }
    else { lines.push({ op, text: b[j]!, oldNo: null, newNo: ++j }); added++; }
  }
  const { hunks, truncated } = toHunks(lines, options.context ?? 3, options.maxLines ?? 2000);
  return { tooLarge: false, added, removed, hunks, truncated, rewritten: false };
}

function toHunks(lines: DiffLine[], context: number, maxLines: number): { hunks: DiffHunk[]; truncated: boolean } {
  const hunks: DiffHunk[] = [];
  let shown = 0;
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.op === "same") { i++; continue; }
    // A hunk runs from `context` lines before a change to `context` lines after the last change that is at most
    // 2 × context unchanged lines from the next one.
    const from = Math.max(0, i - context);
    let end = i;
    let j = i;
    while (j < lines.length) {
      if (lines[j]!.op !== "same") { end = j; j++; continue; }
      if (j - end > 2 * context) break;
      j++;
    }
    const to = Math.min(lines.length, end + context + 1);
    const room = maxLines - shown;
    if (room <= 0) return { hunks, truncated: true };
    const slice = lines.slice(from, Math.min(to, from + room));
    hunks.push({ lines: slice });
    shown += slice.length;
    if (slice.length < to - from) return { hunks, truncated: true };
    i = to;
  }
  return { hunks, truncated: false };
}

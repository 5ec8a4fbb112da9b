import { describe, expect, it } from "vitest";
import { diffOps, diffText, splitLines, type LineOp } from "../../../src/site/extras/diff-lines.js";

/** Applies an edit script: the lines kept or added must be exactly `b`, the kept or removed ones exactly `a`. */
function replay(a: string[], b: string[], ops: LineOp[]): { old: string[]; neu: string[] } {
  const old: string[] = [], neu: string[] = [];
  let i = 0, j = 0;
  for (const op of ops) {
    if (op === "same") { expect(a[i]).toBe(b[j]); old.push(a[i++]!); neu.push(b[j++]!); }
    else if (op === "del") old.push(a[i++]!);
    else neu.push(b[j++]!);
  }
  return { old, neu };
}

/** Length of the longest common subsequence, by dynamic programming: the minimal diff keeps exactly that many. */
function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
  }
  return dp[a.length]![b.length]!;
}

function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe("diffOps", () => {
  it("is a correct and minimal edit script on random inputs", () => {
    const next = rng(7);
    for (let t = 0; t < 300; t++) {
      const lines = (n: number) => Array.from({ length: n }, () => "abcde"[Math.floor(next() * 5)]!);
      const a = lines(Math.floor(next() * 15)), b = lines(Math.floor(next() * 15));
      const ops = diffOps(a, b)!;
      const { old, neu } = replay(a, b, ops);
      expect(old).toEqual(a);
      expect(neu).toEqual(b);
      expect(ops.filter((o) => o === "same").length).toBe(lcs(a, b));
    }
  });
  it("stays correct and minimal when the changes are many (the search's trace grows as it goes)", () => {
    const next = rng(11);
    for (let t = 0; t < 40; t++) {
      const lines = (n: number) => Array.from({ length: n }, () => "abcdefgh"[Math.floor(next() * 8)]!);
      const a = lines(40 + Math.floor(next() * 60)), b = lines(40 + Math.floor(next() * 60));
      const ops = diffOps(a, b)!;
      const { old, neu } = replay(a, b, ops);
      expect(old).toEqual(a);
      expect(neu).toEqual(b);
      expect(ops.filter((o) => o === "same").length).toBe(lcs(a, b));
    }
  });

  it("is as correct and minimal with many lines or much text as with a few short ones (lines numbered, not compared)", () => {
    const next = rng(5);
    const pad = "x".repeat(400);
    for (const [count, long] of [[150, false], [40, true]] as const) {
      for (let t = 0; t < 6; t++) {
        // Many lines (over 256 on both sides), or long lines (over 32K characters on both): both take the numbered path.
        const lines = (n: number) => Array.from({ length: n }, () => `${long ? pad : ""}${"abcdef"[Math.floor(next() * 6)]!}`);
        const a = lines(count + Math.floor(next() * 20)), b = lines(count + Math.floor(next() * 20));
        const ops = diffOps(a, b)!;
        const { old, neu } = replay(a, b, ops);
        expect(old).toEqual(a);
        expect(neu).toEqual(b);
        expect(ops.filter((o) => o === "same").length).toBe(lcs(a, b));
      }
    }
  });

  it("handles empty sides and identical texts", () => {
    expect(diffOps([], [])).toEqual([]);
    expect(diffOps([], ["a", "b"])).toEqual(["add", "add"]);
    expect(diffOps(["a"], [])).toEqual(["del"]);
    expect(diffOps(["a", "b"], ["a", "b"])).toEqual(["same", "same"]);
  });

  it("gives up (null) past the work budget, but a small change in a huge text stays cheap", () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}`), b = Array.from({ length: 5000 }, (_, i) => `b${i}`);
    expect(diffOps(a, b, 100_000)).toBeNull();
    const big = Array.from({ length: 200_000 }, (_, i) => `line ${i}`);
    const changed = big.slice();
    changed[100_000] = "changed";
    const ops = diffOps(big, changed, 1000)!;
    expect(ops.filter((o) => o !== "same").sort()).toEqual(["add", "del"]);
  });
});

describe("splitLines", () => {
  it("splits on LF, CRLF and CR; a final newline adds no line", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\r\nb\rc\n")).toEqual(["a", "b", "c"]);
    expect(splitLines("a\n\n")).toEqual(["a", ""]);
    expect(splitLines("a\nb\r\n\rc")).toEqual(["a", "b", "", "c"]);
  });
});

describe("diffText", () => {
  it("numbers lines and groups changes into hunks with three lines of context", () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const b = a.slice();
    b[4] = "five";        // change at line 5
    b.splice(25, 1);      // remove line 26
    const d = diffText(a.join("\n"), b.join("\n"));
    expect(d).toMatchObject({ tooLarge: false, added: 1, removed: 2, truncated: false });
    expect(d.hunks).toHaveLength(2);
    const first = d.hunks[0]!.lines;
    expect(first[0]).toEqual({ op: "same", text: "l2", oldNo: 2, newNo: 2 });
    expect(first.filter((l) => l.op !== "same")).toEqual([
      { op: "del", text: "l5", oldNo: 5, newNo: null },
      { op: "add", text: "five", oldNo: null, newNo: 5 },
    ]);
    expect(first.at(-1)).toEqual({ op: "same", text: "l8", oldNo: 8, newNo: 8 });
    expect(d.hunks[1]!.lines.find((l) => l.op === "del")).toEqual({ op: "del", text: "l26", oldNo: 26, newNo: null });
  });

  it("merges changes closer than twice the context into one hunk", () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = a.map((l, i) => (i === 5 || i === 11 ? `${l}!` : l));
    expect(diffText(a.join("\n"), b.join("\n")).hunks).toHaveLength(1);
  });

  it("cuts the shown lines at maxLines and says so; too large says so with no hunks", () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`).join("\n");
    const cut = diffText(a, b, { maxLines: 50 });
    expect(cut.truncated).toBe(true);
    expect(cut.hunks.reduce((s, h) => s + h.lines.length, 0)).toBe(50);
    expect(cut.added).toBe(100);
    expect(diffText(a, b, { maxWork: 10 })).toEqual({ tooLarge: true, added: 0, removed: 0, hunks: [], truncated: false, rewritten: false });
  });

  it("a mostly rewritten text gives counts only, past maxChangedShare and 20 changed lines", () => {
    const a = Array.from({ length: 30 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 30 }, (_, i) => (i % 10 === 0 ? `a${i}` : `b${i}`)).join("\n");
    expect(diffText(a, b, { maxChangedShare: 0.6 })).toEqual({ tooLarge: false, added: 27, removed: 27, hunks: [], truncated: false, rewritten: true });
    expect(diffText(a, b, { maxChangedShare: 0.95 }).rewritten).toBe(false);
    // A small text that changed entirely is still listed: 20 changed lines or fewer.
    expect(diffText("x\ny", "z", { maxChangedShare: 0.1 }).rewritten).toBe(false);
  });
});

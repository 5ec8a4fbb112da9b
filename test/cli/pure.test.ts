// The CLI's pure pieces: value parsing, relative times, terminal-safe text, columns, the progress bar.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { formatDuration } from "../../src/cli/format-build.js";
import { columns, relativeTime, safeText } from "../../src/cli/format.js";
import { parseCount, parseDuration, parseProgress, parseSize } from "../../src/cli/parse.js";
import { renderBar } from "../../src/cli/progress-bar.js";

describe("parsing option values", () => {
  it("sizes: bytes, decimal and binary units, any case", () => {
    expect(parseSize("--max-file-size", "1048576")).toBe(1048576);
    expect(parseSize("--max-file-size", 1048576)).toBe(1048576);
    expect(parseSize("--max-file-size", "500KB")).toBe(500_000);
    expect(parseSize("--max-file-size", "32MiB")).toBe(32 * 1024 * 1024);
    expect(parseSize("--max-file-size", "1.5gib")).toBe(1.5 * 1024 ** 3);
  });

  it("sizes: anything else is a usage error naming the option and value", () => {
    for (const bad of ["", "abc", "32 MiBs", "-5", "0", "1e3", "12TB"]) {
      expect(() => parseSize("--max-file-size", bad)).toThrow(UsageError);
    }
    expect(() => parseSize("--max-file-size", "32XB")).toThrow('Invalid --max-file-size "32XB"');
  });

  it("durations need a unit", () => {
    expect(parseDuration("--older-than", "30d")).toBe(30 * 86_400_000);
    expect(parseDuration("--older-than", "90m")).toBe(90 * 60_000);
    expect(parseDuration("--older-than", "2w")).toBe(14 * 86_400_000);
    for (const bad of ["30", "d", "1.5d", "-1d", "0s"]) expect(() => parseDuration("--older-than", bad)).toThrow(UsageError);
  });

  it("counts and progress", () => {
    expect(parseCount("--limit", "5")).toBe(5);
    expect(parseCount("--limit", 5)).toBe(5);
    for (const bad of ["0", "-1", "1.5", "x", ""]) expect(() => parseCount("--limit", bad)).toThrow(UsageError);
    expect(parseProgress("42.5")).toBe(42.5);
    expect(parseProgress("-3")).toBe(-3);
    for (const bad of ["x", "", "NaN", "Infinity", "1,5"]) expect(() => parseProgress(bad)).toThrow(UsageError);
  });
});

describe("formatting", () => {
  const now = new Date("2026-11-26T12:00:00.000Z");
  it("relative times in whole units, past and future", () => {
    const ago = (ms: number) => relativeTime(new Date(now.getTime() - ms), now);
    expect(ago(0)).toBe("just now");
    expect(ago(1000)).toBe("1 second ago");
    expect(ago(59_999)).toBe("59 seconds ago");
    expect(ago(3 * 60_000 + 5000)).toBe("3 minutes ago");
    expect(ago(2 * 3_600_000)).toBe("2 hours ago");
    expect(ago(86_400_000)).toBe("1 day ago");
    expect(ago(45 * 86_400_000)).toBe("1 month ago");
    expect(ago(800 * 86_400_000)).toBe("2 years ago");
    expect(ago(-2 * 60_000)).toBe("in 2 minutes");
  });

  it("terminal-safe text shows control characters instead of obeying them", () => {
    expect(safeText("a\u001b[31mred\u0007")).toBe("a\\u001b[31mred\\u0007");
    expect(safeText("one\ntwo\r\nthree")).toBe("one\\ntwo\\nthree");
    expect(safeText("one\ntwo\r\nthree", true)).toBe("one\ntwo\nthree");
    expect(safeText("x\u202eevil\u009b")).toBe("x\\u202eevil\\u009b");
  });

  it("columns align without trailing spaces", () => {
    expect(columns(["ID", "Key"], [["1", "alpha"], ["22", ""]])).toBe("ID  Key\n1   alpha\n22\n");
  });

  it("progress bar and durations", () => {
    expect(renderBar(0, 0)).toBe(`[${"-".repeat(30)}]   0% 0/0 pages`);
    expect(renderBar(5, 10)).toBe(`[${"#".repeat(15)}${"-".repeat(15)}]  50% 5/10 pages`);
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
  });
});

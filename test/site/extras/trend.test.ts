import { describe, expect, it } from "vitest";
import { formatValue, renderTrendSvg, trendSeries } from "../../../src/site/extras/trend.js";
import { record, table } from "./records.js";

describe("trendSeries", () => {
  it("takes progress values and the numeric columns of single-row tables, numbering versions over the whole key", () => {
    const versions = [
      record("progress", 10, { minute: 0 }),
      table(["acc", "name", "loss"], [[0.8, "run", 1.5]], { minute: 1 }),
      record("progress", 40, { minute: 2 }),
      table(["acc", "name", "loss"], [[0.9, "run", null]], { minute: 3 }),
      table(["acc"], [[0.1], [0.2]], { minute: 4 }), // two rows: not a metrics table
      record("markdown", "x", { minute: 5 }),
    ];
    const series = trendSeries(versions);
    expect(series.map((s) => s.name)).toEqual(["Progress", "acc"]);
    expect(series[0]!.points.map((p) => [p.version, p.value])).toEqual([[1, 10], [3, 40]]);
    expect(series[1]!.points.map((p) => [p.version, p.value, p.id])).toEqual([[2, 0.8, versions[1]!.id], [4, 0.9, versions[3]!.id]]);
    // `loss` has only one number: no series.
  });

  it("keeps the latest maxPoints and counts the rest", () => {
    const versions = Array.from({ length: 10 }, (_, i) => record("progress", i, { minute: i }));
    const [s] = trendSeries(versions, { maxPoints: 4 });
    expect(s!.omitted).toBe(6);
    expect(s!.points.map((p) => p.version)).toEqual([7, 8, 9, 10]);
  });

  it("names columns of tables without column names `column N`", () => {
    const series = trendSeries([table(null, [[1, 2]], { minute: 0 }), table(null, [[3, 4]], { minute: 1 })]);
    expect(series.map((s) => s.name)).toEqual(["column 1", "column 2"]);
  });
});

describe("renderTrendSvg", () => {
  it("draws every point as a link to its version page with a title, and escapes the series name", () => {
    const name = `<script>alert("x")</script>&`;
    const versions = [table([name], [[1]], { minute: 0 }), table([name], [[3]], { minute: 1 }), table([name], [[2]], { minute: 2 })];
    const [s] = trendSeries(versions);
    const svg = renderTrendSvg(s!, { root: "../../" });
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;");
    expect(svg.match(/<a href="\.\.\/\.\.\/artifacts\/[0-9a-f-]+\.html"/g)).toHaveLength(3);
    expect(svg.match(/<circle [^>]*><title>[^<]*v\d \(2026-11-26 04:0\d:00 UTC\): \d<\/title><\/circle>/g)).toHaveLength(3);
    expect(svg).not.toMatch(/\sstyle=/);
    // The highest value is at the top, the lowest at the bottom of the plot.
    const ys = [...svg.matchAll(/<circle [^>]*cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[1]).toBeLessThan(ys[2]!);
    expect(ys[2]).toBeLessThan(ys[0]!);
  });

  it("a flat series still draws (no division by zero)", () => {
    const [s] = trendSeries([record("progress", 5, { minute: 0 }), record("progress", 5, { minute: 1 })]);
    expect(renderTrendSvg(s!, { root: "" })).not.toMatch(/NaN|Infinity/);
  });

  it("formats values with at most 6 significant digits", () => {
    expect(formatValue(0.1 + 0.2)).toBe("0.3");
    expect(formatValue(1234567)).toBe("1234570");
    expect(formatValue(-0)).toBe("0");
  });
});

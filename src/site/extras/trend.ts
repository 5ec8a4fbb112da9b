/**
 * Trends: for a key whose versions carry numbers — progress values, or the numeric columns of single-row tables
 * (the usual shape of a metrics table) — one small inline SVG chart per series, drawn at build time. Every point
 * is a link to its version with a `<title>`; the SVG uses classes and presentation attributes, never `style`, so
 * it passes the site's CSP.
 */
import type { ArtifactRecord } from "../../types.js";
import { formatTime } from "../format.js";
import { artifactPage } from "../paths.js";
import { escapeXml } from "./escape.js";

export interface TrendPoint {
  id: string;
  /** 1-based version number in the key. */
  version: number;
  created: string;
  value: number;
}
export interface TrendSeries {
  name: string;
  points: TrendPoint[];
  /** Points before the shown ones that were left out (only the latest `maxPoints` are drawn). */
  omitted: number;
}

export interface TrendOptions {
  /** Points drawn per series (the latest ones); default 500. */
  maxPoints?: number;
  /** Series drawn per key (in column order, progress first); default 12. */
  maxSeries?: number;
}

/** Series of a lineage (`versions` oldest first); a series needs at least two points. */
export function trendSeries(versions: readonly ArtifactRecord[], options: TrendOptions = {}): TrendSeries[] {
  const maxPoints = options.maxPoints ?? 500;
  const byName = new Map<string, TrendPoint[]>();
  const add = (name: string, point: TrendPoint) => (byName.get(name) ?? byName.set(name, []).get(name)!).push(point);
  versions.forEach((r, i) => {
    const base = { id: r.id, version: i + 1, created: r.created };
    if (r.type === "progress" && Number.isFinite(r.data)) add("Progress", { ...base, value: r.data });
    if (r.type === "table" && r.data.rows.length === 1) {
      const row = r.data.rows[0]!;
      row.forEach((v, c) => {
        if (typeof v === "number" && Number.isFinite(v)) add(r.data.columns?.[c] ?? `column ${c + 1}`, { ...base, value: v });
      });
    }
  });
  const out: TrendSeries[] = [];
  for (const [name, points] of byName) {
    if (points.length < 2) continue;
    const omitted = Math.max(0, points.length - maxPoints);
    out.push({ name, points: points.slice(omitted), omitted });
    if (out.length >= (options.maxSeries ?? 12)) break;
  }
  return out;
}

/** A number for an axis label or a tooltip: at most 6 significant digits, no exponent for everyday values. */
export function formatValue(n: number): string {
  const r = Number(n.toPrecision(6));
  return Object.is(r, -0) ? "0" : String(r);
}

export interface ChartOptions {
  /** Prefix from the page to the site root, e.g. "../../". */
  root: string;
  /** Default 640. */ width?: number;
  /** Default 160. */ height?: number;
}

/** One series as an inline `<svg>`; all text escaped. */
export function renderTrendSvg(series: TrendSeries, options: ChartOptions): string {
  const width = options.width ?? 640, height = options.height ?? 160;
  const left = 64, right = 16, top = 12, bottom = 28;
  const values = series.points.map((p) => p.value);
  let min = Math.min(...values), max = Math.max(...values);
  if (min === max) { min -= 1; max += 1; }
  const plotW = width - left - right, plotH = height - top - bottom;
  const n = series.points.length;
  const xOf = (i: number) => left + (n === 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const yOf = (v: number) => top + plotH - ((v - min) / (max - min)) * plotH;
  const fix = (x: number) => String(Math.round(x * 10) / 10);
  const first = series.points[0]!, last = series.points[n - 1]!;
  const summary = escapeXml(`${series.name}: ${formatValue(first.value)} at v${first.version} to ${formatValue(last.value)} at v${last.version}`);
  const parts: string[] = [];
  parts.push(`<svg class="trend-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="${summary}">`);
  parts.push(`<title>${summary}</title>`);
  parts.push(`<line class="trend-axis" x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="currentColor" stroke-opacity="0.3"/>`);
  parts.push(`<line class="trend-axis" x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="currentColor" stroke-opacity="0.3"/>`);
  parts.push(`<text class="trend-label" x="${left - 6}" y="${top + 4}" text-anchor="end" font-size="11" fill="currentColor">${escapeXml(formatValue(max))}</text>`);
  parts.push(`<text class="trend-label" x="${left - 6}" y="${top + plotH}" text-anchor="end" font-size="11" fill="currentColor">${escapeXml(formatValue(min))}</text>`);
  parts.push(`<text class="trend-label" x="${left}" y="${height - 8}" font-size="11" fill="currentColor">v${first.version}</text>`);
  parts.push(`<text class="trend-label" x="${width - right}" y="${height - 8}" text-anchor="end" font-size="11" fill="currentColor">v${last.version}</text>`);
  const line = series.points.map((p, i) => `${fix(xOf(i))},${fix(yOf(p.value))}`).join(" ");
  parts.push(`<polyline class="trend-line" points="${line}" fill="none" stroke="currentColor" stroke-width="2"/>`);
  series.points.forEach((p, i) => {
    const title = escapeXml(`${series.name} v${p.version} (${formatTime(p.created)}): ${formatValue(p.value)}`);
    parts.push(
      `<a href="${escapeXml(options.root + artifactPage(p.id))}" aria-label="${title}"><circle class="trend-point" cx="${fix(xOf(i))}" cy="${fix(yOf(p.value))}" r="4" fill="currentColor"><title>${title}</title></circle></a>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("\n");
}

import { describe, expect, it } from "vitest";
import { isRealTime, timestampOfFileName } from "../../src/store/rules.js";
import { checkArtifactRecord } from "../../src/store/validate.js";

/** The check isRealTime stands in for: a Date round trip. */
const roundTrip = (iso: string) => {
  const ms = Date.parse(iso);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === iso;
};
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const iso = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) =>
  `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;

describe("isRealTime", () => {
  it("answers as a Date round trip for every day number of every month over four centuries' leap rules", () => {
    const years = [0, 1, 4, 100, 1900, 1999, 2000, 2024, 2025, 2026, 2100, 2400, 9999];
    let real = 0;
    for (const y of years) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          const t = iso(y, mo, d);
          expect(isRealTime(t), t).toBe(roundTrip(t));
          if (roundTrip(t)) real++;
        }
      }
    }
    // 13 years of 365 days and 5 leap days (0, 4, 2000, 2024, 2400; not 100, 1900 or 2100).
    expect(real).toBe(13 * 365 + 5);
  });

  it("answers as a Date round trip for hours, minutes and seconds at and past their limits", () => {
    for (const [h, mi, s] of [[23, 59, 59], [24, 0, 0], [0, 60, 0], [0, 0, 60], [99, 99, 99], [12, 30, 45]] as const) {
      const t = iso(2026, 11, 26, h, mi, s, 999);
      expect(isRealTime(t), t).toBe(roundTrip(t));
    }
    expect(isRealTime(iso(2026, 11, 26, 23, 59, 59, 999))).toBe(true);
    expect(isRealTime(iso(2026, 11, 26, 24, 0, 0))).toBe(false);
  });

  it("agrees with the round trip on random times", () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 20_000; i++) {
      const t = iso(rand(10_000), rand(14), rand(33), rand(26), rand(62), rand(62), rand(1000));
      expect(isRealTime(t), t).toBe(roundTrip(t));
    }
  });

  it("keeps file names and record times that do not exist out", () => {
    expect(timestampOfFileName("2024-02-29T10-00-00.000Z.json")).toBe("2024-02-29T10:00:00.000Z");
    expect(timestampOfFileName("2026-02-29T10-00-00.000Z.json")).toBeNull();
    expect(timestampOfFileName("2026-04-31T10-00-00.000Z.json")).toBeNull();
    expect(timestampOfFileName("2026-01-01T24-00-00.000Z.json")).toBeNull();
    const record = {
      formatVersion: 1, id: "0b0e4d0e-8c47-4c7a-9a43-5b3c1f0a9d11", key: null, type: "progress", description: null, data: 0.5,
      flowRunId: null, taskRunId: null, created: "2026-02-30T00:00:00.000Z", updated: "2026-02-28T00:00:00.000Z",
    };
    const checked = checkArtifactRecord(record);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toMatch(/created "2026-02-30T00:00:00.000Z" is not an ISO UTC time/);
    expect(checkArtifactRecord({ ...record, created: "2026-02-28T00:00:00.000Z" }).ok).toBe(true);
  });
});

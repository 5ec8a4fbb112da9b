// How an include hands a partial its `it` (site-eta.ts, LEAN_INCLUDE): its data, with the caller's h, root and page —
// not eta's spread of every caller field. The templates must keep to that: every other field a partial reads is in
// the data of each of its includes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEMPLATES_DIR } from "../../src/site/render.js";
import { siteEta } from "../../src/site/site-eta.js";

const base = mkdtempSync(path.join(os.tmpdir(), "ap-include-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("include", () => {
  it("gives a partial its data and its caller's h, root and page, and no other field of the caller's", () => {
    const dir = path.join(base, "templates");
    mkdirSync(path.join(dir, "partials"), { recursive: true });
    writeFileSync(path.join(dir, "caller.eta"), `<%~ include("/partials/probe", { own: 1 }) %>|<%~ include("/partials/probe", { own: 2, root: "mine/" }) %>|<%~ include("/partials/probe") %>`);
    writeFileSync(path.join(dir, "partials", "probe.eta"), `<%= it.own %> <%= it.h.name %> <%= it.root %> <%= it.page %> <%= it.other %>`);
    const html = siteEta(dir).render("/caller", { h: { name: "helpers" }, root: "../", page: "p", other: "secret" });
    // Given no data, a partial reads its caller's `it` as it is.
    expect(html).toBe("1 helpers ../ p undefined|2 helpers mine/ p undefined|undefined helpers ../ p secret");
  });

  it("is given, at every include of the site's templates, each field the partial reads besides h, root and page", () => {
    const files = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".eta"));
    const reads = (name: string) => {
      const fields = new Set(readFileSync(path.join(TEMPLATES_DIR, `${name}.eta`), "utf8").match(/\bit\.[A-Za-z_$][\w$]*/g)?.map((m) => m.slice(3)));
      for (const f of ["h", "root", "page"]) fields.delete(f);
      return fields;
    };
    let includes = 0;
    for (const file of files) {
      const text = readFileSync(path.join(TEMPLATES_DIR, file), "utf8");
      for (const m of text.matchAll(/include\("([^"]+)"\s*(,\s*)?/g)) {
        const keys = m[2] ? topLevelKeys(text, m.index + m[0].length) : undefined;
        // Without data a partial gets its caller's `it` itself.
        if (keys === undefined) continue;
        includes++;
        for (const field of reads(m[1]!)) expect(keys, `${file}: include("${m[1]}") gives no "${field}"`).toContain(field);
      }
    }
    expect(includes).toBeGreaterThan(30);
  });
});

/** The keys of the object literal that starts at `text[at]` (`{ a: …, b, … }`), nested brackets and strings skipped. */
function topLevelKeys(text: string, at: number): string[] {
  expect(text[at]).toBe("{");
  const keys: string[] = [];
  let depth = 0;
  let part = "";
  for (let i = at; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      const end = text.indexOf(c, i + 1);
      part += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if ("{([".includes(c)) depth++;
    if ("})]".includes(c)) depth--;
    if (depth === 0) {
      keys.push(keyOf(part));
      return keys;
    }
    if (depth === 1 && c === ",") {
      keys.push(keyOf(part));
      part = "";
    } else if (!(depth === 1 && c === "{")) part += c;
  }
  throw new Error(`no end to the include's data at ${at}`);
}

function keyOf(part: string): string {
  return /^\s*([A-Za-z_$][\w$]*)/.exec(part)![1]!;
}

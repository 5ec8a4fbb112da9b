import vm from "node:vm";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { DATA_GLOBAL, dataLiteral, dataScript, escapeXml, jsonForScript } from "../../../src/site/extras/escape.js";

const NASTY = `</script><script>alert(1)</script><!-- & "q" 'a' \u2028\u2029 ]]>`;

describe("escapeXml", () => {
  it("escapes the five markup characters", () => {
    expect(escapeXml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
  it("drops characters XML cannot hold, keeps tabs, newlines and astral characters", () => {
    expect(escapeXml("a\u0000b\u0007c\u000Bd\tе\n\r\uFFFE\uFFFF😀\uD800x\uDC00")).toBe("abcd\tе\n\r😀x");
  });
});

describe("jsonForScript and dataScript", () => {
  it("never holds <, >, & or the JavaScript line terminators raw", () => {
    const json = jsonForScript({ s: NASTY });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ s: NASTY });
  });
  it("a data script registers the exact value under its name, whatever the value holds", () => {
    const sandbox: Record<string, unknown> = {};
    sandbox.self = sandbox;
    const script = dataScript("t/</script>", { rows: [[NASTY, 1, null, true, { a: [1] }]] });
    expect(script).not.toMatch(/<\/script|<!--/i);
    vm.runInNewContext(script, sandbox);
    vm.runInNewContext(dataScript("second", 2), sandbox);
    expect(sandbox[DATA_GLOBAL]).toEqual({ "t/</script>": { rows: [[NASTY, 1, null, true, { a: [1] }]] }, second: 2 });
  });
  it("a data literal registers the exact value too, user text only ever a string", () => {
    const sandbox: Record<string, unknown> = {};
    sandbox.self = sandbox;
    const value = { rows: [[NASTY, '"};alert(1);//', "\\", 1, null, true], ["__proto__", "constructor"]] };
    const script = dataLiteral("t/</script>", value);
    expect(script).not.toMatch(/<\/script|<!--|[\u2028\u2029]/i);
    vm.runInNewContext(script, sandbox);
    expect(sandbox[DATA_GLOBAL]).toEqual({ "t/</script>": value });
  });
  it("keeps __proto__ and constructor keys of user data as plain properties", () => {
    const sandbox: Record<string, unknown> = {};
    sandbox.self = sandbox;
    const cell = JSON.parse('{"__proto__":{"x":1},"constructor":"c"}') as Record<string, unknown>;
    vm.runInNewContext(dataScript("t", { rows: [[cell]] }), sandbox);
    const got = (sandbox[DATA_GLOBAL] as { t: { rows: Record<string, unknown>[][] } }).t.rows[0]![0]!;
    expect(Object.keys(got)).toEqual(["__proto__", "constructor"]);
    expect((got as { x?: number }).x).toBeUndefined();
    expect(JSON.stringify(got)).toBe('{"__proto__":{"x":1},"constructor":"c"}');
  });
  it("as the text of a JSON data block, the HTML parser ends the element where the page does and gives the JSON back", () => {
    const value = { rows: [[NASTY, "</SCRIPT >", "<!--<script>", "-->", "<\/script>"]] };
    const doc = new JSDOM(`<body><script type="application/json">${jsonForScript(value)}</script><p>after</p>`).window.document;
    expect(doc.querySelectorAll("script")).toHaveLength(1);
    expect(doc.querySelector("p")?.textContent).toBe("after");
    expect(JSON.parse(doc.querySelector("script")!.textContent!)).toEqual(value);
  });
  it("undefined becomes null rather than an empty expression", () => {
    expect(jsonForScript(undefined)).toBe("null");
  });
});

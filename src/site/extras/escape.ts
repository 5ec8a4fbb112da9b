/**
 * Escaping for the extra outputs that are not eta HTML: XML (Atom feeds, inline SVG) and JavaScript data files
 * loaded with `<script src>` (data that works from `file://` under `script-src 'self'`), and the JSON of the data
 * blocks (`<script type="application/json">`) that pages carry inline.
 */

/** Characters XML 1.0 cannot hold at all (C0 controls except tab/newline/return, lone surrogates, U+FFFE/FFFF). */
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or attribute value for XML and SVG: the five markup characters as entities, illegal characters dropped. */
export function escapeXml(text: string): string {
  return text.replace(XML_ILLEGAL, "").replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * JSON that is also safe inside a script file or a `<script>` element: `<`, `>`, `&` and the two JavaScript
 * line terminators are written as `\u` escapes, so `</script>`, `<!--` or U+2028 in the data change nothing.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  // Most data has none of them: a test is a scan, a replace with a callback is a scan and a new string.
  return SCRIPT_UNSAFE_ONE.test(json) ? json.replace(SCRIPT_UNSAFE, (ch) => SCRIPT_ESCAPES[ch]!) : json;
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const SCRIPT_UNSAFE_ONE = /[<>&\u2028\u2029]/;
const SCRIPT_ESCAPES: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };

/** The global every data file registers into: `self.ArtifactPressData[name] = value`. */
export const DATA_GLOBAL = "ArtifactPressData";

/**
 * A data script: run by `<script src>`, it stores `value` under `name` for the client scripts to pick up. The value
 * goes through `JSON.parse` of a string, not an object literal: a literal would turn a `__proto__` key in user
 * data into the object's prototype instead of a property.
 */
export function dataScript(name: string, value: unknown): string {
  const literal = jsonForScript(JSON.stringify(value) ?? "null");
  return `(self.${DATA_GLOBAL}=self.${DATA_GLOBAL}||{})[${jsonForScript(name)}]=JSON.parse(${literal});\n`;
}

/**
 * `dataScript` with the value as a literal instead of a string for `JSON.parse`: one encoding pass instead of two,
 * and no second layer of escapes (the 10k bench's compare data: 16.9 → 16.2 MB). Only for values whose object keys
 * are all names this code chose (never user text): user text as a key could be `__proto__`, which a literal turns
 * into the object's prototype. User text as a value is safe: the JSON of a string is a JavaScript string literal, and
 * `jsonForScript` escapes what could end the script or the line.
 */
export function dataLiteral(name: string, value: unknown): string {
  return `(self.${DATA_GLOBAL}=self.${DATA_GLOBAL}||{})[${jsonForScript(name)}]=${jsonForScript(value)};\n`;
}

/**
 * The eta instance the renderer runs the templates with: autoescape on, each template compiled once, and two costs
 * of eta's own taken out of the page phase (the 10k build renders ~10,700 pages and ~200,000 includes).
 */
import { Eta } from "eta";

/**
 * Eta's `include` gives a partial its caller's fields and its own data, spread into a new object (`{...it, ...data}`):
 * ~1 µs a call, most of it the spread, whose source objects differ in shape from page to page (the 10k build makes
 * ~200,000 includes, nearly all on the main thread in its page phase). Here a partial gets its data object itself,
 * with the caller's `h`, `root` and `page` set on it where it has none of its own (`withCaller`), or the caller's
 * `it` when it is given no data. So a partial reads its data and those three fields of its caller's, and no other
 * (docs/decisions.md; test/site/render-include.test.ts holds the templates to it). The data is always an object
 * literal written at the call site, so nothing else sees the fields set on it.
 */
const ETA_INCLUDE = "let include = (__eta_t, __eta_d) => this.render(__eta_t, {...it, ...(__eta_d ?? {})}, options);";
const LEAN_INCLUDE = {
  processFnString(fn: string): string {
    if (!fn.includes(ETA_INCLUDE)) throw new Error("eta's compiled `include` is not the one LEAN_INCLUDE replaces (eta was updated?)");
    return fn.replace(ETA_INCLUDE, "let include = (__eta_t, __eta_d) => this.render(__eta_t, __eta_d === undefined ? it : this.withCaller(__eta_d, it), options);");
  },
};

/** A partial's `it`: its data, with the caller's `h`, `root` and `page` where the data has none (see LEAN_INCLUDE). */
function withCaller(data: Record<string, unknown>, caller: Record<string, unknown>): Record<string, unknown> {
  if (data.h === undefined) data.h = caller.h;
  if (data.root === undefined) data.root = caller.root;
  if (data.page === undefined) data.page = caller.page;
  return data;
}

/** An eta for the templates in `templatesDir` (see the file comment). */
export function siteEta(templatesDir: string): Eta {
  const eta = new Eta({ views: templatesDir, autoEscape: true, cache: true, defaultExtension: ".eta", plugins: [LEAN_INCLUDE] });
  (eta as Eta & { withCaller: typeof withCaller }).withCaller = withCaller;
  // Eta resolves a template's path, spreads its options and looks the compiled function up on every render and
  // include (~10 includes a page: ~0.15 s of the 10k build's page phase). With `cache: true` the answer depends
  // only on the template's name and the template that includes it, and an include passes its parent's options
  // object on: so each (parent options, name) pair keeps its compiled function and the options object it runs
  // with, found by identity. The templates are compiled once per renderer either way.
  const etaRender = eta.render;
  const top = {};
  const compiled = new WeakMap<object, Map<string, { fn: (data: object, options: object) => string; options: object }>>();
  eta.render = function (template, data, meta) {
    if (typeof template !== "string" || template.startsWith("@")) return etaRender.call(this, template, data, meta);
    const parent = meta ?? top;
    let byName = compiled.get(parent);
    if (byName === undefined) compiled.set(parent, (byName = new Map()));
    let hit = byName.get(template);
    if (hit === undefined) {
      const options = { ...meta, async: false as const };
      options.filepath = this.resolvePath!(template, options);
      let fn = this.templatesSync.get(options.filepath);
      if (fn === undefined) {
        fn = this.compile(this.readFile!(options.filepath), options);
        this.templatesSync.define(options.filepath, fn);
      }
      hit = { fn: fn as unknown as (data: object, options: object) => string, options };
      byName.set(template, hit);
    }
    return hit.fn.call(this, data, hit.options);
  };
  return eta;
}

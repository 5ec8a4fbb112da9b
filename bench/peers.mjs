/**
 * The peers' input: the synthetic store's artifacts as plain Markdown pages with a title in front matter, laid out
 * as a minimal Hugo site and a minimal Eleventy 3 project (no theme, one small layout each), so the comparison is
 * "the same content, each tool's simplest site".
 */
import fs from "node:fs";
import path from "node:path";

/** Bump when the generated pages or layouts change, so cached peer sites are made again. */
export const PEERS_VERSION = 1;

const PAGE_DIR = "a"; // one section holding every page: content/a/<id>.md, src/a/<id>.md

/** Every artifact record of a store (keyed and unkeyed), read as plain JSON; runs and attachments aside. */
export function* readArtifacts(storeDir) {
  for (const folder of fs.readdirSync(storeDir).sort()) {
    if (folder === "_runs" || folder === "_tmp" || folder.startsWith(".")) continue;
    const dir = path.join(storeDir, folder);
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith(".json")) continue;
      yield { record: JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")), folder };
    }
  }
}

function cell(value) {
  if (value === null) return "";
  return String(typeof value === "object" ? JSON.stringify(value) : value).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** One artifact as Markdown: the description, then the body by type. Local images point at `/images/<file>`. */
export function artifactMarkdown(record) {
  const parts = [];
  if (record.description) parts.push(record.description);
  const { data } = record;
  switch (record.type) {
    case "markdown":
      parts.push(data);
      break;
    case "table": {
      const width = data.columns?.length ?? Math.max(1, ...data.rows.map((r) => r.length));
      const head = data.columns ?? Array.from({ length: width }, () => "");
      const lines = [`| ${head.map(cell).join(" | ")} |`, `|${" --- |".repeat(width)}`];
      for (const row of data.rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
      parts.push(lines.join("\n"));
      break;
    }
    case "link":
      parts.push(`[${data.text ?? data.url}](${data.url})`);
      break;
    case "image":
      parts.push(`![${(record.description ?? "image").replace(/[\[\]\n]/g, " ")}](${"url" in data ? data.url : `/images/${data.file}`})`);
      break;
    case "progress":
      parts.push(`Progress: ${data} %`);
      break;
  }
  return `${parts.join("\n\n")}\n`;
}

function page(record) {
  const title = `${record.key ?? "unkeyed"} · ${record.created}`;
  // JSON strings are valid YAML double-quoted scalars.
  return `---\ntitle: ${JSON.stringify(title)}\n---\n\n${artifactMarkdown(record)}`;
}

const HUGO_CONFIG = `baseURL = "http://localhost/"
title = "Peer: Hugo"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
`;
const HUGO_BASEOF_HEAD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>`;
const HUGO_LAYOUTS = {
  "_default/single.html": `${HUGO_BASEOF_HEAD}<nav><a href="/">Home</a></nav><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n`,
  "_default/list.html": `${HUGO_BASEOF_HEAD}<main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>\n`,
  "index.html": `${HUGO_BASEOF_HEAD}<main><h1>{{ .Site.Title }}</h1><ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }} pages)</li>{{ end }}</ul></main></body></html>\n`,
};

const ELEVENTY_CONFIG = `// Markdown is not run through a template language first (Hugo does not do that either).
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ "src/images": "images" });
  return { dir: { input: "src", output: "_site" }, markdownTemplateEngine: false, htmlTemplateEngine: "liquid" };
}
`;
const ELEVENTY_FILES = {
  "_includes/page.liquid": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title | escape }}</title></head><body><nav><a href="/">Home</a></nav><main><h1>{{ title | escape }}</h1>{{ content }}</main></body></html>\n`,
  [`${PAGE_DIR}/${PAGE_DIR}.json`]: `{ "layout": "page.liquid" }\n`,
  "index.liquid": `---\ntitle: \"Peer: Eleventy\"\n---\n<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body><main><h1>{{ title }}</h1><ul>{% for p in collections.all %}<li><a href="{{ p.url }}">{{ p.data.title | escape }}</a></li>{% endfor %}</ul></main></body></html>\n`,
};

function writeFiles(root, files) {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/**
 * Writes `<workDir>/hugo` (a Hugo site: config.toml, layouts/, content/a/*.md, static/images/) and
 * `<workDir>/eleventy` (eleventy.config.mjs, src/_includes, src/a/*.md, src/index.liquid, src/images/).
 * Returns the two folders and the number of artifact pages.
 */
export function writePeerSites(storeDir, workDir) {
  const hugo = path.join(workDir, "hugo");
  const eleventy = path.join(workDir, "eleventy");
  fs.rmSync(workDir, { recursive: true, force: true });
  const hugoPages = path.join(hugo, "content", PAGE_DIR);
  const elevPages = path.join(eleventy, "src", PAGE_DIR);
  const hugoImages = path.join(hugo, "static", "images");
  const elevImages = path.join(eleventy, "src", "images");
  for (const dir of [hugoPages, elevPages, hugoImages, elevImages]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(hugo, "config.toml"), HUGO_CONFIG);
  fs.writeFileSync(path.join(hugo, "content", PAGE_DIR, "_index.md"), `---\ntitle: "All artifacts"\n---\n`);
  writeFiles(path.join(hugo, "layouts"), HUGO_LAYOUTS);
  fs.writeFileSync(path.join(eleventy, "eleventy.config.mjs"), ELEVENTY_CONFIG);
  writeFiles(path.join(eleventy, "src"), ELEVENTY_FILES);
  let pages = 0;
  for (const { record, folder } of readArtifacts(storeDir)) {
    const text = page(record);
    fs.writeFileSync(path.join(hugoPages, `${record.id}.md`), text);
    fs.writeFileSync(path.join(elevPages, `${record.id}.md`), text);
    if (record.type === "image" && "file" in record.data) {
      for (const dir of [hugoImages, elevImages]) fs.copyFileSync(path.join(storeDir, folder, record.data.file), path.join(dir, record.data.file));
    }
    pages++;
  }
  return { hugo, eleventy, pages };
}

/**
 * The content of the synthetic store: realistic-looking Markdown reports, tables, links, images and key names,
 * all drawn from one seeded PRNG stream (see synth.mjs), so the same seed gives the same text.
 */

const WORDS = (
  "data pipeline rows orders customers revenue churn model accuracy recall precision batch warehouse table " +
  "export region quarter weekly nightly forecast latency errors retries schema drift anomaly baseline feature " +
  "cohort signup funnel conversion campaign budget spend margin inventory supplier shipment delay invoice " +
  "ledger audit report summary trend spike drop median mean percentile sample training validation holdout " +
  "upstream downstream job task run flow step check threshold alert owner team dashboard metric snapshot"
).split(" ");
const AREAS = ["sales", "ops", "finance", "growth", "ml", "infra", "support", "marketing", "supply", "risk"];
const NOUNS = {
  markdown: ["report", "summary", "notes", "review", "digest"],
  table: ["table", "metrics", "leaderboard", "breakdown", "sample"],
  link: ["export", "dataset", "dashboard", "dump", "bucket"],
  image: ["chart", "plot", "heatmap", "diagram", "histogram"],
  progress: ["progress", "backfill", "migration", "sync", "training"],
};
const REGIONS = ["EMEA", "NA", "LATAM", "APAC", "ANZ", null];
const PRODUCTS = ["Basic", "Pro", "Team", "Enterprise", "Add-on: Storage", "Add-on: SSO"];
const HOSTS = ["https://data.example.com", "https://storage.example.org", "https://dashboards.example.net"];

/** A key by the key rule: `<area>-<noun>-<index>`, unique through the index. */
export function keyName(rnd, type, index) {
  return `${rnd.pick(AREAS)}-${rnd.pick(NOUNS[type])}-${String(index).padStart(4, "0")}`;
}

function sentence(rnd, min = 8, max = 18) {
  const n = rnd.int(min, max);
  const words = [];
  for (let i = 0; i < n; i++) words.push(rnd.pick(WORDS));
  // Sprinkle inline Markdown: emphasis, strong, code.
  const at = rnd.int(0, n - 1);
  const style = rnd.int(0, 5);
  if (style === 0) words[at] = `*${words[at]}*`;
  else if (style === 1) words[at] = `**${words[at]}**`;
  else if (style === 2) words[at] = `\`${words[at]}_${rnd.int(1, 99)}\``;
  const s = words.join(" ");
  return `${s[0].toUpperCase()}${s.slice(1)}.`;
}

function paragraph(rnd, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(rnd));
  return out.join(" ");
}

/** A Markdown report of about 2 KB: headings, a paragraph with a link, lists, a task list, a code block, a quote. */
export function markdownDoc(rnd, key) {
  const title = sentence(rnd, 3, 6).slice(0, -1);
  const parts = [
    `# ${title}`,
    `${paragraph(rnd, 2)} See [the ${rnd.pick(WORDS)} dashboard](${rnd.pick(HOSTS)}/d/${key}?run=${rnd.int(1, 9999)}) for details.`,
    "## Highlights",
    [1, 2, 3, 4].map(() => `- ${sentence(rnd, 5, 10)}`).join("\n"),
    "## Numbers",
    [1, 2, 3].map((i) => `${i}. **${rnd.pick(WORDS)}**: ${String(rnd.int(10, 99_999)).replace(/\B(?=(\d{3})+$)/g, ",")} (${rnd.int(-40, 40)} %)`).join("\n"),
    "## Checks",
    ["schema", "row count", "freshness"].map((c) => `- [${rnd.chance(0.8) ? "x" : " "}] ${c} check`).join("\n"),
    "## Query",
    [
      "```sql",
      `SELECT region, SUM(amount) AS total`,
      `FROM ${rnd.pick(WORDS)}_${rnd.pick(WORDS)}`,
      `WHERE created_at >= DATE '2026-0${rnd.int(1, 9)}-01'`,
      "GROUP BY region",
      "ORDER BY total DESC;",
      "```",
    ].join("\n"),
    `> ${sentence(rnd, 10, 16)}`,
    paragraph(rnd, 3),
  ];
  let text = parts.join("\n\n");
  // Top up to ~2 KB with plain paragraphs, as a real report of varying length would be.
  const target = rnd.int(1800, 2300);
  while (text.length < target) text += `\n\n${paragraph(rnd, 2)}`;
  return `${text}\n`;
}

/** A short Markdown description, as jobs usually attach. */
export function descriptionDoc(rnd) {
  const kinds = [
    () => `## ${sentence(rnd, 2, 4).slice(0, -1)}`,
    () => sentence(rnd, 6, 12),
    () => `**${rnd.pick(WORDS)}** export of \`${rnd.pick(WORDS)}\` — see [the runbook](${rnd.pick(HOSTS)}/runbook).`,
  ];
  return rnd.pick(kinds)();
}

/** A 50 × 6 table of mixed strings, integers, floats and nulls. */
export function tableData(rnd) {
  const columns = ["region", "product", "units", "revenue", "margin", "note"];
  const rows = [];
  for (let i = 0; i < 50; i++) {
    rows.push([
      rnd.pick(REGIONS),
      rnd.pick(PRODUCTS),
      rnd.int(0, 50_000),
      rnd.chance(0.05) ? null : Math.round(rnd.next() * 1e8) / 100,
      rnd.chance(0.1) ? null : Math.round((rnd.next() - 0.2) * 1000) / 1000,
      rnd.chance(0.6) ? null : sentence(rnd, 2, 6),
    ]);
  }
  return { columns, rows };
}

export function linkData(rnd, key) {
  const ext = rnd.pick(["csv", "parquet", "json", "html"]);
  const url = `${rnd.pick(HOSTS)}/exports/${key}/${rnd.int(1, 99_999)}.${ext}`;
  return { url, text: rnd.chance(0.3) ? null : `${rnd.pick(WORDS)} ${rnd.pick(WORDS)} (${ext})` };
}

export function imageUrl(rnd) {
  return `https://images.example.com/charts/${rnd.pick(WORDS)}-${rnd.int(1, 99_999)}.png`;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A valid 16 × 16 RGB PNG of one seeded colour (deflate level fixed, so the bytes are stable). */
export function pngBytes(rnd, zlib) {
  const size = 16;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const [r, g, b] = [rnd.int(0, 255), rnd.int(0, 255), rnd.int(0, 255)];
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) raw.set([r, g, b], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

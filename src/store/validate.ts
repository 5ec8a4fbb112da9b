/**
 * Checks on read what the writer checks on write: a parsed file becomes a typed record only if it passes
 * the schema and the trust-boundary rules. Returns a reason string instead of throwing, so a reader can
 * report the file and go on.
 */
import {
  ARTIFACT_TYPES, FORMAT_VERSION, DEFAULT_LIMITS,
  type ArtifactRecord, type JsonValue, type RunRecord, type Limits,
} from "../types.js";
import {
  IMAGE_PROTOCOLS, LINK_PROTOCOLS, isRealTime, isUuid, isValidFileName, isValidRunId, keyProblem, timestampOfFileName, urlProblem,
} from "./rules.js";

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MEDIA_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);
const ARTIFACT_FIELDS = new Set([
  "formatVersion", "id", "key", "type", "description", "data", "flowRunId", "taskRunId", "created", "updated",
]);
const RUN_FIELDS = new Set([
  "formatVersion", "id", "name", "kind", "parentRunId", "state", "error", "startTime", "endTime",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
/** An ISO UTC time as toISOString writes it: no date that does not exist (Feb 30). */
function isIso(v: unknown): v is string {
  return typeof v === "string" && ISO_RE.test(v) && isRealTime(v);
}
/** Why an object has other fields than `allowed`, or null. */
function extraField(obj: Record<string, unknown>, allowed: readonly string[], where: string): string | null {
  const extra = Object.keys(obj).find((k) => !allowed.includes(k));
  return extra === undefined ? null : `unknown field ${JSON.stringify(extra)} in ${where}`;
}
function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
function isJsonCell(v: unknown, depth = 0): v is JsonValue {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (depth > 32) return false;
  if (Array.isArray(v)) return v.every((x) => isJsonCell(x, depth + 1));
  if (isObject(v)) return Object.values(v).every((x) => isJsonCell(x, depth + 1));
  return false;
}

function dataProblem(type: string, data: unknown, limits: Limits): string | null {
  switch (type) {
    case "markdown":
      if (typeof data !== "string") return "data of a markdown artifact must be a string";
      if (byteLength(data) > limits.maxMarkdownBytes) return `Markdown over ${limits.maxMarkdownBytes} bytes`;
      return null;
    case "link": {
      if (!isObject(data)) return "data of a link artifact must be an object";
      const extra = extraField(data, ["url", "text"], "data");
      if (extra) return extra;
      const url = urlProblem(data.url, LINK_PROTOCOLS);
      if (url) return `data.url ${JSON.stringify(data.url)}: ${url}`;
      if (data.text !== null && typeof data.text !== "string") return "data.text must be a string or null";
      return null;
    }
    case "image": {
      if (!isObject(data)) return "data of an image artifact must be an object";
      const extra = extraField(data, "url" in data ? ["url"] : ["file", "mediaType"], "data");
      if (extra) return extra;
      if ("url" in data) {
        const url = urlProblem(data.url, IMAGE_PROTOCOLS);
        return url ? `data.url ${JSON.stringify(data.url)}: ${url}` : null;
      }
      if (!isValidFileName(data.file)) return `data.file ${JSON.stringify(data.file)} is not a bare file name`;
      // A .json name would point at a version: deleting the image would delete that version.
      if (/\.json$/i.test(data.file)) return `data.file ${JSON.stringify(data.file)} cannot be a .json file`;
      if (!MEDIA_TYPES.has(data.mediaType as string)) return `data.mediaType ${JSON.stringify(data.mediaType)} is not allowed`;
      return null;
    }
    case "table": {
      if (!isObject(data)) return "data of a table artifact must be an object";
      const extra = extraField(data, ["columns", "rows"], "data");
      if (extra) return extra;
      const { columns, rows } = data;
      if (columns !== null && !(Array.isArray(columns) && columns.every((c) => typeof c === "string"))) {
        return "data.columns must be a list of strings or null";
      }
      if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) return "data.rows must be a list of lists";
      if (rows.length > limits.maxTableRows) return `table over ${limits.maxTableRows} rows`;
      for (let i = 0; i < rows.length; i++) {
        if (!(rows[i] as unknown[]).every((c) => isJsonCell(c))) return `data.rows[${i}] holds a value that is not JSON`;
      }
      return null;
    }
    case "progress":
      if (typeof data !== "number" || !Number.isFinite(data) || data < 0 || data > 100) {
        return "data of a progress artifact must be a number from 0 to 100";
      }
      return null;
    default:
      return `unknown type ${JSON.stringify(type)}`;
  }
}

function runRef(v: unknown): boolean {
  return v === null || isValidRunId(v);
}

/** A parsed artifact file → a record, or why not. Pass `limits` to apply other caps than the defaults. */
export function checkArtifactRecord(value: unknown, limits: Limits = DEFAULT_LIMITS): Checked<ArtifactRecord> {
  if (!isObject(value)) return { ok: false, reason: "not a JSON object" };
  if (value.formatVersion !== FORMAT_VERSION) {
    return { ok: false, reason: `unsupported formatVersion ${JSON.stringify(value.formatVersion)}` };
  }
  for (const field of Object.keys(value)) {
    if (!ARTIFACT_FIELDS.has(field)) return { ok: false, reason: `unknown field ${JSON.stringify(field)}` };
  }
  if (!isUuid(value.id)) return { ok: false, reason: `id ${JSON.stringify(value.id)} is not a UUID` };
  if (value.key !== null) {
    const problem = keyProblem(value.key);
    if (problem) return { ok: false, reason: `key ${JSON.stringify(value.key)}: ${problem}` };
  }
  if (typeof value.type !== "string" || !(ARTIFACT_TYPES as readonly string[]).includes(value.type)) {
    return { ok: false, reason: `unknown type ${JSON.stringify(value.type)}` };
  }
  if (value.description !== null) {
    if (typeof value.description !== "string") return { ok: false, reason: "description must be a string or null" };
    if (byteLength(value.description) > limits.maxDescriptionBytes) {
      return { ok: false, reason: `description over ${limits.maxDescriptionBytes} bytes` };
    }
  }
  if (!runRef(value.flowRunId)) return { ok: false, reason: `flowRunId ${JSON.stringify(value.flowRunId)} is not a run id` };
  if (!runRef(value.taskRunId)) return { ok: false, reason: `taskRunId ${JSON.stringify(value.taskRunId)} is not a run id` };
  if (!isIso(value.created)) return { ok: false, reason: `created ${JSON.stringify(value.created)} is not an ISO UTC time` };
  if (!isIso(value.updated)) return { ok: false, reason: `updated ${JSON.stringify(value.updated)} is not an ISO UTC time` };
  const problem = dataProblem(value.type, value.data, limits);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, value: value as unknown as ArtifactRecord };
}

/** A parsed `_runs/<id>.json` → a run record, or why not. */
export function checkRunRecord(value: unknown): Checked<RunRecord> {
  if (!isObject(value)) return { ok: false, reason: "not a JSON object" };
  if (value.formatVersion !== FORMAT_VERSION) {
    return { ok: false, reason: `unsupported formatVersion ${JSON.stringify(value.formatVersion)}` };
  }
  for (const field of Object.keys(value)) {
    if (!RUN_FIELDS.has(field)) return { ok: false, reason: `unknown field ${JSON.stringify(field)}` };
  }
  if (!isValidRunId(value.id)) return { ok: false, reason: `id ${JSON.stringify(value.id)} is not a run id` };
  if (typeof value.name !== "string" || value.name.length === 0 || value.name.length > 1024) {
    return { ok: false, reason: "name must be a string of 1–1024 characters" };
  }
  if (value.kind !== "flow" && value.kind !== "task") return { ok: false, reason: `kind ${JSON.stringify(value.kind)} is not flow or task` };
  if (!runRef(value.parentRunId)) return { ok: false, reason: `parentRunId ${JSON.stringify(value.parentRunId)} is not a run id` };
  if (!["running", "completed", "failed", "unknown"].includes(value.state as string)) {
    return { ok: false, reason: `state ${JSON.stringify(value.state)} is not allowed` };
  }
  if (value.error !== null && typeof value.error !== "string") return { ok: false, reason: "error must be a string or null" };
  if (typeof value.error === "string" && value.error.length > 65536) return { ok: false, reason: "error over 65536 characters" };
  if (!isIso(value.startTime)) return { ok: false, reason: `startTime ${JSON.stringify(value.startTime)} is not an ISO UTC time` };
  if (value.endTime !== null && !isIso(value.endTime)) {
    return { ok: false, reason: `endTime ${JSON.stringify(value.endTime)} is not an ISO UTC time` };
  }
  return { ok: true, value: value as unknown as RunRecord };
}

/** File bytes → parsed JSON, or why not. */
export function parseJson(text: string): Checked<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `broken JSON: ${(err as Error).message}` };
  }
}

/**
 * A parsed version file `<key folder>/<name>` → a record, or why not: the record checks, plus its key matching
 * its folder and its `created` matching its file name. Every reader of version files goes through this.
 */
export function checkVersionFile(
  value: unknown, key: string | null, name: string, limits: Limits = DEFAULT_LIMITS,
): Checked<ArtifactRecord> {
  const created = timestampOfFileName(name);
  if (created === null) return { ok: false, reason: "file name is not a version timestamp" };
  const checked = checkArtifactRecord(value, limits);
  if (!checked.ok) return checked;
  if (checked.value.key !== key) {
    return { ok: false, reason: `key ${JSON.stringify(checked.value.key)} does not match its folder` };
  }
  if (checked.value.created !== created) {
    return { ok: false, reason: `created ${JSON.stringify(checked.value.created)} does not match the file name` };
  }
  return checked;
}

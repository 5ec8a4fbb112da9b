/** The published JSON Schemas, compiled once, and a check of every JSON file of a store against them. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { listFiles } from "./tmp-store.js";

const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "schema");
const ajv = new Ajv2020({ strict: true, allErrors: true });
const artifactSchema = ajv.compile(JSON.parse(await fs.readFile(path.join(schemaDir, "artifact.schema.json"), "utf8")));
const runSchema = ajv.compile(JSON.parse(await fs.readFile(path.join(schemaDir, "run.schema.json"), "utf8")));

/** Schema errors of an artifact record as one string, or null when it is valid. */
export function artifactSchemaErrors(value: unknown): string | null {
  return artifactSchema(value) ? null : ajv.errorsText(artifactSchema.errors);
}

/** Schema errors of a run record as one string, or null when it is valid. */
export function runSchemaErrors(value: unknown): string | null {
  return runSchema(value) ? null : ajv.errorsText(runSchema.errors);
}

/**
 * Parses and validates every JSON file of a store (outside `_tmp/`): `_runs/*.json` against the run schema,
 * the rest against the artifact schema. Resolves to how many files were checked and the problems found.
 */
export async function checkStoreFiles(root: string): Promise<{ checked: number; problems: string[] }> {
  const problems: string[] = [];
  let checked = 0;
  for (const rel of await listFiles(root)) {
    if (!rel.endsWith(".json") || rel.startsWith("_tmp/")) continue;
    checked++;
    let value: unknown;
    try {
      value = JSON.parse(await fs.readFile(path.join(root, rel), "utf8"));
    } catch (err) {
      problems.push(`${rel}: ${(err as Error).message}`);
      continue;
    }
    const errors = rel.startsWith("_runs/") ? runSchemaErrors(value) : artifactSchemaErrors(value);
    if (errors) problems.push(`${rel}: ${errors}`);
  }
  return { checked, problems };
}

// Writing and reading ground-truth files. JSON, one file per run, checked
// against the schema both ways so a scorer never reads a half-written or
// hand-edited file as if it were the truth.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroundTruth } from "./ground-truth.ts";

/** The default path for a run: test-output/ground-truth/<scenario>-<namespace>.json */
export function defaultTruthPath(truth: Pick<GroundTruth, "scenario" | "namespace">, dir = path.join("test-output", "ground-truth")): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, "_") || "run";
  return path.join(dir, `${safe(truth.scenario)}-${safe(truth.namespace)}.json`);
}

/** Validates and writes `truth` to `file` (through a temporary file, so a reader never sees half of it). */
export async function writeGroundTruth(file: string, truth: GroundTruth): Promise<void> {
  const checked = GroundTruth.parse(truth);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(checked, null, 1)}\n`, "utf8");
  await rename(tmp, file);
}

export async function readGroundTruth(file: string): Promise<GroundTruth> {
  const parsed = GroundTruth.safeParse(JSON.parse(await readFile(file, "utf8")) as unknown);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a ground-truth file: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`);
  }
  return parsed.data;
}

import path from "node:path";

/** The one folder that holds Firebreak's local state: the embedded cluster, the generated admin token. */
export function resolveDataDir(fromEnv: string | undefined, cwd = process.cwd()): string {
  return path.resolve(cwd, fromEnv && fromEnv.trim() !== "" ? fromEnv : ".firebreak");
}

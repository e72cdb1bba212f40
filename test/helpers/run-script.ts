// Runs one of scripts/*.ts in a child process as a user would (tsx), and
// hands back its exit code and output.
import { execFile } from "node:child_process";
import path from "node:path";

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

const TSX = path.join(process.cwd(), "node_modules", ".bin", "tsx");

export function runScript(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(TSX, [script, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

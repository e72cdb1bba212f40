// Starts one of our Node entry points (scripts/db.ts, scripts/collector.ts)
// in a child process and waits for the `READY <value>` line it prints when it
// serves. Tests, benchmarks and the e2e harness all start children this way.
import { spawn, type ChildProcess } from "node:child_process";

export interface ReadyChild {
  child: ChildProcess;
  /** What followed READY: a database URL or a port. */
  value: string;
  /** The last few KB of the child's stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnReadyOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Keep stdin open: scripts/db.ts stops its server when stdin ends. */
  keepStdin?: boolean;
  /** More options for node itself, before the script (benchmarks pass `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export function spawnReady(script: string, opts: SpawnReadyOptions = {}): Promise<ReadyChild> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", script], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: [opts.keepStdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let tail = "";
  child.stderr!.on("data", (c: Buffer) => {
    tail = (tail + c.toString()).slice(-8_000);
  });
  const output = (): string => tail;
  const stop = (graceMs = 20_000): Promise<void> => terminate(child, graceMs);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not print READY within ${opts.timeoutMs ?? 120_000} ms:\n${tail}`));
    }, opts.timeoutMs ?? 120_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, value: m[1], output, stop });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (${signal ?? `code ${code}`}):\n${tail}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited(child);
  clearTimeout(timer);
}

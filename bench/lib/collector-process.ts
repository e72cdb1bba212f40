// A collector in a child process (scripts/collector.ts), as production runs
// it: engine loop and all. For benchmarks and the fault tests, which need a
// process they can SIGKILL and whose RSS they can read.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { spawnReady } from "../../lib/process/spawn-ready.ts";

export interface CollectorProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/v1/traces */
  url: string;
  port: number;
  /** Its stderr's last few KB. */
  output(): string;
  stop(): Promise<void>;
}

export async function startCollectorProcess(databaseUrl: string, token: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<CollectorProcess> {
  const c = await spawnReady("scripts/collector.ts", {
    nodeArgs,
    env: {
      DATABASE_URL: databaseUrl,
      FIREBREAK_TOKEN: token,
      FIREBREAK_COLLECTOR_PORT: "0",
      FIREBREAK_COLLECTOR_HOST: "127.0.0.1",
      ...env,
    },
  });
  const port = Number(c.value);
  return { child: c.child, port, url: `http://127.0.0.1:${port}/v1/traces`, output: c.output, stop: () => c.stop() };
}

/** Resident set size of a process, bytes (0 when it is gone). */
export function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Heap held after the last full collection, MiB, by the collector's main
 * thread and its engine's thread (null where a thread has had none yet, or
 * runs no engine): RSS counts garbage V8 has not collected yet.
 */
export async function heapHeldMiB(url: string, token: string): Promise<{ main: number | null; engine: number | null }> {
  type Heap = { liveBytes: number | null };
  const h = (await collectorHealth(url, token)) as { memory?: { heap?: Heap }; engine?: { heap?: Heap } | string };
  const mib = (b: number | null | undefined) => (b == null ? null : Math.round(b / 1048576));
  return { main: mib(h.memory?.heap?.liveBytes), engine: mib(typeof h.engine === "object" ? h.engine.heap?.liveBytes : null) };
}

/** The collector's /healthz as a key holder sees it. */
export async function collectorHealth(url: string, token: string, query = ""): Promise<Record<string, unknown>> {
  const res = await fetch(url.replace(/\/v1\/traces$/, `/healthz${query}`), { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Record<string, unknown>;
}

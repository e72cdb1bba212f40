// The engine as a deployment runs it: the evaluation loop on its own pool,
// findings grouped into incidents after each pass, beside the next pass
// (grouping-queue.ts). Collectors start it on a thread of their own
// (FIREBREAK_ENGINE=on, the default; engine-thread.ts); `npm run engine` starts it
// alone so a deployment can run collectors with FIREBREAK_ENGINE=off and the
// engine apart. Any number may run: the engine lock lets one pass at a time
// work, and a process that dies mid-pass has its transaction rolled back.
import { createPool } from "../../db/ingest-store.ts";
import { ungroupedFindingIds } from "../../db/evaluator-store.ts";
import { listProjectIds } from "../../db/projects-store.ts";
import { DEFAULT_PROJECT } from "../../accounts/project.ts";
import { groupFindings } from "../incidents/incident-runner.ts";
import { GroupingQueue } from "../incidents/grouping-queue.ts";
import { startEngineLoop, type EngineLoop } from "./engine-loop.ts";

export interface EngineProcess {
  loop: EngineLoop;
  close(): Promise<void>;
}

export async function startEngineProcess(
  databaseUrl: string,
  options: { batchSize: number; log: (line: string) => void; onPass?: (ms: number) => void },
): Promise<EngineProcess> {
  // A pass's transaction, and grouping's lineage walks (four at a time) beside it.
  const pool = createPool(databaseUrl, 6);
  const { log } = options;
  // Findings a stopped process stored but never grouped go into incidents first.
  for (const project of await listProjectIds(pool).catch(() => [DEFAULT_PROJECT])) {
    const leftover = await ungroupedFindingIds(pool, project, new Date(Date.now() - 86_400_000)).catch(() => []);
    if (leftover.length > 0) await groupFindings(pool, project, leftover).catch((err: unknown) => log(`engine: grouping leftover findings failed: ${(err as Error).message}`));
  }
  const grouping = new GroupingQueue((ids, project) => groupFindings(pool, project, ids), log);
  const loop = startEngineLoop(pool, {
    batchSize: options.batchSize,
    log,
    onPass: options.onPass,
    onFindings: (ids, project) => grouping.add(ids, project),
  });
  return {
    loop,
    async close() {
      await loop.stop();
      await grouping.drain();
      await pool.end();
    },
  };
}

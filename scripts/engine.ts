// `npm run engine`: the engine alone (evaluation loop, breakers, incident
// grouping) against DATABASE_URL, for deployments that run their collectors
// with FIREBREAK_ENGINE=off. Several may run for failover: the engine lock
// lets one pass at a time work, and a process killed mid-pass loses nothing
// (its transaction rolls back; the next holder re-reads from the cursor).
import { resolveDataDir } from "../lib/config/data-dir.ts";
import { engineConfig } from "../lib/config/engine-config.ts";
import { migrate } from "../lib/db/migrate.ts";
import { embeddedUrl } from "../lib/db/embedded-url.ts";
import { startEngineProcess } from "../lib/engine/evaluator/engine-process.ts";

const log = (line: string): void => console.log(`[firebreak] ${line}`);
const databaseUrl = process.env.DATABASE_URL ?? embeddedUrl(resolveDataDir(process.env.FIREBREAK_DATA_DIR));
const settings = engineConfig(process.env);
await migrate(databaseUrl);
const engine = await startEngineProcess(databaseUrl, { batchSize: settings.FIREBREAK_ENGINE_BATCH, log });
log(`engine: evaluating records in passes of up to ${settings.FIREBREAK_ENGINE_BATCH} (pid ${process.pid})`);
console.log(`READY ${process.pid}`);

// A line a minute, so an operator can see it works (and whether this process holds the lock).
const report = setInterval(() => {
  const s = engine.loop.stats();
  log(`engine: ${s.records} records, ${s.findings} findings, ${s.transitions} breaker transitions, ${s.errors} errors; lag p99 ${Math.round(s.lag.p99)} ms`);
}, 60_000);
report.unref();

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await engine.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

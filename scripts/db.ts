// Runs the embedded PostgreSQL alone: `npm run db`. Prints the connection URL
// on a line starting with READY, then serves until SIGINT or SIGTERM.
// The test suite runs this in a child process (see test/global-setup.ts).
import { startEmbeddedPostgres } from "../lib/db/embedded-server.ts";
import { migrate } from "../lib/db/migrate.ts";
import { resolveDataDir } from "../lib/config/data-dir.ts";

const dataDir = resolveDataDir(process.env.FIREBREAK_DATA_DIR);
const quiet = process.env.FIREBREAK_DB_QUIET === "1";
const server = await startEmbeddedPostgres({ dataDir, log: quiet ? undefined : (l) => console.error(l) });
const result = await migrate(server.url);
if (!quiet && result.applied.length) console.error(`applied migrations: ${result.applied.join(", ")}`);
console.log(`READY ${server.url}`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// A parent that dies without signalling closes our stdin: stop with it.
process.stdin.on("end", () => void stop());
process.stdin.resume();

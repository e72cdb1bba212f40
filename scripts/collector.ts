// `npm run collector`: a collector alone, for running several against one
// PostgreSQL (DATABASE_URL). Without DATABASE_URL it needs a Firebreak
// already running on this data folder, whose database it then shares.
import { resolveDataDir } from "../lib/config/data-dir.ts";
import { ensureAdminToken } from "../lib/config/admin-token.ts";
import { INSTANCE_KEY_ENV, ensureInstanceKeySeed } from "../lib/config/instance-key.ts";
import { migrate } from "../lib/db/migrate.ts";
import { startCollectorFromEnv } from "../lib/collector/runtime.ts";
import { embeddedUrl } from "../lib/db/embedded-url.ts";

const log = (line: string): void => console.log(`[firebreak] ${line}`);
const dataDir = resolveDataDir(process.env.FIREBREAK_DATA_DIR);
const databaseUrl = process.env.DATABASE_URL ?? embeddedUrl(dataDir);
await migrate(databaseUrl);
const admin = ensureAdminToken(dataDir, process.env.FIREBREAK_TOKEN);
process.env[INSTANCE_KEY_ENV] = ensureInstanceKeySeed(dataDir, process.env[INSTANCE_KEY_ENV]);
const collector = await startCollectorFromEnv(databaseUrl, admin.token, log);
console.log(`READY ${collector.port}`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await collector.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

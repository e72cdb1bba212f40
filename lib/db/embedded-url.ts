import { existsSync } from "node:fs";
import path from "node:path";

/** The URL of the embedded server of a data folder, if one is running there. */
export function embeddedUrl(dataDir: string, database = "firebreak"): string {
  const socketDir = path.join(dataDir, "run");
  if (!existsSync(path.join(socketDir, ".s.PGSQL.5432"))) {
    throw new Error(`No DATABASE_URL and no embedded PostgreSQL running in ${dataDir}. Start Firebreak (npm start) or set DATABASE_URL.`);
  }
  return `postgresql://firebreak@localhost/${database}?host=${encodeURIComponent(socketDir)}`;
}

/** The database every Firebreak process uses; the launcher sets it for the embedded server. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set. Start Firebreak with `npm start` (embedded PostgreSQL) or set DATABASE_URL to a PostgreSQL server.");
  }
  return url;
}

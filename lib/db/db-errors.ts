// Which database errors mean "PostgreSQL is away or refuses writes right now"
// (the batch may be retried and will succeed later) rather than "this batch
// or this code is wrong". The collector answers the first with 503 +
// Retry-After, which OTLP exporters retry; a 500 would make them drop data.

/** Why the database cannot take the write now; null when the error is something else. */
export type DatabaseUnavailableReason = "connection" | "shutdown" | "disk_full" | "resources" | "read_only" | "conflict";

// Node's socket errors when the server is gone, restarting or unreachable.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOENT", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

// What node-postgres says when a connection dies or cannot be had in time.
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
  /connection.*(ended|closed)/i,
];

export function databaseUnavailableReason(err: unknown): DatabaseUnavailableReason | null {
  if (typeof err !== "object" || err === null) return null;
  const code = typeof (err as { code?: unknown }).code === "string" ? (err as { code: string }).code : "";
  // SQLSTATE classes and codes, PostgreSQL appendix A.
  if (code === "53100") return "disk_full";
  if (code.startsWith("53")) return "resources"; // out of memory, too many connections, configuration limit
  if (code === "57P01" || code === "57P02" || code === "57P03" || code === "57P05") return "shutdown";
  if (code.startsWith("08")) return "connection";
  if (code === "25006") return "read_only"; // a standby, or default_transaction_read_only
  if (code === "40001" || code === "40P01") return "conflict"; // serialization failure, deadlock: the retry succeeds
  if (SOCKET_CODES.has(code)) return "connection";
  const message = err instanceof Error ? err.message : "";
  if (!code && CONNECTION_MESSAGES.some((re) => re.test(message))) return "connection";
  return null;
}

/** Words for the client, saying what is happening and that retrying is the fix. */
export function unavailableMessage(reason: DatabaseUnavailableReason): string {
  switch (reason) {
    case "disk_full":
      return "Storage is full: the database cannot write (disk full). The batch was not stored; retry after the delay in Retry-After, and ask the operator to free disk space.";
    case "shutdown":
      return "The database is shutting down or starting up. The batch was not stored; retry after the delay in Retry-After.";
    case "connection":
      return "The database is unreachable. The batch was not stored; retry after the delay in Retry-After.";
    case "resources":
      return "The database is out of resources (memory or connections). The batch was not stored; retry after the delay in Retry-After.";
    case "read_only":
      return "The database refuses writes (read-only). The batch was not stored; retry after the delay in Retry-After.";
    case "conflict":
      return "The batch conflicted with a concurrent write and was rolled back. It was not stored; retry after the delay in Retry-After.";
  }
}

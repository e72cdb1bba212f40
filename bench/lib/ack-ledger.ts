// What a well-behaved OTLP exporter does, and the books to check the collector
// by: send a batch, and on 429/503 (or a dropped connection) wait as told and
// send the very same bytes again until it is acknowledged. The ledger keeps
// every answer; auditStored then asks the database whether every acknowledged
// record is there exactly once. Used by the fault tests and by chaos:infra.
import pg from "pg";

export interface LedgerBatch {
  body: Uint8Array;
  /** The firebreak record ids the batch carries. */
  ids: string[];
}

export interface Ledger {
  /** Requests sent (each retry counts). */
  requests: number;
  /** Answers by HTTP status; "error" for a connection that failed or dropped. */
  answers: Record<string, number>;
  acknowledged: LedgerBatch[];
  attempted: LedgerBatch[];
  /** Milliseconds from sending to the 200, for each acknowledged request (the successful attempt only). */
  ackLatencies: number[];
  /** Answers that were neither 200, 429, 503 nor a dropped connection, with their bodies: each is a bug. */
  unexpected: { status: number; body: string }[];
}

export function newLedger(): Ledger {
  return { requests: 0, answers: {}, acknowledged: [], attempted: [], ackLatencies: [], unexpected: [] };
}

export interface SendOptions {
  token: string;
  /** The collector's URL; a function when it moves (a restarted collector gets a new port). */
  url: string | (() => string);
  /** Longest wait between attempts, ms, whatever Retry-After says (tests shorten it). */
  maxWaitMs?: number;
  /** Wait after a dropped connection, ms. */
  reconnectMs?: number;
  /** Give up after this long, ms (the batch then stays unacknowledged). */
  giveUpMs?: number;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One attempt; what the collector answered. */
export async function sendOnce(url: string, token: string, body: Uint8Array, timeoutMs = 60_000): Promise<{ status: number | "error"; retryAfter: number | null; text: string; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-protobuf" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const retryAfter = res.headers.get("retry-after");
    // Error bodies are google.rpc.Status in protobuf: the message is readable text within.
    return { status: res.status, retryAfter: retryAfter === null ? null : Number(retryAfter), text: buf.toString("latin1").replace(/[^\x20-\x7e]+/g, " ").trim(), ms: performance.now() - t0 };
  } catch {
    return { status: "error", retryAfter: null, text: "", ms: performance.now() - t0 };
  }
}

/** Sends until acknowledged (or giveUpMs passes). Returns whether it was. */
export async function sendUntilAcknowledged(ledger: Ledger, batch: LedgerBatch, opts: SendOptions): Promise<boolean> {
  ledger.attempted.push(batch);
  const started = Date.now();
  for (;;) {
    const url = typeof opts.url === "function" ? opts.url() : opts.url;
    ledger.requests++;
    const r = await sendOnce(url, opts.token, batch.body, opts.timeoutMs);
    const key = String(r.status);
    ledger.answers[key] = (ledger.answers[key] ?? 0) + 1;
    if (r.status === 200) {
      ledger.acknowledged.push(batch);
      ledger.ackLatencies.push(r.ms);
      return true;
    }
    if (r.status !== "error" && r.status !== 429 && r.status !== 503) {
      ledger.unexpected.push({ status: r.status, body: r.text.slice(0, 300) });
      return false;
    }
    if (Date.now() - started > (opts.giveUpMs ?? 300_000)) return false;
    const told = r.retryAfter !== null && Number.isFinite(r.retryAfter) ? r.retryAfter * 1000 : (opts.reconnectMs ?? 200);
    await sleep(Math.min(told, opts.maxWaitMs ?? 30_000));
  }
}

/** Runs `senders` loops over the batches, each sending until acknowledged. */
export async function sendAll(ledger: Ledger, batches: LedgerBatch[], senders: number, opts: SendOptions): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < batches.length) await sendUntilAcknowledged(ledger, batches[next++]!, opts);
    }),
  );
}

export interface StoredAudit {
  acknowledgedRecords: number;
  /** Acknowledged record ids missing from the database. */
  lost: string[];
  /** Record ids (of any attempted batch) stored more than once. */
  duplicates: string[];
  /** Attempted, unacknowledged batches stored only in part: a torn batch. */
  torn: number;
}

export async function auditStored(databaseUrl: string, ledger: Ledger): Promise<StoredAudit> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const attemptedIds = ledger.attempted.flatMap((b) => b.ids);
    const rows = await client.query<{ record_id: string; n: number }>(
      "SELECT record_id, count(*)::int AS n FROM records WHERE record_id = ANY($1::text[]) GROUP BY record_id",
      [attemptedIds],
    );
    const stored = new Map(rows.rows.map((r) => [r.record_id, r.n]));
    const acked = ledger.acknowledged.flatMap((b) => b.ids);
    const torn = ledger.attempted.filter((b) => {
      const n = b.ids.filter((id) => stored.has(id)).length;
      return n !== 0 && n !== b.ids.length;
    }).length;
    return {
      acknowledgedRecords: acked.length,
      lost: acked.filter((id) => !stored.has(id)),
      duplicates: [...stored].filter(([, n]) => n > 1).map(([id]) => id),
      torn,
    };
  } finally {
    await client.end();
  }
}

// The ingest path's writes. Prisma Client is too slow here (one round trip
// per row); a whole batch goes in with a few set-based statements inside one
// transaction, so a batch is either all durable or not at all.
// Every unique-keyed insert goes in key order: batches from several
// collectors that overlap (the same nonces reused, the same spans re-batched
// by an OpenTelemetry Collector on retry) then wait for each other instead of
// deadlocking, whatever order the spans arrived in.
import pg from "pg";
import type { VerdictDetail } from "../protocol/record.ts";
import { isVerified } from "../verify/combine.ts";
import { nonceColumns, nonceKey, pgArray, recordColumns, spanColumns, type NonceClaim, type NonceColumns, type RecordColumns, type SpanColumns } from "./ingest-columns.ts";

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  spanKind: number;
  startNs: string;
  endNs: string;
  serviceName: string | null;
  attributes: unknown;
  statusCode: number;
  contentHash: string;
}

export interface RecordRow {
  recordId: string;
  traceId: string;
  spanId: string;
  contentHash: string;
  kind: string;
  agent: string;
  receivers: string[];
  intent: string | null;
  protocol: string | null;
  ts: string;
  nonce: string | null;
  payload: string | null;
  parents: string[];
  authority: string[];
  actionClass: string | null;
  signature: string | null;
  keyId: string | null;
  verdicts: VerdictDetail[];
  pendingOn: string[];
}

/** What an earlier record looks like to the authority and replay checks. */
export interface StoredSummary {
  recordId: string;
  kind: string;
  agent: string;
  verified: boolean;
  verdicts: string[];
  parents: string[];
  authority: string[];
}

export interface NonceHolder {
  agent: string;
  nonce: string;
  traceId: string;
  spanId: string;
  contentHash: string;
  recordId: string | null;
  seenAt: Date;
}

export function createPool(connectionString: string, max = 10): pg.Pool {
  // A bounded wait for a connection: with the database hung, requests fail
  // (503, retried) instead of holding their admission slot for ever.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server (a restart) must not crash the process.
  pool.on("error", () => {});
  // Nor may a checked-out one: node-postgres emits "error" on a client whose
  // server goes away between queries, and the pool listens only while it is idle.
  // The next query on it fails, and withTransaction discards it.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

export type Tx = pg.PoolClient;

export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dead: the pool must not hand it out again.
    await client.query("ROLLBACK").catch((rollbackErr: unknown) => {
      broken = rollbackErr as Error;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Claims (agent, nonce) pairs. Returns the holders of the pairs that were
 * already claimed, so the caller can tell an identical retry from a replay.
 */
export async function claimNonces(
  tx: Tx,
  project: string,
  claims: NonceClaim[],
  columns: NonceColumns = nonceColumns(claims),
): Promise<Map<string, NonceHolder>> {
  const held = new Map<string, NonceHolder>();
  if (claims.length === 0) return held;
  const inserted = await tx.query<{ agent: string; nonce: string }>(
    // Key order avoids deadlocks between collectors; within one key, batch order
    // decides: the first copy of a nonce in the batch is its holder, a later one its replay.
    `INSERT INTO nonces (project_id, agent, nonce, trace_id, span_id, content_hash)
     SELECT $6, c.agent, c.nonce, c.trace_id, c.span_id, c.content_hash
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS c(agent, nonce, trace_id, span_id, content_hash, n)
      ORDER BY c.agent, c.nonce, c.n
     ON CONFLICT DO NOTHING
     RETURNING agent, nonce`,
    [columns.agent, columns.nonce, columns.traceId, columns.spanId, columns.contentHash, project],
  );
  const mine = new Set(inserted.rows.map((r) => nonceKey(r.agent, r.nonce)));
  const taken = claims.filter((c) => !mine.has(nonceKey(c.agent, c.nonce)));
  if (taken.length === 0) return held;
  const rows = await tx.query<{
    agent: string;
    nonce: string;
    trace_id: string;
    span_id: string;
    content_hash: string;
    seen_at: Date;
    record_id: string | null;
  }>(
    `SELECT n.agent, n.nonce, n.trace_id, n.span_id, n.content_hash, n.seen_at,
            (SELECT r.record_id FROM records r
              WHERE r.project_id = n.project_id AND r.trace_id = n.trace_id AND r.span_id = n.span_id AND r.content_hash = n.content_hash
              LIMIT 1) AS record_id
       FROM nonces n
       JOIN unnest($1::text[], $2::text[]) AS c(agent, nonce) ON n.project_id = $3 AND c.agent = n.agent AND c.nonce = n.nonce`,
    [taken.map((c) => c.agent), taken.map((c) => c.nonce), project],
  );
  for (const r of rows.rows) {
    held.set(nonceKey(r.agent, r.nonce), {
      agent: r.agent,
      nonce: r.nonce,
      traceId: r.trace_id,
      spanId: r.span_id,
      contentHash: r.content_hash,
      recordId: r.record_id,
      seenAt: r.seen_at,
    });
  }
  return held;
}

export { nonceKey };

/** Earlier records by firebreak id, for authority chains and parents. */
export async function findSummaries(q: Tx | pg.Pool, project: string, ids: string[]): Promise<Map<string, StoredSummary[]>> {
  const out = new Map<string, StoredSummary[]>();
  if (ids.length === 0) return out;
  const rows = await q.query<{
    record_id: string;
    kind: string;
    agent: string;
    verified: boolean;
    verdicts: string[];
    parents: string[];
    authority: string[];
  }>(
    `SELECT record_id, kind, agent, verified, verdicts, parents, authority
       FROM records WHERE project_id = $2 AND record_id = ANY($1::text[]) ORDER BY seq`,
    [ids, project],
  );
  for (const r of rows.rows) {
    const list = out.get(r.record_id) ?? [];
    list.push({
      recordId: r.record_id,
      kind: r.kind,
      agent: r.agent,
      verified: r.verified,
      verdicts: r.verdicts ?? [],
      parents: r.parents ?? [],
      authority: r.authority ?? [],
    });
    out.set(r.record_id, list);
  }
  return out;
}

/**
 * Inserts spans and records; identical retries are no-ops. Returns how many
 * records were new. The conflict keys end with the partition key (the signed
 * ts, the span's start): both are part of the hashed content, so a retry
 * lands in the partition its first copy is in (docs/adr/0016-partitioned-storage.md).
 */
export async function insertBatch(tx: Tx, project: string, spans: SpanRow[], records: RecordRow[]): Promise<number> {
  return insertColumns(tx, project, spans.length > 0 ? spanColumns(spans) : null, records, recordColumns(records));
}

/**
 * The same with the columns already built (the collector's workers build
 * them): `columns` holds `records`' door-side columns in the same order, and
 * only the verdicts, which the database-side checks completed, are added here.
 */
export async function insertColumns(tx: Tx, project: string, spans: SpanColumns | null, records: readonly RecordRow[], columns: RecordColumns): Promise<number> {
  if (spans) {
    await tx.query(
      `INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, name, span_kind, start_ns, end_ns, service_name, attributes, status_code, content_hash)
       SELECT $1, s.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::jsonb[], $11::int[], $12::text[])
         AS s(trace_id, span_id, parent_span_id, name, span_kind, start_ns, end_ns, service_name, attributes, status_code, content_hash)
        ORDER BY s.trace_id, s.span_id, s.content_hash
       ON CONFLICT (project_id, trace_id, span_id, content_hash, start_ns) DO NOTHING`,
      [project, spans.traceId, spans.spanId, spans.parentSpanId, spans.name, spans.spanKind, spans.startNs, spans.endNs, spans.serviceName, spans.attributes, spans.statusCode, spans.contentHash],
    );
  }
  if (records.length === 0) return 0;
  const res = await tx.query(
    `INSERT INTO records (project_id, record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload,
                          parents, authority, action_class, signature, key_id, verdicts, verdict_details, verified, pending_on, pending_since)
     SELECT $1, r.record_id, r.trace_id, r.span_id, r.content_hash, r.kind, r.agent, r.receivers::text[], r.intent, r.protocol, r.ts, r.nonce, r.payload,
            r.parents::text[], r.authority::text[], r.action_class, r.signature, r.key_id, r.verdicts::text[], r.verdict_details, r.verified,
            r.pending_on::text[], CASE WHEN r.pending_on <> '{}' THEN $23::timestamptz END
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[],
                   $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::jsonb[], $21::boolean[], $22::text[])
         AS r(record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload, parents, authority, action_class,
              signature, key_id, verdicts, verdict_details, verified, pending_on)
      -- Batch order (unnest's), not key order: seq is the storing order lineage
      -- and scoring read (the first stored copy of an id). Overlapping batches already queue on their nonce claims.
     ON CONFLICT (project_id, trace_id, span_id, content_hash, ts) DO NOTHING`,
    [
      project,
      columns.recordId,
      columns.traceId,
      columns.spanId,
      columns.contentHash,
      columns.kind,
      columns.agent,
      columns.receivers,
      columns.intent,
      columns.protocol,
      columns.ts,
      columns.nonce,
      columns.payload,
      columns.parents,
      columns.authority,
      columns.actionClass,
      columns.signature,
      columns.keyId,
      pgArray(records.map((r) => pgArray(r.verdicts.map((v) => v.verdict)))),
      pgArray(records.map((r) => JSON.stringify(r.verdicts))),
      pgArray(records.map((r) => (isVerified(r.verdicts) ? "t" : "f"))),
      pgArray(records.map((r) => pgArray(r.pendingOn))),
      new Date().toISOString(),
    ],
  );
  return res.rowCount ?? 0;
}

export interface PendingRow extends StoredSummary {
  seq: string;
  project: string;
  pendingOn: string[];
  pendingSince: Date;
  verdictDetails: VerdictDetail[];
}

/**
 * Locks up to `limit` records still waiting on others. SKIP LOCKED lets any
 * number of collectors settle side by side without settling one twice.
 */
export async function lockPending(tx: Tx, limit: number, waitMs: number): Promise<PendingRow[]> {
  const rows = await tx.query<{
    seq: string;
    project_id: string;
    record_id: string;
    kind: string;
    agent: string;
    verified: boolean;
    verdicts: string[];
    verdict_details: VerdictDetail[];
    parents: string[];
    authority: string[];
    pending_on: string[];
    pending_since: Date;
  }>(
    `SELECT seq::text, project_id, record_id, kind, agent, verified, verdicts, verdict_details, parents, authority, pending_on, pending_since
       FROM records r
      WHERE cardinality(pending_on) > 0
        AND (pending_since <= now() - make_interval(secs => $2::double precision / 1000)
             OR EXISTS (SELECT 1 FROM records d WHERE d.project_id = r.project_id AND d.record_id = ANY(r.pending_on)))
      ORDER BY pending_since LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit, waitMs],
  );
  return rows.rows.map((r) => ({
    seq: r.seq,
    project: r.project_id,
    recordId: r.record_id,
    kind: r.kind,
    agent: r.agent,
    verified: r.verified,
    verdicts: r.verdicts ?? [],
    verdictDetails: r.verdict_details,
    parents: r.parents ?? [],
    authority: r.authority ?? [],
    pendingOn: r.pending_on ?? [],
    pendingSince: r.pending_since,
  }));
}

export async function settleRecords(tx: Tx, updates: { seq: string; verdicts: VerdictDetail[]; pendingOn: string[] }[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.query(
    `UPDATE records r SET verdicts = u."verdictNames", verdict_details = u.verdicts, verified = u.verified,
            pending_on = u."pendingOn", pending_since = CASE WHEN cardinality(u."pendingOn") = 0 THEN NULL ELSE r.pending_since END,
            -- Settled for good: the engine's breakers count it now (see engine_cursors 'settled').
            settled_tx_id = CASE WHEN cardinality(u."pendingOn") = 0 THEN pg_current_xact_id() ELSE NULL END
       FROM jsonb_to_recordset($1::jsonb) AS u(seq bigint, "verdictNames" text[], verdicts jsonb, verified boolean, "pendingOn" text[])
      WHERE r.seq = u.seq`,
    [
      JSON.stringify(
        updates.map((u) => ({
          seq: u.seq,
          verdictNames: u.verdicts.map((v) => v.verdict),
          verdicts: u.verdicts,
          verified: isVerified(u.verdicts),
          pendingOn: u.pendingOn,
        })),
      ),
    ],
  );
}

import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../api/cursor.ts";
import { notFound } from "../api/errors.ts";
import type { RecordsQuery } from "../api/params.ts";
import type { RecordDetail, RecordsPage, RecordView } from "../api/views.ts";
import { Prisma, type PrismaClient } from "./generated/client.ts";

// Reads of the records table for the API. Raw SQL so the filters are the
// ones the indexes were made for: (agent, ts), (kind, ts), (intent, ts), ts,
// and the GIN index on verdicts (`@>`).

interface RecordRow {
  seq: string;
  record_id: string;
  trace_id: string;
  span_id: string;
  kind: string;
  agent: string;
  receivers: string[] | null;
  intent: string | null;
  protocol: string | null;
  ts: Date;
  received_at: Date;
  nonce: string | null;
  payload: string | null;
  parents: string[] | null;
  authority: string[] | null;
  action_class: string | null;
  signature: string | null;
  key_id: string | null;
  verdicts: string[] | null;
  verdict_details: unknown;
  verified: boolean;
  pending_on: string[] | null;
}

const COLUMNS = Prisma.sql`seq::text AS seq, record_id, trace_id, span_id, kind, agent, receivers, intent, protocol, ts, received_at,
  nonce, payload, parents, authority, action_class, signature, key_id, verdicts, verdict_details, verified, pending_on`;

// verdict_details is JSONB the collector wrote; read it defensively so one
// odd row shows its verdict names rather than failing the whole page.
const StoredVerdictDetails = z.array(z.object({ verdict: z.string(), detail: z.string().optional() }).transform((d) => (d.detail === undefined ? { verdict: d.verdict } : d)));

function toView(r: RecordRow): RecordView {
  const verdicts = r.verdicts ?? [];
  const details = StoredVerdictDetails.safeParse(r.verdict_details);
  return {
    seq: r.seq,
    id: r.record_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    kind: r.kind,
    agent: r.agent,
    receivers: r.receivers ?? [],
    intent: r.intent,
    protocol: r.protocol,
    timestamp: r.ts.toISOString(),
    receivedAt: r.received_at.toISOString(),
    nonce: r.nonce,
    payload: r.payload,
    parents: r.parents ?? [],
    authority: r.authority ?? [],
    actionClass: r.action_class,
    signature: r.signature,
    keyId: r.key_id,
    verdicts,
    verdictDetails: details.success ? details.data : verdicts.map((verdict) => ({ verdict })),
    verified: r.verified,
    pendingOn: r.pending_on ?? [],
  };
}

/** One page of records, newest first, with the cursor of the next page. */
export async function listRecords(db: PrismaClient, project: string, q: RecordsQuery): Promise<RecordsPage> {
  const where: Prisma.Sql[] = [Prisma.sql`project_id = ${project}`];
  if (q.agent !== undefined) where.push(Prisma.sql`agent = ${q.agent}`);
  if (q.kind !== undefined) where.push(Prisma.sql`kind = ${q.kind}`);
  if (q.intent !== undefined) where.push(Prisma.sql`intent = ${q.intent}`);
  if (q.verdict !== undefined) where.push(Prisma.sql`verdicts @> ${q.verdict}::text[]`);
  if (q.from !== undefined) where.push(Prisma.sql`ts >= ${new Date(q.from)}`);
  if (q.to !== undefined) where.push(Prisma.sql`ts < ${new Date(q.to)}`);
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor);
    const ts = new Date(after.ts);
    // Spelled out rather than a row comparison so the planner can range-scan the ts indexes.
    where.push(Prisma.sql`ts <= ${ts} AND (ts < ${ts} OR seq < ${after.seq}::bigint)`);
  }
  const filter = Prisma.sql`WHERE ${Prisma.join(where, " AND ")}`;
  const rows = await db.$queryRaw<RecordRow[]>`
    SELECT ${COLUMNS} FROM records ${filter}
     ORDER BY ts DESC, seq DESC
     LIMIT ${q.limit + 1}`;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ ts: last.ts.toISOString(), seq: last.seq }) : null,
  };
}

/** Every stored record with a firebreak id: several when forged copies were sent under it. */
export async function getRecord(db: PrismaClient, project: string, id: string): Promise<RecordDetail> {
  const rows = await db.$queryRaw<RecordRow[]>`SELECT ${COLUMNS} FROM records WHERE project_id = ${project} AND record_id = ${id} ORDER BY seq`;
  if (rows.length === 0) throw notFound(`no record has the id ${JSON.stringify(id)}: check the id, or the record has not reached the collector yet`);
  return { id, records: rows.map(toView) };
}

// The verdicts that need the database (replay, authority chain) and the one
// transaction that stores a batch. Everything before this ran in a worker.
import type pg from "pg";
import type { RegistrySnapshot } from "../registry/types.ts";
import type { VerdictDetail } from "../protocol/record.ts";
import { combineVerdicts, isVerified } from "../verify/combine.ts";
import {
  claimNonces,
  findSummaries,
  insertColumns,
  nonceKey,
  withTransaction,
  type RecordRow,
  type StoredSummary,
  type Tx,
} from "../db/ingest-store.ts";
import { insertEdges } from "../db/lineage-store.ts";
import { nonceClaims, type DecodeResult } from "./decode-job.ts";
import { judgeAuthority, type SummaryLookup } from "./authority.ts";

export interface BatchOutcome {
  spans: number;
  records: number;
  newRecords: number;
  verdictCounts: Record<string, number>;
  /** The same counts split by record kind, for /metrics: kind -> verdict -> records. */
  verdictsByKind: Record<string, Record<string, number>>;
}

export async function persistBatch(pool: pg.Pool, project: string, batch: DecodeResult, snapshot: RegistrySnapshot): Promise<BatchOutcome> {
  return withTransaction(pool, (tx) => persistBatchIn(tx, project, batch, snapshot));
}

/**
 * The same, inside a transaction the caller holds: the server stores the
 * approval records it signs this way, with the act that made them, so they
 * are judged exactly as the collector judges every other record.
 * The batch is used up: its records get their final verdicts in place (no
 * copy of 500 records per batch on the main thread); store a batch once.
 */
export async function persistBatchIn(tx: Tx, project: string, batch: DecodeResult, snapshot: RegistrySnapshot): Promise<BatchOutcome & { stored: RecordRow[] }> {
  const records = batch.records;
  // Nonces, parents and authority are looked up in the batch's own project only.
  // The copy sent first is the original: a replay re-sent before the exporter's
  // next flush shares a batch with it, in whatever order the request lists them.
  const bySending = batch.sendingOrder.map((i) => records[i]!);
  markReplays(bySending, await claimNonces(tx, project, nonceClaims(bySending), batch.nonces));
  const stored = await findSummaries(tx, project, referencedIds(records));
  applyAuthority(records, stored, snapshot);
  for (const r of records) r.verdicts = combineVerdicts(r.verdicts, { allowUnattested: snapshot.allowUnattested });
  const newRecords = await insertColumns(tx, project, batch.spans, records, batch.recordColumns);
  // The provenance graph's edges commit with their records, never apart.
  await insertEdges(tx, project, records, batch.edges);
  return { spans: batch.spanCount, records: records.length, newRecords, verdictCounts: countVerdicts(records), verdictsByKind: countVerdictsByKind(records), stored: records };
}

/**
 * Same agent and nonce in a different record is a replay. The very same span
 * again (an OTLP retry: same trace, span and content) is not: it is stored once.
 */
function markReplays(
  records: RecordRow[],
  held: Map<string, { traceId: string; spanId: string; contentHash: string; recordId: string | null }>,
): void {
  const firstInBatch = new Map<string, RecordRow>();
  for (const r of records) {
    if (!r.nonce) continue;
    const key = nonceKey(r.agent, r.nonce);
    // A holder from the database means another batch claimed the nonce first;
    // otherwise this batch's first record with it did.
    const first = firstInBatch.get(key);
    if (!first) firstInBatch.set(key, r);
    const original = held.get(key) ?? (first && first !== r ? first : undefined);
    if (!original) continue;
    const sameSpan = original.traceId === r.traceId && original.spanId === r.spanId && original.contentHash === r.contentHash;
    if (sameSpan) continue;
    addVerdict(r, {
      verdict: "replay",
      detail: `nonce already used by record ${original.recordId ?? "(unparsed)"} in trace ${original.traceId} span ${original.spanId}`,
    });
  }
}

// Ids in the batch are fetched too: a replayed copy in the batch shares its id
// with a verified original already stored, and the original is what a child means.
function referencedIds(records: RecordRow[]): string[] {
  const ids = new Set<string>();
  for (const r of records) {
    for (const id of r.authority) ids.add(id);
    for (const id of r.parents) ids.add(id);
  }
  return [...ids];
}

function applyAuthority(records: RecordRow[], stored: Map<string, StoredSummary[]>, snapshot: RegistrySnapshot): void {
  // Earlier records in the same batch count as seen. Judge in timestamp order
  // so a parent in the batch is judged before its children.
  const batch = new Map<string, StoredSummary[]>();
  const order = [...records].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const lookup: SummaryLookup = (id) => {
    const here = batch.get(id);
    const before = stored.get(id);
    return here && before ? [...before, ...here] : (here ?? before);
  };
  for (const r of order) {
    const result = judgeAuthority(r, lookup, snapshot);
    for (const v of result.verdicts) addVerdict(r, v);
    r.pendingOn = result.pendingOn;
    const summary: StoredSummary = {
      recordId: r.recordId,
      kind: r.kind,
      agent: r.agent,
      verified: isVerified(combineVerdicts(r.verdicts, { allowUnattested: snapshot.allowUnattested })),
      verdicts: r.verdicts.map((v) => v.verdict),
      parents: r.parents,
      authority: r.authority,
    };
    batch.set(r.recordId, [...(batch.get(r.recordId) ?? []), summary]);
  }
}

// combineVerdicts drops `verified` again whenever a blocking verdict is present.
function addVerdict(r: RecordRow, v: VerdictDetail): void {
  r.verdicts = [...r.verdicts, v];
}

function countVerdictsByKind(records: RecordRow[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of records) {
    const byVerdict = (out[r.kind] ??= {});
    for (const v of new Set(r.verdicts.map((x) => x.verdict))) byVerdict[v] = (byVerdict[v] ?? 0) + 1;
  }
  return out;
}

function countVerdicts(records: RecordRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) for (const v of new Set(r.verdicts.map((x) => x.verdict))) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

import "server-only";
import type pg from "pg";
import type { RecordsQuery } from "../api/params.ts";
import type { RecordView } from "../api/views.ts";
import { audit } from "../audit/audit-log.ts";
import { csvRow } from "../reports/csv.ts";
import type { PrismaClient } from "./generated/client.ts";
import { listRecords } from "./records-query.ts";

// Every record matching the records list's filters, streamed page by page
// (the list's own keyset pagination, so memory stays flat however many
// match), as CSV or a JSON array. The export is audited before the first byte.

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE = 500;

export const CSV_COLUMNS = [
  "seq", "id", "timestamp", "received_at", "kind", "agent", "to", "intent", "protocol", "action_class", "verified", "verdicts", "verdict_details",
  "key_id", "signature", "nonce", "parents", "authority", "trace_id", "span_id", "payload",
] as const;

export function csvLine(r: RecordView): string {
  return csvRow([
    r.seq, r.id, r.timestamp, r.receivedAt, r.kind, r.agent, r.receivers.join(" "), r.intent, r.protocol, r.actionClass, r.verified, r.verdicts.join(" "),
    r.verdictDetails.map((d) => (d.detail ? `${d.verdict}: ${d.detail}` : d.verdict)).join("; "),
    r.keyId, r.signature, r.nonce, r.parents.join(" "), r.authority.join(" "), r.traceId, r.spanId, r.payload,
  ]);
}

export type ExportFilters = Omit<RecordsQuery, "cursor" | "limit">;

/** Pages through every matching record, newest first. */
export async function* allRecords(db: PrismaClient, project: string, filters: ExportFilters): AsyncGenerator<RecordView[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await listRecords(db, project, { ...filters, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (page.items.length > 0) yield page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

export function exportStream(pages: AsyncGenerator<RecordView[]>, format: ExportFormat): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(format === "csv" ? csvRow(CSV_COLUMNS) : "["));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        if (format === "json") controller.enqueue(enc.encode(first ? "]\n" : "\n]\n"));
        controller.close();
        return;
      }
      let chunk = "";
      for (const r of next.value) {
        if (format === "csv") chunk += csvLine(r);
        else {
          chunk += `${first ? "\n" : ",\n"}${JSON.stringify(r)}`;
          first = false;
        }
      }
      controller.enqueue(enc.encode(chunk));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

export async function exportRecords(db: PrismaClient, pool: pg.Pool, project: string, query: ExportFilters & { format: ExportFormat }, actor: string): Promise<Response> {
  const { format, ...filters } = query;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  await audit(pool, { actor, action: "records.export", target: `project:${project}`, detail: { project, format, filters: { ...filters } } });
  return new Response(exportStream(allRecords(db, project, filters), format), {
    status: 200,
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="firebreak-${project}-records-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}

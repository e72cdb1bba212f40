// The incident exports as the API serves them. Each export is appended to
// the audit trail first, so the bundle carries its own export entry and a
// report can never leave without a trace.
import type pg from "pg";
import { audit } from "../audit/audit-log.ts";
import { requireInstanceKey } from "../audit/audit-queries.ts";
import { incidentSummary } from "../engine/incidents/incident-queries.ts";
import type { IncidentReportPredicate } from "./bundle-schema.ts";
import { signedIncidentBundle } from "./bundle.ts";
import { incidentEvidence } from "./incident-evidence.ts";
import { renderIncidentPdf } from "./incident-pdf.ts";

type Format = "pdf" | "json";

async function exportedEvidence(pool: pg.Pool, project: string, id: string, actor: string, format: Format): Promise<IncidentReportPredicate> {
  const key = requireInstanceKey();
  await incidentSummary(pool, project, id); // 404 before anything is recorded
  await audit(pool, { actor, action: `report.export_${format}`, target: `incident:${id}`, detail: { project, format } });
  return incidentEvidence(pool, project, id, { actor, keyId: key.keyId, publicKey: key.publicKey });
}

const download = (name: string, type: string) => ({
  "content-type": type,
  "content-disposition": `attachment; filename="${name}"`,
  "cache-control": "no-store",
});

export async function incidentReportPdf(pool: pg.Pool, project: string, id: string, actor: string): Promise<Response> {
  const pdf = await renderIncidentPdf(await exportedEvidence(pool, project, id, actor, "pdf"));
  return new Response(new Uint8Array(pdf), { status: 200, headers: download(`firebreak-incident-${id}.pdf`, "application/pdf") });
}

export async function incidentReportBundle(pool: pg.Pool, project: string, id: string, actor: string): Promise<Response> {
  const envelope = signedIncidentBundle(await exportedEvidence(pool, project, id, actor, "json"), requireInstanceKey());
  return new Response(JSON.stringify(envelope, null, 2), { status: 200, headers: download(`firebreak-incident-${id}.dsse.json`, "application/json; charset=utf-8") });
}

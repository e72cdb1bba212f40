// Gathers everything an incident report states: the incident as the API
// shows it, the lineage from its origins to its blast radius, every record
// involved with its signature, the registry entries that judged them, the
// breaker events among its agents, and the audit trail about it.
import type pg from "pg";
import { incidentDetail } from "../engine/incidents/incident-queries.ts";
import { DEFAULT_QUIET_MS } from "../engine/incidents/grouping.ts";
import { traceBlastRadius } from "../lineage/lineage-queries.ts";
import { auditRunFor, breakerEventsAmong, contractsFor, recordsByIds, registryAgents, type StoredRecordRow } from "../db/report-store.ts";
import type { BundleRecord, IncidentReportPredicate, LineageFigure } from "./bundle-schema.ts";
import { canonicalSigningText } from "./record-wire.ts";

/** Bounds of the figure: a report is read on paper, not explored. */
const MAX_ROOTS = 6;
const MAX_FIGURE_NODES = 120;

export const REGISTRY_NOTE =
  "The registry entries as they stand at export time; key validity windows (notBefore/notAfter) say which keys were in force when each record was signed. Registry changes are in the audit trail.";

function bundleRecord(r: StoredRecordRow): BundleRecord {
  const fields = {
    id: r.recordId,
    kind: r.kind,
    agent: r.agent,
    to: r.receivers,
    intent: r.intent,
    protocol: r.protocol,
    timestamp: r.ts.toISOString(),
    nonce: r.nonce,
    payload: r.payload,
    parents: r.parents,
    authority: r.authority,
    actionClass: r.actionClass,
  };
  const details = Array.isArray(r.verdictDetails) ? (r.verdictDetails as { verdict: string; detail?: string }[]) : [];
  return {
    seq: r.seq,
    ...fields,
    signature: r.signature,
    keyId: r.keyId,
    signedPayload: r.signature === null ? null : canonicalSigningText(fields),
    verdicts: r.verdicts,
    verdictDetails: details.map((d) => (typeof d.detail === "string" ? { verdict: String(d.verdict), detail: d.detail } : { verdict: String(d.verdict) })),
    receivedAt: r.receivedAt.toISOString(),
  };
}

async function lineageFigure(q: pg.Pool, project: string, roots: readonly string[]): Promise<LineageFigure> {
  const nodes = new Map<string, LineageFigure["nodes"][number]>();
  const treeEdges: LineageFigure["edges"] = [];
  let truncated = roots.length > MAX_ROOTS;
  for (const root of roots.slice(0, MAX_ROOTS)) {
    const answer = await traceBlastRadius(q, project, root, { maxNodes: MAX_FIGURE_NODES, budgetMs: 5_000 }, { checkUpstream: false });
    if (answer.truncated.length > 0) truncated = true;
    for (const s of answer.starts) {
      if (!nodes.has(s.id)) nodes.set(s.id, { id: s.id, kind: s.kind ?? "unstored", agent: s.agent ?? "?", tainted: s.flagged, flagged: s.flagged, depth: 0 });
    }
    for (const d of answer.descendants) {
      if (nodes.size >= MAX_FIGURE_NODES && !nodes.has(d.id)) {
        truncated = true;
        continue;
      }
      const prev = nodes.get(d.id);
      if (!prev || prev.depth > d.depth) nodes.set(d.id, { id: d.id, kind: d.kind ?? "unstored", agent: d.agent ?? "?", tainted: d.tainted || (prev?.tainted ?? false), flagged: d.flagged, depth: d.depth });
      if (d.via) treeEdges.push({ child: d.id, parent: d.via.parent, kind: d.via.kind });
    }
  }
  return { roots: roots.slice(0, MAX_ROOTS), nodes: [...nodes.values()], edges: treeEdges, truncated };
}

/** Every edge among the figure's nodes that the records name themselves, plus the walk's (state edges are inferred, not named). */
function completeEdges(figure: LineageFigure, records: readonly BundleRecord[]): LineageFigure {
  const inFigure = new Set(figure.nodes.map((n) => n.id));
  const seen = new Set<string>();
  const edges: LineageFigure["edges"] = [];
  const add = (e: LineageFigure["edges"][number]) => {
    const k = `${e.child}\u0000${e.parent}`;
    if (seen.has(k) || !inFigure.has(e.child) || !inFigure.has(e.parent)) return;
    seen.add(k);
    edges.push(e);
  };
  figure.edges.forEach(add);
  for (const r of records) {
    for (const p of r.parents) add({ child: r.id, parent: p, kind: "parent" });
    for (const a of r.authority) add({ child: r.id, parent: a, kind: "authority" });
  }
  return { ...figure, edges };
}

export async function incidentEvidence(
  pool: pg.Pool,
  project: string,
  id: string,
  by: { actor: string; keyId: string; publicKey: string; now?: Date },
): Promise<IncidentReportPredicate> {
  const detail = await incidentDetail(pool, project, id);
  const inc = detail.incident;
  const roots = inc.originIds.length > 0 ? inc.originIds : inc.recordIds;
  const figure = await lineageFigure(pool, project, roots);
  const recordIds = [...new Set([...inc.recordIds, ...inc.originIds, ...figure.nodes.map((n) => n.id), ...detail.findings.flatMap((f) => f.evidence)])];
  const records = (await recordsByIds(pool, project, recordIds)).map(bundleRecord);
  const agents = [...new Set([...inc.agents, ...records.map((r) => r.agent)])].sort();
  const intents = [...new Set(records.flatMap((r) => (r.intent === null ? [] : [r.intent])))].sort();
  const until = inc.resolvedAt ? new Date(inc.resolvedAt) : new Date(Date.parse(inc.lastAt) + DEFAULT_QUIET_MS);
  const targets = [`incident:${inc.id}`, ...agents.map((a) => `agent:${a}`), ...agents.flatMap((s) => agents.filter((r) => r !== s).map((r) => `edge:${s}->${r}`))];
  const [registry, contracts, breakers, auditRun] = await Promise.all([
    registryAgents(pool, project, agents),
    contractsFor(pool, project, intents),
    breakerEventsAmong(pool, project, agents, new Date(inc.firstAt), until),
    auditRunFor(pool, targets),
  ]);
  return {
    generatedAt: (by.now ?? new Date()).toISOString(),
    generatedBy: by.actor,
    instance: { keyId: by.keyId, publicKey: by.publicKey },
    incident: detail,
    lineage: completeEdges(figure, records),
    records,
    registry: {
      agents: registry.map((a) => ({ ...a, updatedAt: a.updatedAt.toISOString() })),
      contracts: contracts.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() })),
      note: REGISTRY_NOTE,
    },
    breakerEvents: breakers.map((b) => ({ ...b, at: b.at.toISOString() })),
    audit: { targets, entries: auditRun.entries, checkpoint: auditRun.checkpoint },
  };
}

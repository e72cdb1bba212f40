// Incident report predicates built in memory, for the PDF, layout and bundle
// tests: a clean default and knobs for the sizes that break layouts.
import { auditHash, GENESIS_HASH, type AuditEntry } from "@/lib/audit/audit-chain.ts";
import type { IncidentReportPredicate, LineageFigure } from "@/lib/reports/bundle-schema.ts";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export function auditRun(n: number, target = "incident:7"): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = { seq, at: at(100 + seq), actor: seq % 2 ? "alice" : "bob", action: seq % 3 ? "incident.note" : "breaker.force_open", target, detail: { text: `step ${seq}` }, prevHash };
    const e = { ...base, hash: auditHash(base) };
    out.push(e);
    prevHash = e.hash;
  }
  return out;
}

/** A wide, deep blast radius: `width` records per level, `depth` levels below one origin. */
export function fanOutFigure(width: number, depth: number): LineageFigure {
  const nodes: LineageFigure["nodes"] = [{ id: "origin-0", kind: "message", agent: "mallory", tainted: true, flagged: true, depth: 0 }];
  const edges: LineageFigure["edges"] = [];
  for (let d = 1; d <= depth; d++) {
    for (let i = 0; i < width; i++) {
      const id = `r-${d}-${i}`;
      nodes.push({ id, kind: d === depth ? "action" : "message", agent: `agent-${i % 4}`, tainted: i % 2 === 0, flagged: false, depth: d });
      edges.push({ child: id, parent: d === 1 ? "origin-0" : `r-${d - 1}-${(i + 1) % width}`, kind: i % 5 === 0 ? "authority" : "parent" });
    }
  }
  return { roots: ["origin-0"], nodes, edges, truncated: false };
}

export function predicate(options: { figure?: LineageFigure; timeline?: number; auditEntries?: number; longText?: string } = {}): IncidentReportPredicate {
  const findings = Array.from({ length: options.timeline ?? 3 }, (_, i) => ({
    id: String(i + 1),
    detector: "semantic_deviation",
    recordId: `r-1-${i}`,
    agent: "planner",
    subject: "unit_price",
    score: 4,
    explanation: options.longText ?? `unit_price 10.3x the 24h median (n=412), finding ${i + 1}`,
    params: {},
    evidence: [],
    at: at(i),
    impact: 4,
    reach: 2,
  }));
  return {
    generatedAt: at(1000),
    generatedBy: "alice",
    instance: { keyId: "fb-instance-0011223344556677", publicKey: "A".repeat(43) },
    incident: {
      incident: {
        id: "7",
        title: "Forged quote → planner → wire transfer",
        severity: "critical",
        status: "acknowledged",
        firstAt: at(0),
        lastAt: at(5),
        openedAt: at(0),
        updatedAt: at(6),
        acknowledgedBy: "alice",
        acknowledgedAt: at(60),
        resolvedBy: null,
        resolvedAt: null,
        resolution: null,
        analystActed: true,
        mergedInto: null,
        originIds: ["origin-0"],
        recordIds: findings.map((f) => f.recordId),
        agents: ["mallory", "planner", "buyer"],
        findingCount: findings.length,
        maxImpact: 4,
      },
      findings,
      timeline: findings.map((f) => ({ type: "finding" as const, at: f.at, findingId: f.id, detector: f.detector, agent: f.agent, recordId: f.recordId, text: f.explanation })),
      agents: ["mallory", "planner", "buyer"],
      notes: [{ id: "1", author: "alice", text: "Quote came from outside the registry.", at: at(70) }],
      events: [],
      related: [],
    },
    lineage: options.figure ?? fanOutFigure(2, 2),
    records: [
      {
        seq: "1",
        id: "origin-0",
        kind: "message",
        agent: "mallory",
        to: ["planner"],
        intent: "quote.request",
        protocol: "a2a/0.3",
        timestamp: at(0),
        nonce: "n1",
        payload: '{"amount":1}',
        parents: [],
        authority: [],
        actionClass: null,
        signature: null,
        keyId: null,
        signedPayload: null,
        verdicts: ["unsigned"],
        verdictDetails: [{ verdict: "unsigned", detail: "no firebreak.signature attribute" }],
        receivedAt: at(0),
      },
    ],
    registry: { agents: [], contracts: [], note: "as of export" },
    breakerEvents: [{ id: "1", sender: "planner", receiver: "buyer", from: "CLOSED", to: "OPEN", at: at(3), cause: "forced", recordIds: [], detail: "forced open", actor: "bob" }],
    audit: { targets: ["incident:7"], entries: auditRun(options.auditEntries ?? 3), checkpoint: null },
  };
}

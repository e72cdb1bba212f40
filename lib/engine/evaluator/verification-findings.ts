// Records that failed verification at the door already carry their verdicts;
// the engine turns them into findings too, so a forged or replayed burst
// opens an incident like any anomaly does. One finding per agent and set of
// problems per batch (not one per record): ten thousand forged records are
// one fact with ten thousand pieces of evidence, not ten thousand facts.
import { failureOf } from "../breaker/edge-breakers.ts";
import type { Finding } from "../detectors/finding.ts";

export interface VerdictFacts {
  recordId: string;
  agent: string;
  at: number;
  verified: boolean;
  verdicts: readonly string[];
}

/** Evidence kept on one finding; the count says how many there were. */
export const MAX_EVIDENCE = 1_000;

const CLEAN = new Set(["verified", "pending", "unattested_agent"]);

export function verificationFindings(records: readonly VerdictFacts[]): Finding[] {
  const groups = new Map<string, { agent: string; problems: string[]; records: VerdictFacts[] }>();
  for (const r of records) {
    if (!failureOf({ verified: r.verified, verdicts: r.verdicts, anomalous: false }).includes("verification")) continue;
    const problems = [...new Set(r.verdicts.filter((v) => !CLEAN.has(v) || (v === "unattested_agent" && !r.verified)))].sort();
    if (problems.length === 0) problems.push("unverified");
    const key = `${r.agent}\u0000${problems.join(",")}`;
    const g = groups.get(key);
    if (g) g.records.push(r);
    else groups.set(key, { agent: r.agent, problems, records: [r] });
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const sorted = [...g.records].sort((a, b) => a.at - b.at);
    const last = sorted[sorted.length - 1]!;
    const n = sorted.length;
    out.push({
      detector: "verification",
      recordId: last.recordId,
      agent: g.agent,
      subject: g.problems.join(", "),
      score: n,
      explanation: `${n} ${n === 1 ? "record" : "records"} claiming to be from ${g.agent} failed verification at the door: ${g.problems.join(", ")}`,
      params: { records: n },
      evidence: sorted.slice(-MAX_EVIDENCE).map((r) => r.recordId),
      at: last.at,
    });
  }
  return out;
}

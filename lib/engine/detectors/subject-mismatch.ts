// A record about something none of the records it was made from was about
// (ADR 0056): a review of ticket T-900 made from a change ready for T-124.
//
// Work in a fleet is about something: a ticket, a task, a purchase order. An
// agent that answers a message answers about what the message was about,
// and a record carries that subject in its first short string field (the
// same field the engine splits series and baselines by). A stolen key signs
// whatever the attacker writes, and the attacker's record must still name
// parents to look like the agent's work; it names a real one and writes
// about a subject of its choosing. Signatures, contracts and values all
// pass; what gives it away is that the agent never did that before.
//
// So for each record with a subject, made from other agents' records that
// carry subjects of their own (messages, writes, actions; a state read holds
// only a hash, and its own records are what it carries forward), the
// detector asks whether any input named the same subject (in any string
// field at its top: a quote may list its currency before its SKU). Where none
// was, it looks at the agent's earlier records of the same kind and intent,
// newest first: if each of the last `minRecords` of them was about the
// subject of one of its inputs, this one is a finding. An agent whose
// records of that kind never follow their inputs' subject (a trade idea's
// side, an order's SKU read from the books) is never judged so: its first
// earlier record that did not share ends the question.
import { z } from "zod";
import { fmt } from "./explain.ts";
import type { Finding, WindowRecord } from "./finding.ts";
import { subjectOf } from "./subject.ts";

export const SubjectMismatchParams = z.object({
  /** Earlier records of the agent's kind and intent that each shared their inputs' subject, at least. */
  minRecords: z.number().int().min(1).default(20),
  /** Earlier records looked at, at most, newest first, to find them. */
  lookback: z.number().int().min(1).default(5_000),
});
export type SubjectMismatchParams = z.infer<typeof SubjectMismatchParams>;

/**
 * Findings over `recent` (time order), against `historyOf` (each agent's
 * earlier records, in time order: read only where a record's inputs were
 * about something else; those `flagged` says a finding named are skipped),
 * parents looked up by `get` (records seen before or in the batch). Pure.
 */
export function subjectMismatch(
  recent: readonly WindowRecord[],
  historyOf: (agent: string) => readonly WindowRecord[],
  get: (recordId: string) => WindowRecord | undefined,
  input: Partial<SubjectMismatchParams> = {},
  flagged: (recordId: string) => boolean = () => false,
): Finding[] {
  const p = SubjectMismatchParams.parse(input);
  const out: Finding[] = [];
  // A record named here is no part of what its agent usually does.
  const named = new Set<string>();
  for (let i = 0; i < recent.length; i++) {
    const r = recent[i]!;
    const subject = subjectOf(r.payload);
    if (subject === null) continue;
    const inputs = inputsOf(r, get);
    if (inputs === null || inputs.some((x) => carries(x, subject.value))) continue;
    // The agent's earlier records of this kind and intent, newest first: this batch's before it, then history.
    let shared = 0;
    let looked = 0;
    const earlier = function* (): Generator<WindowRecord> {
      for (let j = i - 1; j >= 0; j--) if (recent[j]!.agent === r.agent) yield recent[j]!;
      const past = historyOf(r.agent);
      for (let j = past.length - 1; j >= 0; j--) yield past[j]!;
    };
    for (const e of earlier()) {
      if (++looked > p.lookback || shared >= p.minRecords) break;
      if (e.kind !== r.kind || e.intent !== r.intent || e.at > r.at || named.has(e.recordId) || flagged(e.recordId)) continue;
      const own = subjectOf(e.payload);
      if (own === null || own.field !== subject.field) continue;
      const its = inputsOf(e, get);
      if (its === null) continue;
      if (!its.some((x) => carries(x, own.value))) break;
      shared++;
    }
    if (shared < p.minRecords) continue;
    const about = inputs.map((x) => {
      const s = subjectOf(x.payload);
      return `${x.intent ?? x.kind}${s ? ` about ${s.field} ${s.value}` : ""}`;
    });
    named.add(r.recordId);
    out.push({
      detector: "subject_mismatch",
      recordId: r.recordId,
      agent: r.agent,
      subject: `${r.intent ?? r.kind} ${subject.field}`,
      score: shared,
      explanation: `${r.intent ?? r.kind} about ${subject.field} ${subject.value}, made from ${about.join(", ")}; each of its last ${fmt(shared)} was about the ${subject.field} of a record it was made from`,
      params: { field: subject.field, value: subject.value, minRecords: p.minRecords, lookback: p.lookback, shared },
      evidence: [r.recordId],
      at: r.at,
    });
  }
  return out;
}

/** Whether `r`'s payload names `value` in a string field at its top: its subject, or another field (a quote's SKU after its currency). */
function carries(r: WindowRecord, value: string): boolean {
  const p = r.payload;
  if (p === null || typeof p !== "object" || Array.isArray(p)) return false;
  return Object.values(p).some((v) => v === value);
}

/**
 * What a record was given to work on: its parents from other agents, but
 * state reads (a read holds a hash). Its own earlier records are what it
 * carries forward, not what it was asked about: a runaway's copies of its
 * own message would otherwise teach it that it follows its inputs. Null
 * where a parent is not known here, or it has none.
 */
function inputsOf(r: WindowRecord, get: (recordId: string) => WindowRecord | undefined): WindowRecord[] | null {
  const out: WindowRecord[] = [];
  for (const id of r.parents ?? []) {
    const parent = get(id);
    if (!parent) return null;
    if (parent.kind !== "state.read" && parent.agent !== r.agent) out.push(parent);
  }
  return out.length === 0 ? null : out;
}

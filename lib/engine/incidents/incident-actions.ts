// What an analyst does to an incident: acknowledge it, resolve it with a
// reason, write a note. Each runs in one transaction with the incident's row
// locked, so it serializes with the grouping engine: either the engine sees
// the analyst's action (and from then on never merges the incident), or the
// analyst sees the merge (and is told where the findings went).
import type pg from "pg";
import { conflict } from "../../api/errors.ts";
import type { IncidentNoteView, IncidentSummaryView } from "../../api/incident-views.ts";
import { insertNote, lockIncident, setStatus } from "../../db/incident-store.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { auditInTransaction } from "../../audit/audit-log.ts";
import { incidentSummary } from "./incident-queries.ts";
import { moveIncident, type IncidentMove } from "./status.ts";

/** Acknowledges the incident; returns it as it now stands. */
export async function acknowledgeIncident(pool: pg.Pool, project: string, id: string, actor: string): Promise<IncidentSummaryView> {
  await changeStatus(pool, project, id, "acknowledge", actor);
  return incidentSummary(pool, project, id);
}

/** Resolves the incident with the analyst's reason; returns it as it now stands. */
export async function resolveIncident(pool: pg.Pool, project: string, id: string, actor: string, reason: string): Promise<IncidentSummaryView> {
  await changeStatus(pool, project, id, "resolve", actor, reason);
  return incidentSummary(pool, project, id);
}

async function changeStatus(pool: pg.Pool, project: string, id: string, move: IncidentMove, actor: string, reason?: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const facts = await lockIncident(tx, project, id);
    const next = moveIncident(facts, move);
    if (!next.ok) throw conflict(next.reason);
    await setStatus(tx, facts.id, { from: facts.status, to: next.to, actor, ...(reason === undefined ? {} : { reason }) });
    await auditInTransaction(tx, { actor, action: `incident.${move}`, target: `incident:${facts.id}`, detail: { project, from: facts.status, to: next.to, reason: reason ?? null } });
  });
}

/** Notes are welcome on a resolved incident (the post-mortem); a merged one points to where they belong. */
export async function addIncidentNote(pool: pg.Pool, project: string, id: string, author: string, text: string): Promise<IncidentNoteView> {
  const note = await withTransaction(pool, async (tx) => {
    const facts = await lockIncident(tx, project, id);
    if (facts.status === "merged") throw conflict(`incident ${id} was merged into incident ${facts.mergedInto ?? "?"}: add the note there`);
    const note = await insertNote(tx, facts.id, author, text);
    await auditInTransaction(tx, { actor: author, action: "incident.note", target: `incident:${facts.id}`, detail: { project, text } });
    return note;
  });
  return { ...note, at: note.at.toISOString() };
}

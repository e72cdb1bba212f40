// The approval queue: a guard files a held red action, waits (long poll), and
// an on-call approves or denies it with a reason. An approval is signed by
// the instance's approver principal and stored through the collector's own
// verification path, so it is a record like any other and can join the
// action's authority chain. Every decision, expiry included, is appended to
// the audit trail in the transaction that makes it. docs/adr/0010-approvals.md.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { ApprovalDetail, ApprovalView, ApprovalsList, ApprovalsQuery, ChainRecordView, FileApprovalBody } from "../api/approval-views.ts";
import { roleAllows, type Principal } from "../api/auth.ts";
import { badRequest, conflict, FirebreakError, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import type { ApprovalsConfig } from "../config/approvals-config.ts";
import type { InstanceKey } from "../config/instance-key.ts";
import { persistBatchIn } from "../collector/ingest.ts";
import {
  findApproval,
  findApprovalByAction,
  insertApproval,
  listApprovals,
  recordBriefs,
  recordDecision,
  traceOfRecord,
  type ApprovalRow,
  type StoredRecordBrief,
} from "../db/approval-store.ts";
import { findingsOnRecords } from "../db/approval-findings.ts";
import { withTransaction, type Tx } from "../db/ingest-store.ts";
import type { PrismaClient } from "../db/prisma.ts";
import { argsDigest, type ApprovalRequest } from "../guard/approvals.ts";
import { storedGraph } from "../lineage/lineage-queries.ts";
import { walk } from "../lineage/walk.ts";
import { parseJsonText } from "../protocol/json-text.ts";
import type { ActionClass } from "../protocol/record.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { approvalBatch, randomTraceId, signApprovalRecord } from "./approval-record.ts";
import { checkDecision, effectiveStatus, expiryFor } from "./approval-state.ts";
import { sweepExpired } from "./approval-sweep.ts";
import { ensureApprover } from "./approver-principal.ts";

export interface ApprovalDeps {
  pool: pg.Pool;
  /** The project the queue belongs to: requests, their records and the approver entry are this project's. */
  project: string;
  config: ApprovalsConfig;
  clock?: () => number;
}

export interface DecisionDeps extends ApprovalDeps {
  prisma: PrismaClient;
  key: InstanceKey;
  loadSnapshot: () => Promise<RegistrySnapshot>;
}

const now = (deps: ApprovalDeps): number => (deps.clock ?? Date.now)();

export function approvalView(row: ApprovalRow, at: number): ApprovalView {
  return {
    id: row.id,
    action: row.actionId,
    agent: row.agent,
    name: row.name,
    class: row.actionClass,
    args: row.args,
    digest: row.digest,
    parents: row.parents ?? [],
    authority: row.authority ?? [],
    // Expired on read even before the sweep writes it down.
    status: effectiveStatus({ status: row.status, expiresAt: row.expiresAt.getTime() }, at),
    filedBy: row.filedBy,
    requestedAt: row.requestedAt.toISOString(),
    decidableAt: row.decidableAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? (row.status === "pending" && at >= row.expiresAt.getTime() ? row.expiresAt.toISOString() : null),
    decidedBy: row.decidedBy,
    reason: row.reason,
    approvalRecordId: row.approvalRecordId,
    approvalRecord: row.approvalRecord,
    serverTime: new Date(at).toISOString(),
  };
}

/** The request as the guard holds it, rebuilt from the row: what the approval record must match. */
export function requestOf(row: ApprovalRow): ApprovalRequest {
  return {
    action: row.actionId,
    agent: row.agent,
    name: row.name,
    class: row.actionClass as ActionClass,
    args: row.args,
    digest: row.digest,
    parents: row.parents ?? [],
    authority: row.authority ?? [],
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/**
 * Files a held action. Filing the same action again (a guard's retry) answers
 * with the queued request; different claims under the same action id are a
 * conflict, since the approval covers exactly one set of arguments.
 */
export async function fileApproval(deps: ApprovalDeps, body: FileApprovalBody, filedBy: string): Promise<ApprovalView> {
  if (!("value" in parseJsonText(body.args))) throw badRequest("args is not JSON text: send the action's arguments as the guard signs them (canonical JSON)", [{ path: "body.args", message: "not JSON" }]);
  if (argsDigest(body.args) !== body.digest) {
    throw badRequest("digest is not the SHA-256 of args: send the ApprovalRequest exactly as the guard made it", [{ path: "body.digest", message: "does not match args" }]);
  }
  const at = now(deps);
  await sweepExpired(deps.pool, at);
  const guardExpiry = body.expiresAt === undefined ? null : Date.parse(body.expiresAt);
  const expiresAt = expiryFor(at, deps.config.ttlMs, guardExpiry);
  if (expiresAt <= at) throw badRequest("expiresAt is already past: the guard has stopped waiting for this action", [{ path: "body.expiresAt", message: "in the past" }]);
  const inserted = await insertApproval(deps.pool, deps.project, {
    id: `apr-${randomBytes(12).toString("base64url")}`,
    actionId: body.action,
    agent: body.agent,
    name: body.name,
    actionClass: body.class,
    args: body.args,
    digest: body.digest,
    parents: body.parents,
    authority: body.authority,
    filedBy,
    requestedAt: new Date(at),
    decidableAt: new Date(Math.min(at + deps.config.minDelayMs, expiresAt)),
    expiresAt: new Date(expiresAt),
  });
  if (inserted !== null) return approvalView(inserted, at);
  const existing = await findApprovalByAction(deps.pool, deps.project, body.action);
  if (existing === null) throw new Error(`approval for action ${body.action} vanished while it was being filed`);
  if (existing.agent !== body.agent || existing.digest !== body.digest || existing.name !== body.name || existing.authority[0] !== body.authority[0]) {
    throw conflict(`action ${body.action} is already queued (${existing.id}) with other claims: an approval covers one agent, name and set of arguments; file a new action id`);
  }
  return approvalView(existing, at);
}

export async function listQueue(deps: ApprovalDeps, query: ApprovalsQuery): Promise<ApprovalsList> {
  const at = now(deps);
  await sweepExpired(deps.pool, at);
  const { rows, pending } = await listApprovals(deps.pool, deps.project, query.status === undefined ? { limit: query.limit } : { status: query.status, limit: query.limit });
  return { approvals: rows.map((r) => approvalView(r, at)), pending };
}

const POLL_MS = 250;

/** One request; with `waitS`, held up to that long while it is pending (the guard's long poll). */
export async function getApproval(deps: ApprovalDeps, id: string, waitS = 0, withContext = false, signal?: AbortSignal): Promise<ApprovalDetail> {
  const deadline = now(deps) + waitS * 1000;
  for (;;) {
    const at = now(deps);
    let row = await findApproval(deps.pool, deps.project, id);
    if (row === null) throw notFound(`no approval request has the id ${id}: check the id returned when the action was filed`);
    if (row.status === "pending" && at >= row.expiresAt.getTime()) {
      await sweepExpired(deps.pool, at);
      row = (await findApproval(deps.pool, deps.project, id)) ?? row;
    }
    const view = approvalView(row, at);
    if (view.status !== "pending" || at >= deadline || signal?.aborted === true) {
      return { ...view, context: withContext ? await approvalContext(deps.pool, deps.project, row) : null };
    }
    const wakeAt = Math.min(deadline, row.expiresAt.getTime());
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(POLL_MS, wakeAt - at))));
  }
}

function assertOncall(principal: Principal | null): asserts principal is Principal {
  if (principal === null) throw new Error("a decision reached the approvals service without a principal");
  if (!roleAllows(principal.role, "oncall")) throw new FirebreakError("forbidden", `deciding on a red action needs the on-call role; ${principal.actor} is ${principal.role}`);
}

function refuse(check: Exclude<ReturnType<typeof checkDecision>, { ok: true }>): FirebreakError {
  if (check.problem === "self") return new FirebreakError("forbidden", check.message);
  if (check.problem === "too_early") return new FirebreakError("conflict", check.message, [{ path: "secondsLeft", message: String(check.secondsLeft) }]);
  return conflict(check.message);
}

/**
 * Approves: signs the approval record, stores it through the collector's
 * path (with real verdicts), marks the request approved and appends the
 * audit entry, all in one transaction. An approval that would not verify is
 * not made: the on-call is told why, and nothing changes.
 */
/** The request, locked for this transaction, once it is found and this actor may decide it now; a 404 or the refusal otherwise. */
async function lockDecidable(tx: Tx, project: string, id: string, decision: "approve" | "deny", actor: string, at: number) {
  const current = await findApproval(tx, project, id, true);
  if (current === null) throw notFound(`no approval request has the id ${id}`);
  const check = checkDecision(
    { status: current.status, agent: current.agent, decidableAt: current.decidableAt.getTime(), expiresAt: current.expiresAt.getTime() },
    decision,
    actor,
    at,
  );
  if (!check.ok) throw refuse(check);
  return current;
}

export async function approveRequest(deps: DecisionDeps, id: string, principal: Principal | null, reason: string): Promise<ApprovalView> {
  assertOncall(principal);
  const signer = await ensureApprover(deps.prisma, deps.pool, deps.key, deps.project);
  const snapshot = await deps.loadSnapshot();
  const at = now(deps);
  const row = await withTransaction(deps.pool, async (tx) => {
    const current = await lockDecidable(tx, deps.project, id, "approve", principal.actor, at);
    const record = signApprovalRecord({ request: requestOf(current), approvalId: current.id, decidedBy: principal.actor, reason, now: at }, signer);
    const traceId = (await traceOfRecord(tx, deps.project, current.authority[0] ?? "")) ?? randomTraceId();
    const outcome = await persistBatchIn(tx, deps.project, approvalBatch(record, traceId, snapshot, at), snapshot);
    const judged = outcome.stored[0]?.verdicts ?? [];
    const names = judged.map((v) => v.verdict);
    // `pending` is fine: the collector settles it when the records it waits for arrive.
    if (!names.includes("verified") && !names.includes("pending")) {
      throw conflict(
        `the approval would not verify (${judged.map((v) => (v.detail ? `${v.verdict}: ${v.detail}` : v.verdict)).join("; ")}): ${
          names.includes("unattested_agent")
            ? `list the instance key ${signer.keyId} among the registrars (FIREBREAK_REGISTRARS) so the ${signer.agentId} entry is attested`
            : "check the request's authority chain on the record pages"
        }`,
      );
    }
    const decided = await recordDecision(tx, current.id, { status: "approved", at: new Date(at), by: principal.actor, reason, approvalRecord: record });
    await auditInTransaction(tx, {
      actor: principal.actor,
      action: "approval.approve",
      target: `approval:${current.id}`,
      detail: { action: current.actionId, agent: current.agent, name: current.name, reason, approvalRecord: record.id, verdicts: names },
    });
    return decided;
  });
  return approvalView(row, at);
}

export async function denyRequest(deps: ApprovalDeps, id: string, principal: Principal | null, reason: string): Promise<ApprovalView> {
  assertOncall(principal);
  const at = now(deps);
  const row = await withTransaction(deps.pool, async (tx) => {
    const current = await lockDecidable(tx, deps.project, id, "deny", principal.actor, at);
    const decided = await recordDecision(tx, current.id, { status: "denied", at: new Date(at), by: principal.actor, reason, approvalRecord: null });
    await auditInTransaction(tx, {
      actor: principal.actor,
      action: "approval.deny",
      target: `approval:${current.id}`,
      detail: { action: current.actionId, agent: current.agent, name: current.name, reason },
    });
    return decided;
  });
  return approvalView(row, at);
}

const UPSTREAM_LIMIT = 300;
const FINDINGS_LIMIT = 100;

function brief(id: string, r: StoredRecordBrief | undefined, depth: number | null): ChainRecordView {
  const textual = r !== undefined && (r.kind === "request" || r.kind === "approval");
  return {
    id,
    stored: r !== undefined,
    kind: r?.kind ?? null,
    agent: r?.agent ?? null,
    intent: r?.intent ?? null,
    ts: r?.ts.toISOString() ?? null,
    traceId: r?.traceId ?? null,
    verified: r?.verified ?? null,
    verdicts: r?.verdicts ?? [],
    text: textual ? (r.payload ?? null) : null,
    depth,
  };
}

/** What the on-call reads: the authority chain, the lineage upstream of the action's parents, and the findings on it. */
async function approvalContext(pool: pg.Pool, project: string, row: ApprovalRow): Promise<NonNullable<ApprovalDetail["context"]>> {
  const parents = row.parents ?? [];
  const chainIds = [...(row.authority ?? []), ...(row.approvalRecordId ? [row.approvalRecordId] : [])];
  const starts = parents.length > 0 ? parents : chainIds.slice(0, 1);
  const w = await walk(await storedGraph(pool, project), starts, "up", { maxNodes: UPSTREAM_LIMIT, budgetMs: 5_000 });
  const upstreamIds = [...w.visits.keys()];
  const briefs = await recordBriefs(pool, project, [...new Set([...chainIds, ...upstreamIds])]);
  return {
    chain: chainIds.map((id) => brief(id, briefs.get(id), null)),
    upstream: upstreamIds.map((id) => brief(id, briefs.get(id), w.visits.get(id)?.depth ?? null)),
    upstreamTruncated: w.truncated.length > 0,
    findings: await findingsOnRecords(pool, project, upstreamIds, FINDINGS_LIMIT),
  };
}

// The approval queue end to end, on a real PostgreSQL and a real collector:
// a guard files its held red action through serverApprovals (its fetch goes
// straight into the route handlers), an on-call decides through the routes,
// and the collector judges the action that follows. Responses are checked
// against the schemas the API documents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalDetail, ApprovalsList, ApprovalView } from "@/lib/api/approval-views.ts";
import type { Principal } from "@/lib/api/auth.ts";
import { ErrorView } from "@/lib/api/views.ts";
import { createGuard, type Guard } from "@/lib/guard/guard.ts";
import { argsDigest } from "@/lib/guard/approvals.ts";
import { serverApprovals } from "@/lib/guard/server-approvals.ts";
import { LocalPolicy } from "@/lib/guard/policy.ts";
import { signingInput } from "@/lib/protocol/canonical.ts";
import { publicKeyFromRaw } from "@/lib/protocol/keys.ts";
import { parseSignature, verifyEd25519 } from "@/lib/protocol/sign.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { generateKeyPair } from "@/lib/protocol/keys.ts";
import { instanceKey } from "@/lib/config/instance-key.ts";
import { registryConfig } from "@/lib/config/registry-config.ts";
import { loadRegistrySnapshot, putContract, registerAgent } from "@/lib/registry/service.ts";
import type { RegistrySnapshot } from "@/lib/registry/types.ts";
import { readAuditEntries } from "@/lib/db/audit-store.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { testRegistrar } from "../../fixtures/registry-entries.ts";
import { startHarness, TOKEN as INGEST_KEY, type Harness } from "../collector/collector-harness.ts";

const ADMIN = "fbk_approvals-test-token-0123456789";
const BASE = "http://dash.test";
const GATEWAY = "gateway";
const A = "agent-a";
const B = "order-executor";

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
let routes: { list: { GET: Handler; POST: Handler }; one: { GET: Handler }; approve: { POST: Handler }; deny: { POST: Handler } };

let h: Harness;
let prisma: PrismaClient;
let snapshot: RegistrySnapshot;
const registrar = testRegistrar();
const guards = new Map<string, Guard>();
const policy = new LocalPolicy();

/** What the guard's fetch reaches: the route handlers, as Next would call them. */
const inProcessFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init);
  const parts = new URL(request.url).pathname.split("/").filter(Boolean); // api v1 approvals [id] [approve|deny]
  const id = parts[3];
  const ctx = { params: Promise.resolve<Record<string, string>>(id === undefined ? {} : { id }) };
  if (id === undefined) return request.method === "POST" ? routes.list.POST(request) : routes.list.GET(request);
  if (parts[4] === "approve") return routes.approve.POST(request, ctx);
  if (parts[4] === "deny") return routes.deny.POST(request, ctx);
  return routes.one.GET(request, ctx);
}) as typeof fetch;

const bearer = { authorization: `Bearer ${ADMIN}` };
const call = (method: string, path: string, body?: unknown) =>
  inProcessFetch(`${BASE}${path}`, { method, headers: body === undefined ? bearer : { ...bearer, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function expectBody<T>(res: Promise<Response>, status: number, schema: { parse(v: unknown): T }): Promise<T> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

function guard(id: string): Guard {
  const g = guards.get(id);
  if (!g) throw new Error(`no guard ${id}`);
  return g;
}

async function stored(id: string): Promise<{ verdicts: string[]; authority: string[]; agent: string } | undefined> {
  const r = await h.pool.query<{ verdicts: string[]; authority: string[]; agent: string }>("SELECT verdicts, authority, agent FROM records WHERE record_id = $1 ORDER BY seq LIMIT 1", [id]);
  return r.rows[0];
}

async function pendingFor(actionId: string): Promise<ApprovalView> {
  let found: ApprovalView | undefined;
  await expect
    .poll(async () => {
      const list = await expectBody(call("GET", "/api/v1/approvals?status=pending"), 200, ApprovalsList);
      found = list.approvals.find((a) => a.action === actionId);
      return found !== undefined;
    }, { timeout: 10_000, interval: 100 })
    .toBe(true);
  return found!;
}

async function chain(): Promise<{ req: WireRecord; m1: WireRecord; m2: WireRecord }> {
  const gw = guard(GATEWAY);
  const req = gw.request("restock A-1 before the weekend", { intent: "restock" });
  const m1 = gw.send(A, "Task", { text: "find a price for A-1" }, { parents: [req] });
  expect(guard(A).receive(m1).accepted).toBe(true);
  const m2 = guard(A).send(B, "Quote", { sku: "A-1", unit_price: 12.5 }, { parents: [m1] });
  expect(guard(B).receive(m2).accepted).toBe(true);
  await Promise.all([gw.flush(), guard(A).flush()]);
  await expect.poll(async () => (await stored(m2.id))?.verdicts, { timeout: 10_000, interval: 100 }).toEqual(["verified"]);
  return { req, m1, m2 };
}

const untilDecidable = async (view: ApprovalView) => {
  const wait = Date.parse(view.decidableAt) - Date.parse(view.serverTime);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 50));
};

beforeAll(async () => {
  h = await startHarness({ pendingWaitMs: 15_000 });
  process.env.FIREBREAK_INSTANCE_KEY = generateKeyPair().privateKey;
  Object.assign(process.env, {
    DATABASE_URL: h.db.url,
    FIREBREAK_TOKEN: ADMIN,
    FIREBREAK_APPROVAL_MIN_DELAY_S: "4",
    FIREBREAK_APPROVAL_TTL_S: "60",
    FIREBREAK_ALLOW_UNATTESTED: "false",
    // The instance key is a registrar here, so the approver entry it attests is attested (docs/guard.md).
    FIREBREAK_REGISTRARS: JSON.stringify({ [registrar.keyId]: registrar.publicKey, [instanceKey().keyId]: instanceKey().publicKey }),
  });
  routes = {
    list: await import("@/app/api/v1/approvals/route.ts"),
    one: await import("@/app/api/v1/approvals/[id]/route.ts"),
    approve: await import("@/app/api/v1/approvals/[id]/approve/route.ts"),
    deny: await import("@/app/api/v1/approvals/[id]/deny/route.ts"),
  };
  prisma = createPrisma(h.db.url);
  const config = registryConfig(process.env);
  const reload = async () => {
    snapshot = await loadRegistrySnapshot(prisma, "default", config);
    await h.setSnapshot(snapshot);
  };
  // The guards' registry reloads from the database on demand, as a RemoteRegistry refreshes from the API.
  const registry = { current: () => snapshot, refresh: reload };
  for (const id of [GATEWAY, A, B]) {
    const key = makeKeyPair(id);
    guards.set(
      id,
      createGuard({
        agentId: id,
        keys: { keyId: key.keyId, privateKey: key.privateKey },
        registry,
        policy,
        endpoint: h.url,
        headers: { Authorization: `Bearer ${INGEST_KEY}` },
        approvals: serverApprovals({ baseUrl: BASE, token: ADMIN, fetch: inProcessFetch, waitS: 2 }),
      }),
    );
  }
  await putContract(prisma, "default", { intent: "Task", schema: { type: "object", required: ["text"], properties: { text: { type: "string" } } } });
  await putContract(prisma, "default", { intent: "Quote", schema: { type: "object", required: ["sku", "unit_price"], properties: { sku: { type: "string" }, unit_price: { type: "number" } } } });
  for (const entry of [
    guard(GATEWAY).registryEntry({ kind: "gateway", capabilities: [{ intent: "Task", to: [A] }] }),
    guard(A).registryEntry({ capabilities: [{ intent: "Quote", to: [B] }], protocols: { a2a: "0.3" } }),
    guard(B).registryEntry({ capabilities: [{ intent: "place_order", to: [] }], protocols: { a2a: "0.3" } }),
  ]) {
    await registerAgent(prisma, "default", registrar.attest(entry), config);
  }
  await reload();
}, 60_000);

afterAll(async () => {
  await Promise.all([...guards.values()].map((g) => g.shutdown()));
  const served = await import("@/lib/db/pool.ts");
  await served.pool().end();
  const client = await import("@/lib/db/client.ts");
  await client.db().$disconnect();
  await prisma.$disconnect();
  await h.close();
});

describe("approval queue", () => {
  it("holds a red action until an on-call approves it; the signed approval joins the chain and the collector verifies the action", async () => {
    const { req, m2 } = await chain();
    const held = guard(B).act("place_order", "red", { sku: "A-1", qty: 3, total: 37.5 }, { parents: [m2] });
    let settled = false;
    void held.then(() => (settled = true), () => (settled = true));
    const queued = await pendingFor(held.id);
    expect(queued).toMatchObject({ agent: B, name: "place_order", class: "red", parents: [m2.id], authority: [req.id], status: "pending", filedBy: "admin (bearer)" });

    // Too early: 409 with the seconds left.
    const early = await expectBody(call("POST", `/api/v1/approvals/${queued.id}/approve`, { reason: "looks fine" }), 409, ErrorView);
    expect(early.error.message).toMatch(/too early: a decision is allowed in [1-4] s/);
    expect(early.error.details).toEqual([{ path: "secondsLeft", message: expect.stringMatching(/^[1-4]$/) }]);

    // The on-call's view: the chain with the request text, the lineage upstream.
    const detail = await expectBody(call("GET", `/api/v1/approvals/${queued.id}?context=true`), 200, ApprovalDetail);
    expect(detail.context?.chain).toMatchObject([{ id: req.id, kind: "request", verified: true, text: expect.stringContaining("restock A-1") }]);
    expect(detail.context?.upstream.map((u) => u.id)).toEqual(expect.arrayContaining([m2.id, req.id]));
    expect(settled).toBe(false);

    await untilDecidable(queued);
    const approved = await expectBody(call("POST", `/api/v1/approvals/${queued.id}/approve`, { reason: "price matches the contract, qty within budget" }), 200, ApprovalView);
    expect(approved).toMatchObject({ status: "approved", decidedBy: "admin (bearer)", reason: "price matches the contract, qty within budget" });
    const record = approved.approvalRecord as WireRecord;
    expect(record).toMatchObject({ kind: "approval", agent: "firebreak-approvals", id: approved.approvalRecordId, authority: [req.id], parents: [m2.id] });

    // Verifiable offline with nothing but the instance public key.
    const sig = parseSignature(record.signature!);
    expect("keyId" in sig && sig.keyId).toBe(instanceKey().keyId);
    expect("sig" in sig && verifyEd25519(publicKeyFromRaw(instanceKey().publicKey), signingInput(record), sig.sig)).toBe(true);
    // Stored as a record, judged by the collector's path.
    expect(await stored(record.id)).toMatchObject({ verdicts: ["verified"], agent: "firebreak-approvals" });

    const action = await held;
    expect(action).toMatchObject({ kind: "action", id: held.id, authority: [req.id, record.id], parents: [m2.id, record.id] });
    await guard(B).flush();
    await expect.poll(async () => (await stored(action.id))?.verdicts, { timeout: 15_000, interval: 100 }).toEqual(["verified"]);

    const audit = (await readAuditEntries(h.pool)).filter((e) => e.target === `approval:${queued.id}`);
    expect(audit).toMatchObject([{ actor: "admin (bearer)", action: "approval.approve", detail: { reason: "price matches the contract, qty within budget", approvalRecord: record.id } }]);
    expect((await readAuditEntries(h.pool)).some((e) => e.action === "registry.register" && e.target === "agent:firebreak-approvals")).toBe(true);

    // A decision cannot change.
    const again = await expectBody(call("POST", `/api/v1/approvals/${queued.id}/deny`, { reason: "changed my mind" }), 409, ErrorView);
    expect(again.error.message).toMatch(/already approved/);
  }, 60_000);

  it("refuses the action when the on-call denies it, and audits who and why", async () => {
    const { m2 } = await chain();
    const held = guard(B).act("place_order", "red", { sku: "A-1", qty: 900, total: 11250 }, { parents: [m2] });
    held.catch(() => {});
    const queued = await pendingFor(held.id);
    await untilDecidable(queued);
    await expectBody(call("POST", `/api/v1/approvals/${queued.id}/deny`, { reason: "900 units is a typo" }), 200, ApprovalView);
    await expect(held).rejects.toMatchObject({ code: "approval_denied", message: expect.stringContaining("900 units is a typo") });
    expect(await stored(held.id)).toBeUndefined();
    const audit = (await readAuditEntries(h.pool)).filter((e) => e.target === `approval:${queued.id}`);
    expect(audit).toMatchObject([{ action: "approval.deny", actor: "admin (bearer)", detail: { reason: "900 units is a typo" } }]);
  }, 30_000);

  it("expires a request nobody decided: denied on read and by the sweep, audited, and the long poll ends", async () => {
    const args = '{"sku":"B-2"}';
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const body = { action: "act-expiring-1", agent: B, name: "place_order", class: "red", args, digest: argsDigest(args), parents: [], authority: ["req-x"], expiresAt };
    const filed = await expectBody(call("POST", "/api/v1/approvals", body), 201, ApprovalView);
    expect(filed.expiresAt).toBe(expiresAt);
    // Filing again is idempotent; other arguments under the same action id are a conflict.
    expect((await expectBody(call("POST", "/api/v1/approvals", body), 201, ApprovalView)).id).toBe(filed.id);
    const other = '{"sku":"B-3"}';
    await expectBody(call("POST", "/api/v1/approvals", { ...body, args: other, digest: argsDigest(other) }), 409, ErrorView);

    const started = Date.now();
    const after = await expectBody(call("GET", `/api/v1/approvals/${filed.id}?wait=5`), 200, ApprovalDetail);
    expect(after.status).toBe("expired");
    expect(Date.now() - started).toBeLessThan(4_000);
    const late = await expectBody(call("POST", `/api/v1/approvals/${filed.id}/approve`, { reason: "sorry, asleep" }), 409, ErrorView);
    expect(late.error.message).toMatch(/expired/);
    const audit = (await readAuditEntries(h.pool)).filter((e) => e.target === `approval:${filed.id}`);
    expect(audit).toMatchObject([{ action: "approval.expire", actor: "system (expiry)" }]);
  }, 30_000);

  it("never lets the agent decide on its own action, needs the on-call role, and checks the digest", async () => {
    const args = '{"env":"production"}';
    // Today every principal is "admin (bearer)": file as if that were the agent.
    const mine = await expectBody(
      call("POST", "/api/v1/approvals", { action: "act-self-1", agent: "admin (bearer)", name: "deploy", class: "red", args, digest: argsDigest(args), parents: [], authority: ["req-y"] }),
      201,
      ApprovalView,
    );
    await untilDecidable(mine);
    const self = await expectBody(call("POST", `/api/v1/approvals/${mine.id}/approve`, { reason: "ship it" }), 403, ErrorView);
    expect(self.error.message).toMatch(/can never decide on its own action/);

    const { denyRequest } = await import("@/lib/approvals/approval-service.ts");
    const { approvalDeps } = await import("@/lib/approvals/server-deps.ts");
    const analyst: Principal = { kind: "user", via: "session", role: "analyst", actor: "analyst.kim", userId: "1", sessionId: null, tokenId: null, scope: null, expiresAt: null, project: "default" };
    await expect(denyRequest(approvalDeps("default"), mine.id, analyst, "not mine to decide")).rejects.toMatchObject({ status: 403, message: expect.stringContaining("on-call role") });

    const bad = await expectBody(call("POST", "/api/v1/approvals", { action: "act-bad", agent: B, name: "deploy", class: "red", args, digest: argsDigest("{}"), parents: [], authority: ["r"] }), 400, ErrorView);
    expect(bad.error.message).toMatch(/digest is not the SHA-256 of args/);
  }, 30_000);
});

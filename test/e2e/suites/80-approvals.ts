// Approvals: a red action waits in the queue, the on-call opens it, reads its
// authority chain, the findings on its path and its lineage, cannot decide
// before the cooling-off delay, then approves with a reason. The server signs
// the approval record, which the record page then shows.
import assert from "node:assert/strict";
import type pg from "pg";
import { ApprovalView } from "../../../lib/api/approval-views.ts";
import { insertEdges } from "../../../lib/db/lineage-store.ts";
import { argsDigest } from "../../../lib/guard/approvals.ts";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";
import { WAIT_MS, apiFetch, check, see, shot, type E2eContext } from "../kit.ts";

const REQ = "req-e2e-approval-1";
const QUOTE = "msg-e2e-approval-quote";
const TRACE = "8".repeat(32);

async function seedChain(db: pg.Client): Promise<void> {
  const now = Date.now();
  const rows: StoredRecord[] = [
    storedRecord({
      recordId: REQ,
      traceId: TRACE,
      kind: "request",
      agent: "planner",
      receivers: [],
      intent: "restock",
      payload: JSON.stringify({ text: "Restock C-300 for the Berlin warehouse before Monday" }),
      parents: [],
      authority: [],
      ts: new Date(now - 4 * 60_000),
      verdicts: verdicts("verified"),
    }),
    storedRecord({
      recordId: QUOTE,
      traceId: TRACE,
      kind: "message",
      agent: "planner",
      receivers: ["executor"],
      intent: "quote.result",
      payload: JSON.stringify({ sku: "C-300", unit_price: 61.5 }),
      parents: [REQ],
      authority: [REQ],
      ts: new Date(now - 3 * 60_000),
      verdicts: verdicts("verified"),
    }),
  ];
  await insertStoredRecords(db, rows);
  await insertEdges(db as unknown as pg.PoolClient, "default", rows.map((r) => ({ ...r, ts: r.ts.toISOString() })));
  await db.query(
    `INSERT INTO anomaly_findings (detector, record_id, agent, subject, score, explanation, params, evidence, ts)
     VALUES ('semantic_deviation', $1, 'planner', 'unit_price', 6.2, 'unit_price 61.5 is 6.2 robust deviations above this edge''s usual 12.4', '{}', $2, now())`,
    [QUOTE, [QUOTE]],
  );
}

export default async function approvals({ page, db, base }: E2eContext): Promise<void> {
  // A desktop screen, whatever an earlier suite left behind.
  await page.setViewportSize({ width: 1440, height: 900 });
  await seedChain(db);
  const args = JSON.stringify({ po: "PO-7781", qty: 400, sku: "C-300", total: 24600 });
  const filed = await apiFetch(base, "/api/v1/approvals", {
    bearer: true,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "act-e2e-po-7781", agent: "executor", name: "place_order", class: "red", args, digest: argsDigest(args), parents: [QUOTE], authority: [REQ] }),
  });
  assert.equal(filed.status, 201, await filed.clone().text());
  const request = ApprovalView.parse(await filed.json());

  await check("the queue shows the waiting request with time left before expiry and before a decision is allowed", async () => {
    await page.goto("/approvals");
    const queue = page.getByRole("list", { name: "Approval requests" });
    await see(queue.getByRole("button", { name: /Waiting.*place_order/ }), "the waiting purchase order in the queue");
    await see(queue.getByText(/expires in 1[45] min/), "the time left before expiry");
    await see(queue.getByText(/decide in \d+ s/), "the time left before a decision is allowed");
  });

  await check("the on-call opens it and reads the authority chain, the findings on its path and the lineage", async () => {
    await page.getByRole("button", { name: /place_order/ }).first().click();
    await page.waitForURL((u) => u.searchParams.get("id") === request.id, { timeout: WAIT_MS });
    const detail = page.getByRole("article", { name: `Approval ${request.id}` });
    await see(detail.getByText("Restock C-300 for the Berlin warehouse before Monday"), "the request's text at the root of the chain");
    await see(detail.getByText(/"total": 24600/), "the arguments");
    await see(detail.getByText(/6\.2 robust deviations/), "the anomaly finding upstream");
    await see(detail.getByRole("table", { name: "Lineage upstream of the action" }).getByRole("link", { name: QUOTE }), "the quote in the lineage, linked");
    await see(detail.getByText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/).first(), "times with their zone");
    await see(detail.getByText(/A decision is allowed in/), "the cooling-off countdown");
    assert.equal(await detail.getByRole("button", { name: "Approve" }).isDisabled(), true, "Approve is disabled during the delay");
    await shot(page, "approvals-waiting");
  });

  await check("approving needs a reason; once allowed, the approval is signed and the request shows approved", async () => {
    const detail = page.getByRole("article", { name: `Approval ${request.id}` });
    await detail.getByLabel(/Reason/).fill("Checked the quote against last month: the price spike is the supplier's new list price. Approved for 400 units.");
    const wait = Date.parse(request.decidableAt) - Date.now();
    if (wait > 0) await page.waitForTimeout(wait + 1_500);
    await see(detail.getByRole("button", { name: "Approve" }).and(page.locator(":enabled")), "Approve enabled after the delay");
    await detail.getByRole("button", { name: "Approve" }).click();
    await see(detail.getByText("Approved", { exact: true }), "the request marked approved");
    await see(detail.getByText(/Checked the quote against last month/), "the reason on the decision");
    const signed = detail.getByRole("link", { name: /^apv-/ });
    await see(signed, "a link to the signed approval record");
    await see(detail.getByText("Request (root)"), "the chain's root");
    await shot(page, "approvals-approved");
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the approvals screen is ${overflow}px wider than a phone`);
    await shot(page, "approvals-approved-mobile");
    await page.setViewportSize({ width: 1440, height: 900 });
    const id = (await signed.first().textContent())?.trim() ?? "";
    const rec = await apiFetch(base, `/api/v1/records/${encodeURIComponent(id)}`, { bearer: true });
    assert.equal(rec.status, 200);
    const body = (await rec.json()) as { records: { agent: string; kind: string; verdicts: string[] }[] };
    assert.equal(body.records[0]?.agent, "firebreak-approvals");
    assert.equal(body.records[0]?.kind, "approval");
    assert.ok(body.records[0]?.verdicts.includes("verified"), `the approval record is verified, got ${body.records[0]?.verdicts.join(", ")}`);
  });
}

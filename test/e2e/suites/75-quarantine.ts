// Quarantined state on the control screen: a key the engine (or a person)
// quarantined is listed with who, why and the write that showed it; an
// on-call lifts it with a reason, guards hear it in the policy, and the lift
// is in the audit trail. Screenshots light, dark and on a phone.
import assert from "node:assert/strict";
import { ControlPolicyView } from "../../../lib/api/control-views.ts";
import { apiFetch, check, gone, see, shot, type E2eContext } from "../kit.ts";

export default async function quarantineSuite({ base, page, db }: E2eContext): Promise<void> {
  const json = { "content-type": "application/json" };
  const KEY = "e2e.reconciler/inventory/C-300";
  const cleanup = () => db.query(`DELETE FROM state_quarantines WHERE key LIKE 'e2e.%'`);
  await cleanup();
  const policyKeys = async () => ControlPolicyView.parse(await (await apiFetch(base, "/api/v1/control/policy", { bearer: true })).json()).quarantinedKeys;

  await check("a quarantined key is listed on /control with who, why and the write that showed it, and guards read it in the policy", async () => {
    // As the engine writes it, in its pass.
    await db.query(
      `INSERT INTO state_quarantines (project_id, key, state, record_id, reason, opened_by) VALUES ('default', $1, 'active', 'rec_e2e_w1', $2, 'engine')`,
      [KEY, "state.write rec_e2e_w1 descends from a contained record: anomalous message rec_e2e_q1 on e2e.price-monitor->e2e.recommender, whose breaker the engine opened"],
    );
    const byHand = await apiFetch(base, "/api/v1/quarantines", { bearer: true, method: "POST", headers: json, body: JSON.stringify({ key: "e2e.recommender/notes", reason: "written by an agent outside its partition (INC-7)" }) });
    assert.equal(byHand.status, 201, await byHand.text());
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/control");
    const item = page.locator(`[data-testid="quarantine"][data-key="${KEY}"]`);
    await see(item.filter({ hasText: "the engine" }).filter({ hasText: "whose breaker the engine opened" }), "the engine's quarantine with its reason");
    await see(item.filter({ hasText: "write rec_e2e_w1" }), "the write that showed it");
    await see(page.locator('[data-testid="quarantine"][data-key="e2e.recommender/notes"]').filter({ hasText: "INC-7" }), "the hand-made quarantine");
    assert.deepEqual((await policyKeys()).filter((k) => k.startsWith("e2e.")).sort(), ["e2e.recommender/notes", KEY]);
    // The banner an on-call reads first never says all is flowing while keys are quarantined.
    await see(page.getByTestId("control-banner").filter({ hasText: "STATE QUARANTINED" }).filter({ hasText: "2 state keys quarantined" }), "the banner naming the quarantined keys");
    await page.locator("#quarantined").scrollIntoViewIfNeeded();
    await shot(page, "control-quarantine");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "control-quarantine-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  await check("an on-call lifts it with a reason: gone from the list and the policy, and audited", async () => {
    const item = page.locator(`[data-testid="quarantine"][data-key="${KEY}"]`);
    await item.getByRole("button", { name: "Lift…" }).click();
    const confirm = item.getByRole("button", { name: "Lift: the value is repaired" });
    assert.equal(await confirm.isDisabled(), true, "no reason, no lift");
    await item.getByPlaceholder("How the value was repaired").fill("restored C-300 from the 05:00 snapshot");
    await confirm.click();
    await gone(item, "the lifted quarantine");
    assert.deepEqual((await policyKeys()).filter((k) => k.startsWith("e2e.")), ["e2e.recommender/notes"]);
    const audit = await db.query<{ actor: string; reason: string }>(`SELECT actor, detail->>'reason' AS reason FROM audit_entries WHERE action = 'quarantine.lift' AND target = $1`, [`state:${KEY}`]);
    assert.deepEqual(audit.rows, [{ actor: "admin (session)", reason: "restored C-300 from the 05:00 snapshot" }]);
  });

  await check("on a phone the quarantine list fits the width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/control");
    await see(page.locator('[data-testid="quarantine"][data-key="e2e.recommender/notes"]'), "the quarantine on a phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.locator("#quarantined").scrollIntoViewIfNeeded();
    await shot(page, "control-quarantine-mobile");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await cleanup();
}

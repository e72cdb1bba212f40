// The control screen at 3 a.m.: the all-clear state, killing an agent with
// a reason (after a confirmation that names it), a forced breaker beside it,
// a kill-all that its requester cannot confirm and a second on-call can,
// and lifting everything again. Screenshots in light and dark.
import assert from "node:assert/strict";
import { ControlPolicyView, KillSwitchesResponse } from "../../../lib/api/control-views.ts";
import { SseParser, type ServerSentEvent } from "../../../lib/guard/sse-parser.ts";
import { apiFetch, check, gone, see, shot, type E2eContext } from "../kit.ts";

export default async function controlSuite({ base, page, db }: E2eContext): Promise<void> {
  const json = { "content-type": "application/json" };
  const cleanup = async () => {
    await db.query(`DELETE FROM kill_switches`);
    await db.query(`DELETE FROM breaker_states WHERE sender = 'e2e-control-planner'`);
  };
  await cleanup();
  const banner = page.getByTestId("control-banner");

  await check("the control screen is in the sidebar and says all is flowing", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/control");
    await see(page.getByRole("link", { name: /Control/ }).and(page.locator('[aria-current="page"]')), "Control in the sidebar, marked current");
    await see(banner.filter({ hasText: "ALL FLOWING" }), "the ALL FLOWING state");
    await shot(page, "control-clear");
  });

  await check("killing an agent needs a reason and a confirmation that names it; it is listed with who and why, and in the policy", async () => {
    const form = page.getByTestId("kill-form");
    await form.locator('input[name="agent"]').fill("e2e-pricer");
    const submit = form.getByRole("button", { name: /Kill agent/ });
    assert.equal(await submit.isDisabled(), true, "no reason, no kill");
    await form.locator('textarea[name="reason"]').fill("quoting from a poisoned feed (INC-42)");
    await submit.click();
    await see(page.getByRole("alertdialog").filter({ hasText: "Stop every message to and from agent e2e-pricer?" }), "a confirmation naming the agent");
    await shot(page, "control-confirm-kill");
    await page.getByRole("button", { name: "Yes, kill agent" }).click();
    const item = page.locator('[data-testid="kill-switch"][data-target="e2e-pricer"]');
    await see(item.filter({ hasText: "quoting from a poisoned feed (INC-42)" }), "the kill with its reason");
    await see(item.filter({ hasText: "admin (session)" }), "who killed it");
    await see(banner.filter({ hasText: "PARTLY STOPPED" }), "the PARTLY STOPPED state");
    const policy = ControlPolicyView.parse(await (await apiFetch(base, "/api/v1/control/policy", { bearer: true })).json());
    assert.deepEqual(policy.killedAgents, ["e2e-pricer"]);
  });

  await check("a breaker forced open through the breaker API shows beside the kill switches", async () => {
    const res = await apiFetch(base, "/api/v1/breakers/operate", {
      bearer: true,
      method: "POST",
      headers: json,
      body: JSON.stringify({ sender: "e2e-control-planner", receiver: "e2e-buyer", action: "force_open", reason: "buyer draining the budget" }),
    });
    assert.equal(res.status, 200, await res.text());
    await see(page.locator('[data-testid="forced-breaker"][data-edge="e2e-control-planner->e2e-buyer"]').filter({ hasText: "buyer draining the budget" }), "the forced breaker with its reason");
  });

  await check("kill-all: the requester cannot confirm it (the screen says why), a second on-call can, and everything stops", async () => {
    const form = page.getByTestId("kill-form");
    await form.locator("label").filter({ hasText: "Everything" }).click();
    await form.locator('textarea[name="reason"]').fill("every agent is exfiltrating");
    await form.getByRole("button", { name: /Request kill-all/ }).click();
    await page.getByRole("button", { name: "Yes, request kill-all" }).click();
    const pending = page.getByTestId("pending-kill-all");
    await see(pending.filter({ hasText: "KILL-ALL AWAITING A SECOND ON-CALL" }), "the pending kill-all");
    await see(banner.filter({ hasText: "CONFIRM NEEDED" }), "the CONFIRM NEEDED state");
    await shot(page, "control-pending-kill-all");

    await page.getByTestId("confirm-kill-all").click();
    await page.locator("#confirm-kill-all-reason").fill("me too");
    await page.getByRole("button", { name: "Confirm: stop every agent" }).click();
    await see(page.getByTestId("action-error").filter({ hasText: "cannot also confirm it: a second, different on-call must confirm" }), "the two-person rule explained");

    const list = KillSwitchesResponse.parse(await (await apiFetch(base, "/api/v1/kill-switches", { bearer: true })).json());
    const id = list.pendingKillAll?.id;
    assert.ok(id, "a pending kill-all");
    const confirm = await apiFetch(base, `/api/v1/kill-switches/${id}/confirm`, { bearer: true, method: "POST", headers: json, body: JSON.stringify({ reason: "second on-call agrees" }) });
    assert.equal(confirm.status, 200, await confirm.text());
    await see(banner.filter({ hasText: "ALL STOPPED" }), "the ALL STOPPED state");
    await gone(page.getByTestId("pending-kill-all"), "the pending request");
    await shot(page, "control-all-stopped");
  });

  await check("lifting asks why, and the screen returns to flowing once every switch and breaker is lifted", async () => {
    for (let i = 0; i < 2; i++) {
      const lift = page.locator('[data-testid="kill-switch"]').first().getByRole("button", { name: "Lift…" });
      await lift.click();
      const reason = page.locator('[data-testid="kill-switch"]').first().locator("input");
      await reason.fill("contained; restoring service");
      await page.getByRole("button", { name: "Lift this kill" }).click();
      await page.waitForTimeout(300);
    }
    await gone(page.locator('[data-testid="kill-switch"]'), "any kill switch in force");
    await page.getByRole("button", { name: "Release…" }).click();
    await page.locator('[data-testid="forced-breaker"] input').fill("budget capped again");
    await page.getByRole("button", { name: "Release breaker" }).click();
    await see(banner.filter({ hasText: "ALL FLOWING" }), "the ALL FLOWING state again");
    await see(page.locator("#recent").filter({ hasText: "LIFTED" }), "the lifted switches under Recently lifted");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "control-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  await check("through Next, the policy stream sends the policy at once and a kill within a second (gzip asked for, not applied)", async () => {
    const abort = new AbortController();
    const res = await apiFetch(base, "/api/v1/control/stream", { bearer: true, signal: abort.signal, headers: { "accept-encoding": "gzip, deflate, br" } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = res.body!.getReader();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const next = async (want: (e: ServerSentEvent) => boolean, ms: number): Promise<ServerSentEvent> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${ms} ms`);
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
        if (chunk === null || chunk.done) throw new Error(`no matching event within ${ms} ms`);
        const hit = parser.push(decoder.decode(chunk.value, { stream: true })).find(want);
        if (hit) return hit;
      }
    };
    await next((e) => e.event === "policy", 5000);
    const t0 = Date.now();
    const kill = await apiFetch(base, "/api/v1/kill-switches", { bearer: true, method: "POST", headers: json, body: JSON.stringify({ scope: "agent", agent: "e2e-stream-probe", reason: "stream check" }) });
    assert.equal(kill.status, 201, await kill.text());
    await next((e) => e.event === "policy" && ControlPolicyView.parse(JSON.parse(e.data)).killedAgents.includes("e2e-stream-probe"), 1000);
    console.log(`       kill reached the stream through Next in ${Date.now() - t0} ms`);
    abort.abort();
    await db.query(`DELETE FROM kill_switches WHERE target = 'e2e-stream-probe'`);
  });

  await check("on a phone the control screen fits the width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/control");
    await see(banner.filter({ hasText: "ALL FLOWING" }), "the state on a phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await shot(page, "control-mobile");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await cleanup();
}

// The fleet screens as an on-call engineer walks them: the overview's fleet
// health and blast radius -> the agent page -> the edge page with its
// breaker history and the record that tripped it -> the anomaly timeline,
// brushed (URL updates, the list filters, a reload reproduces it, a live
// refresh keeps the brush and the scroll). Screenshots in both themes.
import assert from "node:assert/strict";
import { OverviewView, TimelineView } from "../../../lib/api/fleet-views.ts";
import { WAIT_MS, apiFetch, check, see, shot, type E2eContext } from "../kit.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const BULK_LANES = 30;

export default async function fleetSuite({ base, page, db, scenario }: E2eContext): Promise<void> {
  const now = Date.now();
  const tripRecord = scenario.records.find((r) => r.agent === "planner" && r.receivers.includes("executor"))!.recordId;
  const sdRecord = scenario.records.find((r) => r.agent === "planner" && r.receivers.includes("researcher"))!.recordId;
  const saved = await db.query(`SELECT sender, receiver, state, since, machine, updated_at FROM breaker_states`);
  const findingIds: string[] = [];
  const eventIds: string[] = [];
  const incidentIds: string[] = [];

  await check("seeding findings, breakers and incidents for the fleet screens", async () => {
    const machines: [string, string, Record<string, unknown>][] = [
      ["planner", "executor", { state: "OPEN", since: now - 2 * MIN, until: now + 30 * MIN, awaitingReview: false }],
      ["rogue-agent", "executor", { state: "FORCED_OPEN", since: now - 3 * MIN, actor: "oncall-e2e", reason: "rogue sender" }],
    ];
    for (const [s, r, m] of machines) {
      await db.query(
        `INSERT INTO breaker_states (sender, receiver, state, since, machine) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (project_id, sender, receiver) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, machine = EXCLUDED.machine`,
        [s, r, m.state, new Date(m.since as number), JSON.stringify(m)],
      );
    }
    const ev = await db.query<{ id: string }>(
      `INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor) VALUES
        ('planner', 'executor', 'CLOSED', 'OPEN', $1, 'failures', ARRAY[$3], '3 failures in a row (limit 3, window 20 calls)', NULL),
        ('rogue-agent', 'executor', 'CLOSED', 'FORCED_OPEN', $2, 'forced', '{}', 'kill switch: rogue sender', 'oncall-e2e')
       RETURNING id::text`,
      [new Date(now - 2 * MIN), new Date(now - 3 * MIN), tripRecord],
    );
    eventIds.push(...ev.rows.map((r) => r.id));
    const insert = async (detector: string, agent: string, record: string | null, at: number, impact: number | null, reach: number | null, explanation: string, params: object) => {
      const r = await db.query<{ id: string }>(
        `INSERT INTO anomaly_findings (detector, record_id, agent, subject, score, explanation, params, evidence, ts, impact, reach)
         VALUES ($1, $2, $3, $4, 9, $5, $6, $7, $8, $9, $10) RETURNING id::text`,
        [detector, record, agent, detector === "semantic_deviation" ? "PriceQuote unit_price" : detector === "new_edge" ? `${agent} -> executor` : "rate", explanation, JSON.stringify(params), record ? [record] : [], new Date(at), impact, reach],
      );
      findingIds.push(r.rows[0]!.id);
    };
    // The suites share one database: this impact tops every other suite's findings (the incident cascade peaks at 6,200).
    await insert("semantic_deviation", "planner", sdRecord, now - 30 * MIN, 90_000, 4, "unit_price 12x the 24h median (n=412)", { median: 100, value: 1200, z: 9, zThreshold: 3.5, minRatio: 1.5, maxRatio: 10, n: 412, baselineMs: 86_400_000 });
    await insert("rate_vs_baseline", "planner", null, now - 20 * HOUR, 12, 2, "planner sent 5x its usual rate", { factor: 5 });
    await insert("new_edge", "rogue-agent", null, now - 14 * MIN, null, null, "rogue-agent -> executor is a new edge", {});
    // Many quiet agents so the lanes must scroll (and are virtualized).
    for (let i = 0; i < BULK_LANES; i++) await insert("new_intent", `bulk-agent-${String(i).padStart(2, "0")}`, null, now - (3 + i * 0.5) * HOUR, 1, 0, "a new intent", {});
    // The scenario's registry rows carry no keys; a real entry has at least one, and the registry refuses to decode one without.
    await db.query(
      `INSERT INTO agent_keys (agent_id, key_id, public_key, not_before, not_after) VALUES ('planner', 'planner-k1', $1, $2, NULL) ON CONFLICT DO NOTHING`,
      ["11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", new Date(now - 30 * 24 * HOUR)],
    );
    const inc = await db.query<{ id: string }>(
      `INSERT INTO incidents (title, severity, status, first_at, last_at) VALUES ('e2e critical', 'critical', 'open', now(), now()), ('e2e high', 'high', 'open', now(), now()) RETURNING id::text`,
    );
    incidentIds.push(...inc.rows.map((r) => r.id));
  });

  await check("GET /api/v1/overview and /api/v1/timeline answer in their documented shapes", async () => {
    const o = OverviewView.parse(await (await apiFetch(base, "/api/v1/overview?window=24h", { bearer: true })).json());
    assert.ok(o.edges.OPEN >= 1 && o.edges.FORCED_OPEN >= 1, "the open and the forced breakers are counted");
    assert.ok(o.incidents.critical >= 1);
    assert.equal(o.blast[0]?.agent, "planner");
    const t = TimelineView.parse(await (await apiFetch(base, "/api/v1/timeline?window=24h", { bearer: true })).json());
    assert.ok(t.findings.length >= 3 + BULK_LANES);
  });

  await check("overview: breakers by state with icon and word, open incidents by severity, rates, and the widest blast radius", async () => {
    await page.goto("/?window=24h");
    const health = page.getByTestId("fleet-health");
    await see(health, "the fleet health panel");
    await see(health.locator('[data-state-count="FORCED_OPEN"]').filter({ hasText: "Forced open" }), "a forced-open count with its word");
    const openHref = await health.locator('[data-state-count="OPEN"]').first().getAttribute("href");
    assert.equal(openHref, "/graph?breaker=OPEN");
    assert.equal(await health.locator('[data-severity-count="critical"]').getAttribute("href"), "/incidents?status=open&severity=critical");
    await see(health.locator('[data-rate="verified"] svg path'), "the verified-share sparkline");
    await see(page.locator('[data-blast="planner"]').filter({ hasText: "impact 90,000" }), "planner first in the blast radius");
    assert.equal(await page.locator("[data-blast]").first().getAttribute("data-blast"), "planner");
    await shot(page, "fleet-overview-light");
  });

  await check("the overview's breaker count opens the graph on the links in that state", async () => {
    await page.getByTestId("fleet-health").locator('[data-state-count="OPEN"]').first().click();
    await page.waitForURL((u) => u.pathname === "/graph" && u.searchParams.get("breaker") === "OPEN", { timeout: WAIT_MS });
    await see(page.getByTestId("breaker-filter"), "the breaker filter on the links list");
    await see(page.locator('button[data-edge="planner->executor"]'), "the open link listed");
    assert.equal(await page.locator('button[data-edge="rogue-agent->executor"]').count(), 0, "the forced-open link is not in the OPEN list");
  });

  await check("blast radius -> agent page: identity, keys, capabilities, activity, edges with breakers, findings", async () => {
    await page.goto("/?window=24h");
    await page.locator('[data-blast="planner"] a').first().click();
    await page.waitForURL((u) => u.pathname === "/agents/planner", { timeout: WAIT_MS });
    const id = page.getByTestId("agent-identity");
    await see(id.filter({ hasText: "Trip planner" }), "the display name");
    await see(id.filter({ hasText: "team=travel" }), "the label");
    await see(page.locator("tr[data-key]").first(), "a key row with its validity");
    await see(page.getByTestId("small-multiples").locator('[data-chart="rate"] svg path'), "the message-rate chart");
    const edge = page.locator('tr[data-edge="planner->executor"]');
    await see(edge.locator('[data-breaker="OPEN"]'), "planner -> executor marked Open");
    await see(page.locator("[data-finding]").filter({ hasText: "unit_price 12x the 24h median" }), "the finding with its explanation");
    assert.equal(await page.getByRole("link", { name: "Its records" }).getAttribute("href"), "/records?agent=planner");
    await shot(page, "agent-light");
  });

  await check("an agent not in the registry says so", async () => {
    await page.goto("/agents/rogue-agent");
    await see(page.getByTestId("agent-identity").filter({ hasText: "Not in the registry" }), "the unregistered badge");
    await see(page.locator('tr[data-edge="rogue-agent->executor"] [data-breaker="FORCED_OPEN"]'), "its forced-open edge");
  });

  await check("agent page -> edge page: breaker now, traffic, full history with the record that tripped it", async () => {
    await page.goto("/agents/planner");
    await page.locator('tr[data-edge="planner->executor"] a[href="/edges/planner/executor"]').click();
    await page.waitForURL((u) => u.pathname === "/edges/planner/executor", { timeout: WAIT_MS });
    await see(page.getByTestId("breaker-now").locator('[data-breaker="OPEN"]'), "the breaker open now");
    await see(page.getByTestId("breaker-now").filter({ hasText: /Lets a probe through: half-open in \d+m/ }), "the countdown");
    const row = page.locator(`tr[data-transition="${eventIds[0]}"]`);
    await see(row.locator('[data-cause="failures"]').filter({ hasText: "Too many failures" }), "the cause in words");
    await see(row.filter({ hasText: "3 failures in a row (limit 3, window 20 calls)" }), "the parameters it used");
    const cause = row.locator(`[data-cause-record="${tripRecord}"]`);
    assert.equal(await cause.getAttribute("href"), `/records/${tripRecord}`);
    await shot(page, "edge-light");
    await cause.click();
    await page.waitForURL((u) => u.pathname === `/records/${tripRecord}`, { timeout: WAIT_MS });
  });

  let lanesBefore = 0;
  await check("timeline: lanes per agent, virtualized; a kill switch on the axis", async () => {
    await page.goto("/timeline?window=24h");
    await see(page.getByTestId("timeline-lanes"), "the swimlanes");
    lanesBefore = Number(await page.getByTestId("timeline-lanes").getAttribute("data-lanes"));
    assert.ok(lanesBefore >= BULK_LANES + 2, `at least ${BULK_LANES + 2} lanes (got ${lanesBefore})`);
    const rendered = await page.locator("[data-lane]").count();
    assert.ok(rendered < lanesBefore, `only the lanes in view are rendered (${rendered} of ${lanesBefore})`);
    await see(page.locator('[data-lane="rogue-agent"] [data-mark="transition"][data-to="FORCED_OPEN"]'), "the kill switch on rogue-agent's lane");
    await see(page.locator('[data-lane="planner"] [data-mark="finding"] [data-band]'), "the semantic deviation drawn with its band");
    await shot(page, "timeline-light");
  });

  await check("timeline: brushing the last hours puts the range in the URL and filters the list; a reload reproduces it", async () => {
    const strip = page.getByTestId("timeline-brush");
    const box = (await strip.boundingBox())!;
    const listed = async () => page.locator('[data-testid="timeline-list"] [data-item]').count();
    const all = await listed();
    // The last ~2.4 hours of 24: the semantic deviation, the new edge and the breaker changes, none of the bulk findings.
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width + 10, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.waitForURL((u) => u.searchParams.has("start") && u.searchParams.has("end") && u.searchParams.has("from"), { timeout: WAIT_MS });
    await see(page.getByTestId("timeline-selection"), "the selection summary");
    const inRange = await listed();
    assert.ok(inRange < all, `the list shrinks to the selection (${inRange} of ${all})`);
    await see(page.locator('[data-testid="timeline-list"] [data-item="transition"]').first(), "the breaker changes in the selection");
    assert.equal(await page.locator(`[data-testid="timeline-list"] [data-finding="${findingIds[1]}"]`).count(), 0, "the 20-hour-old finding is filtered out");
    const url = page.url();
    await page.reload();
    await see(page.getByTestId("brush-selection"), "the brush after a reload");
    assert.equal(await listed(), inRange, "the same list after a reload");
    assert.equal(page.url(), url);
  });

  await check("timeline: a mark opens the finding with its band and the way to its record and lineage", async () => {
    await page.locator(`[data-lane="planner"] button[data-finding="${findingIds[0]}"]`).click();
    await page.waitForURL((u) => u.searchParams.get("finding") === findingIds[0], { timeout: WAIT_MS });
    const detail = page.getByTestId("finding-detail");
    await see(detail.filter({ hasText: "unit_price 12x the 24h median" }), "the explanation");
    await see(detail.getByTestId("band-chart"), "the expected band");
    assert.equal(await detail.getByTestId("lineage-link").getAttribute("href"), `/lineage?record=${encodeURIComponent(sdRecord)}`);
    await shot(page, "timeline-brushed-light");
  });

  await check("timeline: a live refresh keeps the brush and the scroll position", async () => {
    const scroller = page.getByTestId("timeline-scroll");
    await scroller.evaluate((el) => {
      el.scrollTop = 300;
      el.dispatchEvent(new Event("scroll"));
    });
    const start = new URL(page.url()).searchParams.get("start");
    // Wait for at least one refetch (every 5 s).
    await page.waitForResponse((r) => r.url().includes("/api/v1/timeline"), { timeout: WAIT_MS });
    await page.waitForTimeout(300);
    assert.equal(await scroller.evaluate((el) => el.scrollTop), 300);
    assert.equal(new URL(page.url()).searchParams.get("start"), start);
    await see(page.getByTestId("brush-selection"), "the brush after the refresh");
  });

  await check("timeline: per-edge lanes from the toggle, in the URL", async () => {
    await page.getByRole("radio", { name: "Per edge" }).click();
    await page.waitForURL((u) => u.searchParams.get("by") === "edge", { timeout: WAIT_MS });
    await see(page.locator('[data-lane="rogue-agent -> executor"]'), "the rogue-agent -> executor lane");
    await see(page.locator('[data-lane="planner -> researcher"] [data-mark="finding"]'), "the deviation on the edge its record went along");
  });

  await check("dark theme: overview, agent, edge and timeline", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/?window=24h");
    await see(page.getByTestId("fleet-health"), "fleet health in dark");
    await shot(page, "fleet-overview-dark");
    await page.goto("/agents/planner");
    await see(page.getByTestId("agent-identity"), "the agent in dark");
    await shot(page, "agent-dark");
    await page.goto("/edges/planner/executor");
    await see(page.getByTestId("breaker-now"), "the edge in dark");
    await shot(page, "edge-dark");
    await page.goto(`/timeline?window=24h&finding=${findingIds[0]}`);
    await see(page.getByTestId("finding-detail"), "the timeline in dark");
    await shot(page, "timeline-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  // Leave the engine tables as the other suites expect them.
  await db.query(`DELETE FROM anomaly_findings WHERE id = ANY($1::bigint[])`, [findingIds]);
  await db.query(`DELETE FROM breaker_events WHERE id = ANY($1::bigint[])`, [eventIds]);
  await db.query(`DELETE FROM incidents WHERE id = ANY($1::bigint[])`, [incidentIds]);
  await db.query(`DELETE FROM agent_keys WHERE agent_id = 'planner' AND key_id = 'planner-k1'`);
  await db.query(`DELETE FROM breaker_states WHERE (sender, receiver) IN (('planner', 'executor'), ('rogue-agent', 'executor'))`);
  for (const r of saved.rows as { sender: string; receiver: string; state: string; since: Date; machine: unknown; updated_at: Date }[]) {
    await db.query(
      `INSERT INTO breaker_states (sender, receiver, state, since, machine, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (project_id, sender, receiver) DO NOTHING`,
      [r.sender, r.receiver, r.state, r.since, JSON.stringify(r.machine), r.updated_at],
    );
  }
}

// The agent graph screen: breakers seeded on the scenario's edges, then the
// legend, selection in the URL, hop focus, an open breaker's countdown in
// the side list, replay, and screenshots in both themes.
import assert from "node:assert/strict";
import { GraphResponse } from "../../../lib/api/graph-views.ts";
import { WAIT_MS, apiFetch, check, gone, see, shot, type E2eContext } from "../kit.ts";

const MIN = 60_000;

export default async function graphSuite({ base, page, db }: E2eContext): Promise<void> {
  const now = Date.now();
  const machine = {
    open: { state: "OPEN", since: now - 2 * MIN, until: now + 4 * MIN, awaitingReview: false },
    forced: { state: "FORCED_OPEN", since: now - 3 * MIN, actor: "e2e", reason: "rogue sender" },
    half: { state: "HALF_OPEN", since: now - MIN, probesLeft: 1 },
  };
  const states: [string, string, Record<string, unknown>][] = [
    ["planner", "executor", machine.open],
    ["rogue-agent", "executor", machine.forced],
    ["researcher", "planner", machine.half],
  ];
  // The collector from the earlier checks may already run breakers on these edges: keep its rows and put them back at the end.
  const saved = await db.query(`SELECT sender, receiver, state, since, machine, updated_at FROM breaker_states`);
  const eventIds: string[] = [];
  await check("seeding breakers on the scenario's edges", async () => {
    for (const [s, r, m] of states) {
      await db.query(
        `INSERT INTO breaker_states (sender, receiver, state, since, machine) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (project_id, sender, receiver) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, machine = EXCLUDED.machine`,
        [s, r, m.state, new Date(m.since as number), JSON.stringify(m)],
      );
    }
    const ev = await db.query<{ id: string }>(
      `INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor)
       VALUES ('planner', 'executor', 'CLOSED', 'OPEN', $1, 'failures', '{}', '3 failures in a row (limit 3)', NULL),
              ('rogue-agent', 'executor', 'CLOSED', 'FORCED_OPEN', $2, 'forced', '{}', 'kill switch: rogue sender', 'e2e')
       RETURNING id::text`,
      [new Date(now - 2 * MIN), new Date(now - 3 * MIN)],
    );
    eventIds.push(...ev.rows.map((r) => r.id));
  });

  const canvas = page.getByTestId("graph-canvas");
  const drawn = async (n: number, what: string) => {
    try {
      await page.waitForFunction((count) => document.querySelector('[data-testid="graph-canvas"]')?.getAttribute("data-nodes-drawn") === String(count), n, { timeout: WAIT_MS });
    } catch {
      throw new Error(`expected the canvas to draw ${what} (${n} agents); it drew ${await canvas.getAttribute("data-nodes-drawn")}`);
    }
  };
  const settled = () => page.waitForSelector('[data-testid="graph-canvas"][data-layout="done"]', { timeout: WAIT_MS });

  await check("GET /api/v1/graph: links with their breakers, an agent forced open everywhere is killed", async () => {
    const g = GraphResponse.parse(await (await apiFetch(base, "/api/v1/graph?window=24h", { bearer: true })).json());
    const pe = g.links.find((l) => l.sender === "planner" && l.receiver === "executor");
    assert.equal(pe?.breaker.state, "OPEN");
    assert.ok(pe?.breaker.openUntil, "an open breaker says when it turns half-open");
    assert.equal(pe?.forgedOrReplayed, 1);
    assert.equal(g.nodes.find((n) => n.id === "rogue-agent")?.killed, true);
    assert.equal(g.links.find((l) => l.sender === "researcher" && l.receiver === "planner")?.breaker.state, "HALF_OPEN");
    const bad = await apiFetch(base, "/api/v1/graph?label=%3Dx", { bearer: true });
    assert.equal(bad.status, 400);
  });

  let total = 0;
  await check("the graph screen draws every agent and explains every look in the legend", async () => {
    await page.goto("/graph?window=24h");
    await see(page.getByRole("link", { name: /Agent graph/ }).and(page.locator('[aria-current="page"]')), "the graph in the sidebar, marked current");
    const legend = page.getByTestId("graph-legend");
    for (const word of ["Closed", "Dry run", "Half-open", "Open", "Forced open", "All verified", "Some unverified", "Forged or replayed", "Unattested", "Unregistered", "Killed"]) {
      await see(legend.getByText(word, { exact: true }), `"${word}" in the legend`);
    }
    await see(page.getByTestId("graph-status").filter({ hasText: /UTC/ }), "the window with its time zone");
    total = Number((await page.getByTestId("graph-status").textContent())?.match(/(\d+) agents/)?.[1] ?? "0");
    assert.ok(total >= 5, `at least the scenario's 5 agents (got ${total})`);
    await drawn(total, "every agent");
    await settled();
    await shot(page, "graph-light");
  });

  await check("the first picture is drawn from the page's HTML before React has the graph, and the graph is asked for once", async () => {
    await page.goto("/graph?window=24h");
    await drawn(total, "every agent");
    // The inline script's draw runs before the query can resolve (both wait on the same answer, the script first).
    const marks = (await page.evaluate(`Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("fb:graph:")).map((m) => [m.name, m.startTime]))`)) as Record<string, number>;
    assert.ok(marks["fb:graph:early-draw"] !== undefined, `the early picture was drawn (marks: ${JSON.stringify(marks)})`);
    assert.ok(marks["fb:graph:early-draw"]! <= marks["fb:graph:data"]!, `the early picture (${marks["fb:graph:early-draw"]} ms) came before React had the graph (${marks["fb:graph:data"]} ms)`);
    const asked = (await page.evaluate(`performance.getEntriesByType("resource").filter((r) => r.name.includes("/api/v1/graph?window=24h")).map((r) => r.startTime)`)) as number[];
    assert.ok(asked.length >= 1 && asked.filter((t) => t < marks["fb:graph:data"]!).length === 1, `one request for the graph before React had it (${asked.length} in all)`);
  });

  await check("choosing an agent in the list puts it in the URL and highlights it", async () => {
    await page.locator('button[data-agent="planner"]').click();
    await page.waitForURL((u) => u.pathname === "/graph" && u.searchParams.get("agent") === "planner", { timeout: WAIT_MS });
    await see(page.locator('button[data-agent="planner"][aria-pressed="true"]'), "planner pressed in the list");
    await see(page.getByTestId("graph-selection").filter({ hasText: "Trip planner" }).filter({ hasText: "team=travel" }), "planner's card with its label");
  });

  await check("a one-hop downstream focus hides agents further away, and survives a reload", async () => {
    await page.getByLabel("Focus").selectOption("1");
    await page.getByLabel("Direction").selectOption("down");
    await page.waitForURL((u) => u.searchParams.get("hops") === "1" && u.searchParams.get("dir") === "down", { timeout: WAIT_MS });
    // planner sends to researcher and executor; nobody else is one hop downstream.
    await drawn(3, "planner and its two receivers");
    await gone(page.locator('button[data-agent="approver"]'), "approver in the focused list");
    await gone(page.locator('button[data-agent="rogue-agent"]'), "rogue-agent in the focused list");
    await see(page.locator('button[data-agent="executor"]'), "executor in the focused list");
    await page.reload();
    await drawn(3, "the same focus after a reload");
    await settled();
    await shot(page, "graph-focus-light");
  });

  await check("an open breaker shows in the links list with its countdown; a forced one says so", async () => {
    await page.goto("/graph?window=24h");
    await page.getByRole("tab", { name: /Links/ }).click();
    const open = page.locator('button[data-edge="planner->executor"]');
    await see(open.locator('[data-breaker="OPEN"]').filter({ hasText: "Open" }), "planner -> executor marked Open");
    await see(open.getByTestId("countdown").filter({ hasText: /half-open in [34]m \d\ds/ }), "the countdown to half-open");
    await see(open.locator('[data-lock="broken"]'), "a broken lock for the replayed message");
    await see(page.locator('button[data-edge="rogue-agent->executor"] [data-breaker="FORCED_OPEN"]'), "rogue-agent -> executor forced open");
    // Worst first: the forced-open link leads the list.
    const first = await page.locator("ul[aria-label=Links] button").first().getAttribute("data-edge");
    assert.equal(first, "rogue-agent->executor");
    await open.click();
    await page.waitForURL((u) => u.searchParams.get("edge") === "planner->executor", { timeout: WAIT_MS });
    await see(page.getByTestId("graph-selection").filter({ hasText: "3 failures in a row" }).or(page.getByTestId("graph-selection").filter({ hasText: "1 forged or replayed" })), "the link's card");
  });

  await check("replay: ten minutes ago the breakers were still closed, and the time shows its zone", async () => {
    const at = new Date(now - 10 * MIN).toISOString();
    await page.goto(`/graph?window=24h&at=${encodeURIComponent(at)}`);
    await see(page.getByTestId("graph-time").filter({ hasText: /^at .*UTC$/ }), "the replay time with its zone");
    await see(page.getByTestId("graph-status").filter({ hasText: "Replay of" }), "the replay status");
    await page.getByRole("tab", { name: /Links/ }).click();
    await see(page.locator('button[data-edge="planner->executor"] [data-breaker="CLOSED"]'), "planner -> executor closed back then");
    await page.getByRole("button", { name: "Live" }).click();
    await page.waitForURL((u) => !u.searchParams.has("at"), { timeout: WAIT_MS });
    await see(page.locator('button[data-edge="planner->executor"] [data-breaker="OPEN"]'), "open again when live");
  });

  await check("dark theme: the graph and legend redrawn in dark colours", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/graph?window=24h&agent=planner");
    assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
    await drawn(total, "every agent in dark");
    await settled();
    await shot(page, "graph-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  await check("a label filter keeps only the matching agents and says so when none match", async () => {
    await page.goto("/graph?window=24h&label=team%3Dtravel");
    await drawn(1, "the one travel agent");
    await page.goto("/graph?window=24h&label=team%3Dnobody");
    await see(page.getByText("No agent has the label team=nobody"), "the empty label state");
  });

  // Leave the engine tables as the other suites expect them.
  await db.query(`DELETE FROM breaker_events WHERE id = ANY($1::bigint[])`, [eventIds]);
  for (const [s, r] of states) await db.query(`DELETE FROM breaker_states WHERE sender = $1 AND receiver = $2`, [s, r]);
  for (const row of saved.rows as { sender: string; receiver: string; state: string; since: Date; machine: unknown; updated_at: Date }[]) {
    await db.query(
      `INSERT INTO breaker_states (sender, receiver, state, since, machine, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (project_id, sender, receiver) DO NOTHING`,
      [row.sender, row.receiver, row.state, row.since, JSON.stringify(row.machine), row.updated_at],
    );
  }
}

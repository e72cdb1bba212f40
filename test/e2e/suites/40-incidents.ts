// Incidents and lineage: a real cascade stored the way the collector stores
// it (a forged intake message, a triage and a pricer downstream, a buyer's
// red wire transfer, a ledger write, six hundred records fanning out), its
// findings grouped into incidents by the real grouping engine, then the
// analyst's path through the screens: list -> incident -> lineage -> origin
// agent on the graph, and acknowledge, note, resolve. Screenshots in light
// and dark.
import assert from "node:assert/strict";
import pg from "pg";
import { IncidentDetail, IncidentsPage } from "../../../lib/api/incident-views.ts";
import { BlastRadiusView } from "../../../lib/api/engine-views.ts";
import { GROUPING_BOUNDS } from "../../../lib/engine/incidents/incident-runner.ts";
import { traceOrigin } from "../../../lib/lineage/lineage-queries.ts";
import { CASCADE_EXPECTED, CASCADE_ORIGIN as ORIGIN, FAN_AGENTS, seedCascade } from "../../fixtures/incident-cascade.ts";
import { DESK, seedLoopDesk } from "../../fixtures/loop-desk.ts";
import { WAIT_MS, apiFetch, check, gone, see, shot, type E2eContext } from "../kit.ts";


export default async function incidentsSuite({ base, page, databaseUrl }: E2eContext): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const ids = { critical: "", medium: "" };

  await check("seeding a cascade and grouping its findings into incidents", async () => {
    const seeded = await seedCascade(pool, Date.now() - 30 * 60_000);
    ids.critical = seeded.critical;
    ids.medium = seeded.medium;
    if (seeded.opened.length !== 2) {
      // Say why: the grouping walks are bounded (GROUPING_BOUNDS), and a cut walk finds no origin.
      const walks = await Promise.all(["e2e-pricer-0001", "e2e-buyer-0001"].map(async (id) => {
        const r = await traceOrigin(pool, "default", id, GROUPING_BOUNDS);
        return `${id}: origins ${r.origins.map((o) => o.id).join(",") || "none"}, truncated ${r.truncated.join(",") || "no"}`;
      }));
      assert.fail(`the cascade should open 2 incidents, it opened ${seeded.opened.join(", ")}; ${walks.join("; ")}`);
    }
  });

  await check("GET /api/v1/incidents lists the cascade as critical and filters by severity and time", async () => {
    const all = IncidentsPage.parse(await (await apiFetch(base, "/api/v1/incidents", { bearer: true })).json());
    const critical = all.items.find((i) => i.id === ids.critical);
    assert.equal(critical?.severity, "critical");
    assert.deepEqual(critical?.originIds, [ORIGIN]);
    // The collector's own engine, still running from the earlier checks, may add its verification finding on the forged record.
    assert.ok((critical?.findingCount ?? 0) >= 3, `the cascade's three findings at least (got ${critical?.findingCount})`);
    const onlyCritical = IncidentsPage.parse(await (await apiFetch(base, "/api/v1/incidents?severity=critical", { bearer: true })).json());
    assert.ok(onlyCritical.items.every((i) => i.severity === "critical"));
    assert.ok(!onlyCritical.items.some((i) => i.id === ids.medium));
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = IncidentsPage.parse(await (await apiFetch(base, `/api/v1/incidents?from=${encodeURIComponent(future)}`, { bearer: true })).json());
    assert.equal(none.items.length, 0, "nothing is active after now");
    const backwards = await apiFetch(base, `/api/v1/incidents?from=${encodeURIComponent(future)}&to=2020-01-01T00:00:00Z`, { bearer: true });
    assert.equal(backwards.status, 400);
    const blast = BlastRadiusView.parse(await (await apiFetch(base, `/api/v1/lineage/blast-radius?record=${ORIGIN}`, { bearer: true })).json());
    assert.equal(blast.counts.total, CASCADE_EXPECTED.downstream);
  });

  await check("the incidents list: severity, status, agents and times with their zone; filters live in the URL", async () => {
    await page.goto("/incidents");
    await see(page.getByRole("link", { name: /Incidents/ }).and(page.locator('[aria-current="page"]')), "Incidents in the sidebar, marked current");
    const row = page.locator(`tr[data-incident="${ids.critical}"]`);
    await see(row.locator('[data-look="Critical"]'), "the cascade marked Critical (word and icon)");
    await see(row.locator('[data-look="Open"]'), "the cascade marked Open");
    await see(row.locator('[data-agent-link="ticket-intake"]'), "the origin agent among its agents");
    await see(row.getByText(/UTC/).first(), "first and last seen with the zone");
    await see(page.locator(`tr[data-incident="${ids.medium}"]`), "the second incident");
    await shot(page, "incidents-light");
    await page.getByLabel("Severity").selectOption("critical");
    await page.waitForURL((u) => u.searchParams.get("severity") === "critical", { timeout: WAIT_MS });
    await gone(page.locator(`tr[data-incident="${ids.medium}"]`), "the medium incident under a critical filter");
    await page.getByLabel("Active").selectOption("1h");
    await page.waitForURL((u) => u.searchParams.get("window") === "1h" && u.searchParams.get("severity") === "critical", { timeout: WAIT_MS });
    await page.reload();
    await see(row, "the cascade still listed after a reload with the filters");
    assert.equal(await page.getByLabel("Severity").inputValue(), "critical");
    // The list polls: after a refresh the row is still the same element, not a reload of the page.
    const before = await page.getByTestId("incidents-status").textContent();
    await page.waitForFunction((t) => document.querySelector('[data-testid="incidents-status"]')?.textContent !== t, before, { timeout: WAIT_MS });
    await see(row, "the row after a live refresh");
  });

  await check("an incident: its findings in plain words, one timeline of findings and breakers, and its lineage", async () => {
    await page.locator(`tr[data-incident="${ids.critical}"] a`).first().click();
    await page.waitForURL((u) => u.pathname === `/incidents/${ids.critical}`, { timeout: WAIT_MS });
    await see(page.getByTestId("incident-severity").filter({ hasText: "Critical" }), "the severity");
    await see(page.locator('[data-finding]').filter({ hasText: "unit_price 10.3x the 24h median" }), "the pricer finding's explanation");
    await see(page.locator('[data-finding]').filter({ hasText: "threshold" }), "the finding's parameters");
    const timeline = page.getByTestId("incident-timeline");
    await see(timeline.locator('[data-timeline-mark="finding"]'), "findings on the timeline");
    await see(timeline.locator('[data-timeline-mark="breaker"]'), "breaker transitions on the same axis");
    await see(timeline.getByText("pricer → buyer: Open").first(), "the breaker opening, in words");
    const lineage = page.getByTestId("incident-lineage");
    await see(lineage.getByTestId("origin-agent").filter({ hasText: "ticket-intake" }), "the origin agent in the lineage section");
    await see(lineage.getByTestId("go-to-origin-agent"), "Go to origin agent");
    await see(lineage.locator('[data-testid="lineage-dag"][data-aggregated="yes"]'), "the cascade's blast radius drawn in time slices");
    await see(page.locator('[data-agent-link="pricer"]').first(), "pricer among the agents involved");
    await shot(page, "incident-light");
  });

  await check("acknowledge, add a note, and resolve (a reason is required)", async () => {
    await page.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await see(page.getByTestId("incident-status").filter({ hasText: "Acknowledged" }), "status Acknowledged");
    await gone(page.getByRole("button", { name: "Acknowledge", exact: true }), "the Acknowledge button once acknowledged");
    await page.getByLabel("Add a note").fill("Key k1 of ticket-intake leaked in ticket 4411; rotating it.");
    await page.getByRole("button", { name: "Add note" }).click();
    await see(page.getByTestId("incident-notes").getByText("rotating it."), "the note in the list");
    const resolveButton = page.getByRole("button", { name: "Resolve incident" });
    assert.equal(await resolveButton.isDisabled(), true, "no resolving without a reason");
    await page.getByLabel("Resolve: how was it dealt with?").fill("Rotated k1, reversed wire transfer e2e-buyer-0001, replayed the 120 shipments.");
    await resolveButton.click();
    await see(page.getByTestId("incident-status").filter({ hasText: "Resolved" }), "status Resolved");
    await see(page.getByTestId("resolution").filter({ hasText: "reversed wire transfer" }), "the resolution with its reason");
    await see(page.getByTestId("incident-timeline").getByText(/resolved · /).first(), "the resolution on the timeline");
    const d = IncidentDetail.parse(await (await apiFetch(base, `/api/v1/incidents/${ids.critical}`, { bearer: true })).json());
    assert.equal(d.incident.status, "resolved");
    assert.equal(d.notes.length, 1);
    await shot(page, "incident-resolved-light");
  });

  await check("from the incident to its lineage: the origin, the tainted share, exact counts per agent", async () => {
    await page.getByTestId("open-lineage").click();
    await page.waitForURL((u) => u.pathname === "/lineage" && u.searchParams.get("record") === ORIGIN, { timeout: WAIT_MS });
    await see(page.getByRole("link", { name: /Lineage/ }).and(page.locator('[aria-current="page"]')), "Lineage in the sidebar, marked current");
    await see(page.getByTestId("origin-agent").filter({ hasText: "ticket-intake" }), "the origin agent, prominent");
    await see(page.getByTestId("origin-card").locator('[data-look="Failed verification"]'), "why the origin is suspect, in words");
    // 100 shipments + the wire transfer + the ledger write: every decision downstream is tainted.
    await see(page.getByTestId("tainted-share").filter({ hasText: `${CASCADE_EXPECTED.decisions} of ${CASCADE_EXPECTED.decisions} (100%)` }), "the tainted share of downstream decisions");
    await see(page.getByTestId("downstream-count").filter({ hasText: String(CASCADE_EXPECTED.downstream) }), "every downstream record counted");
    for (const agent of FAN_AGENTS) await see(page.locator(`tr[data-agent-count="${agent}"]`).locator("td").nth(1).filter({ hasText: new RegExp(`^${CASCADE_EXPECTED.perFanAgent}$`) }), `${agent}: exactly ${CASCADE_EXPECTED.perFanAgent} records`);
    await see(page.locator('tr[data-agent-count="buyer"]').locator("td").nth(4).filter({ hasText: /^1$/ }), "buyer's one tainted decision");
    await see(page.locator(`[data-testid="lineage-dag"] a[data-record="${ORIGIN}"][data-role="origin"]`), "the origin drawn in the DAG");
    await page.locator('a[data-record="e2e-buyer-0001"]').click();
    await page.waitForURL((u) => u.searchParams.get("node") === "e2e-buyer-0001", { timeout: WAIT_MS });
    await see(page.getByTestId("lineage-selection").filter({ hasText: "action (red)" }), "the selected record's card");
    await page.locator("[data-bucket]").first().focus();
    await page.keyboard.press("Enter");
    await see(page.getByTestId("lineage-selection").filter({ hasText: "records in this slice" }), "a time slice's records, by keyboard");
    await shot(page, "lineage-light");
  });

  await check("one click from the lineage to the origin agent on the graph", async () => {
    await page.getByTestId("go-to-origin-agent").click();
    await page.waitForURL((u) => u.pathname === "/graph" && u.searchParams.get("agent") === "ticket-intake" && u.searchParams.get("hops") === "1", { timeout: WAIT_MS });
    await see(page.getByTestId("graph-selection").filter({ hasText: "ticket-intake" }), "the origin agent selected on the graph");
    await page.waitForSelector('[data-testid="graph-canvas"][data-layout="done"]', { timeout: WAIT_MS });
    await shot(page, "lineage-origin-agent-graph-light");
  });

  await check("a record's page and a trace's span panel lead to its lineage", async () => {
    await page.goto("/records/e2e-buyer-0001");
    await page.getByTestId("lineage-link").first().click();
    await page.waitForURL((u) => u.pathname === "/lineage" && u.searchParams.get("record") === "e2e-buyer-0001", { timeout: WAIT_MS });
    await see(page.getByTestId("origin-record").filter({ hasText: ORIGIN }), "the buyer's action traced 3 hops up to the forged intake message");
    await see(page.getByTestId("lineage-view").getByText(/3 hops up from/), "how far up");
  });

  await check("lineage without a record: a search box and the latest incidents' origins; a state key; an unknown id", async () => {
    await page.goto("/lineage");
    // Open incidents come first there, and the engine may have opened others during the run: any origin will do.
    await see(page.getByTestId("recent-origins").locator("a[data-origin]"), "the latest incidents' origins as starting points");
    await page.getByLabel("Record id").fill("e2e-ledger-0001");
    await page.getByRole("button", { name: "Trace lineage" }).click();
    await page.waitForURL((u) => u.searchParams.get("record") === "e2e-ledger-0001", { timeout: WAIT_MS });
    await see(page.getByTestId("origin-agent").filter({ hasText: "ticket-intake" }), "the ledger write's origin");
    await page.goto("/lineage?key=ledger%2Facct-7");
    await see(page.getByTestId("state-version").filter({ hasText: "e2e-ledger-0001" }), "the state key's current version");
    await page.goto("/lineage?record=no-such-record");
    await see(page.getByText("No record has the id no-such-record"), "the unknown-id state");
    await page.goto("/lineage");
    await shot(page, "lineage-start-light");
  });

  await check("a feedback loop's entry as the origin, with the older flag that fed it listed beside it (ADR 0052)", async () => {
    await seedLoopDesk(pool, Date.now() - 25 * 60_000);
    await page.goto(`/lineage?record=${DESK.start}`);
    const card = page.getByTestId("origin-card");
    await see(card.getByText(/^Origin 1 of 3/), "three origins: the loop's two entry views and the older outlier");
    await see(card.getByTestId("origin-record").filter({ hasText: new RegExp(`^(${DESK.entries.join("|")})$`) }), "the loop's entry first, nearest the record");
    await see(card.getByTestId("origin-because").filter({ hasText: "A feedback loop entered here." }), "why the entry is an origin, in words");
    const outlier = card.locator("li").filter({ has: page.locator(`a[href$="/records/${DESK.outlier}"]`) });
    await see(outlier.getByTestId("origin-because").filter({ hasText: "nothing flagged upstream of it" }), "the older outlier, and why it is an origin too");
    await shot(page, "lineage-loop-entry-light");
  });

  await check("dark theme: incidents, an incident and its lineage stay readable", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/incidents?status=resolved");
    assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
    await see(page.locator(`tr[data-incident="${ids.critical}"] [data-look="Resolved"]`), "the resolved cascade in dark");
    await shot(page, "incidents-dark");
    await page.goto(`/incidents/${ids.medium}`);
    await see(page.getByTestId("incident-severity"), "the medium incident in dark");
    await shot(page, "incident-dark");
    await page.goto(`/lineage?record=${ORIGIN}`);
    await see(page.getByTestId("lineage-dag"), "the DAG in dark");
    await shot(page, "lineage-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  // The cascade stays: it is what a later suite would find on a real install, and nothing it adds is counted elsewhere.
  await pool.end();
}

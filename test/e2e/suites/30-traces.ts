// Traces and the record detail: from the records screen into a trace, the
// span panel (payload, verdict details, attributes), the tree's keyboard
// model, forged copies side by side, and traces of 100,000 spans (wide and
// 100,000 deep) rendered with a bounded number of rows and paged in by start
// time as the analyst scrolls.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { TraceSummaryView } from "../../../lib/api/trace-summary-views.ts";
import { SpanDetailView, TraceView } from "../../../lib/api/trace-views.ts";
import { insertStoredRecords, storedRecord, verdicts } from "../../fixtures/stored-records.ts";
import { generatedSpanId, insertGeneratedTrace, insertSmallTrace, smallTrace } from "../../integration/traces/trace-fixtures.ts";
import { WAIT_MS, apiFetch, check, gone, see, shot, type E2eContext } from "../kit.ts";

const WIDE = "3".repeat(32);
const DEEP = "4".repeat(32);
const N = 100_000;
/** 20,000 spans, one record: a forged message on span 19,990, two windows past the first. */
const FORGED = "5".repeat(32);
const FORGED_SPANS = 20_000;
const FORGED_AT = 19_990;
/** Rows in the DOM may not grow with the trace: the viewport plus overscan. */
const MAX_DOM_ROWS = 80;

export default async function traces({ page, db, base, scenario }: E2eContext): Promise<void> {
  const t = smallTrace("e2e-trip", new Date(Date.now() - 20 * 60_000));
  await insertSmallTrace(db, t);
  const panel = page.getByTestId("span-panel");
  const tree = page.getByRole("tree");
  const domRows = () => page.locator('[role="treeitem"]').count();

  await check("a record id on the records screen opens its trace with that span selected", async () => {
    await page.goto("/records?intent=SearchQuery");
    await page.getByRole("link", { name: `${t.recordIds.message}: open in its trace` }).click();
    await page.waitForURL((u) => u.pathname === `/traces/${t.traceId}` && u.searchParams.get("span") === t.ids.message, { timeout: WAIT_MS });
    await see(page.locator(`[data-span="${t.ids.message}"][aria-selected="true"]`), "the message span selected");
    await see(page.getByTestId("row-count").filter({ hasText: "6 rows" }), "all six spans");
    await see(page.locator(`[data-span="${t.ids.orphan}"]`).getByText("orphan"), "the orphan marked as such");
  });

  await check("the span panel shows the signed payload and each verdict with its detail", async () => {
    await see(panel.getByTestId("verdict-details").getByText("/query: must be string"), "the schema violation detail");
    await see(panel.locator('[data-verdict="schema_violation"]').filter({ hasText: "Schema violation" }), "the verdict chip with its word");
    await see(panel.getByTestId("payload").filter({ hasText: '"query": 42' }), "the pretty-printed payload");
    await see(panel.getByText("Not verified"), "the record marked not verified");
    await see(panel.getByRole("link", { name: t.recordIds.request }).first(), "the parent record as a link");
    await see(panel.getByText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/).first(), "times with milliseconds and zone");
    await shot(page, "trace-light");
  });

  await check("keyboard: collapse and expand with arrows, open a span with Enter, close with Escape", async () => {
    await tree.focus();
    await page.keyboard.press("ArrowLeft");
    await gone(page.locator(`[data-span="${t.ids.tool}"]`), "the tool span inside the collapsed message");
    await see(page.locator(`[data-span="${t.ids.message}"][aria-expanded="false"]`), "the message marked collapsed");
    await see(page.getByTestId("row-count").filter({ hasText: "5 rows" }), "five rows");
    await page.keyboard.press("ArrowRight");
    await see(page.locator(`[data-span="${t.ids.tool}"]`), "the tool span back");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("span") === t.ids.tool, { timeout: WAIT_MS });
    await see(panel.getByTestId("attributes").getByText("web.search"), "the tool span's attributes, loaded on demand");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await see(page.locator(`[data-span="${t.ids.message}"][aria-expanded="false"]`), "ArrowLeft went to the parent and collapsed it");
    await page.keyboard.press("Escape");
    await gone(panel, "the span panel after Escape");
    assert.equal(new URL(page.url()).searchParams.get("span"), null);
    await page.keyboard.press("n");
    await see(panel.getByTestId("verdict-details"), "n opened the next failed record");
  });

  await check("the record page shows forged copies side by side, with links to parents and the trace", async () => {
    await page.goto(`/records/${scenario.forgedId}`);
    await see(page.getByTestId("copies-warning"), "the warning that several records share the id");
    assert.equal(await page.locator("[data-record-copy]").count(), 2);
    await see(page.locator("[data-record-copy]").nth(1).locator('[data-verdict="bad_signature"]'), "the forged copy's verdict");
    await shot(page, "record-forged-light");
    await page.goto(`/records/${t.recordIds.action}`);
    await see(page.getByTestId("verdict-details").getByText("fixture: capability_violation"), "the action's verdict detail");
    await page.getByRole("link", { name: t.recordIds.request }).first().click();
    await page.waitForURL((u) => u.pathname === `/records/${t.recordIds.request}`, { timeout: WAIT_MS });
    await see(page.getByText("Verified").first(), "the request record, verified");
    await page.getByTestId("trace-link").click();
    await page.waitForURL((u) => u.pathname === `/traces/${t.traceId}` && u.searchParams.get("span") === t.ids.request, { timeout: WAIT_MS });
    await see(panel, "the trace opened at the request's span");
    await page.goto("/records/no-such-record");
    await see(page.getByText("No record has this id"), "the not-found state");
  });

  await check("the trace API answers in its schemas; unknown traces 404", async () => {
    const trace = TraceView.parse(await (await apiFetch(base, `/api/v1/traces/${t.traceId}`, { bearer: true })).json());
    assert.equal(trace.spans.id.length, 6);
    const span = SpanDetailView.parse(await (await apiFetch(base, `/api/v1/traces/${t.traceId}/spans/${t.ids.message}`, { bearer: true })).json());
    assert.equal(span.records[0]?.records[0]?.verdictDetails[0]?.detail, "/query: must be string");
    assert.equal((await apiFetch(base, `/api/v1/traces/${"9".repeat(32)}`, { bearer: true })).status, 404);
    await page.goto(`/traces/${"9".repeat(32)}`);
    await see(page.getByText("No spans in this trace"), "the empty state for an unknown trace");
    const doc = (await (await apiFetch(base, "/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths["/api/v1/traces/{traceId}"] && doc.paths["/api/v1/traces/{traceId}/spans/{spanId}"], "openapi.json documents the trace routes");
  });

  await insertGeneratedTrace(db, { traceId: WIDE, spans: N, shape: "tree", recordEvery: 10 });
  await insertGeneratedTrace(db, { traceId: DEEP, spans: N, shape: "chain" });
  // 200,000 spans in one go, read the next moment: without statistics (autovacuum analyzes later) PostgreSQL
  // plans the windows blind, 3-9 s each instead of a fraction of one; the bench and integration tests analyze too.
  await db.query("ANALYZE spans; ANALYZE records");

  await check("a 100,000-span trace renders a bounded number of rows and scrolls", async () => {
    await page.goto(`/traces/${WIDE}`);
    await see(page.getByTestId("span-count").filter({ hasText: /^2,000$/ }), "the first window of 2,000 spans");
    await see(page.getByText("of 100,000, more as you scroll"), "the summary saying the rest comes on scrolling");
    await see(page.locator(`[data-span="${generatedSpanId(1)}"]`), "the root span");
    assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM`);
    await page.getByTestId("waterfall").evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.waitForFunction(() => !document.querySelector(`[data-span="0000000000000001"]`), null, { timeout: WAIT_MS });
    assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM after scrolling`);
  });

  await check("scrolling to the end of the first window pages in the spans after it, and the view stays where it was", async () => {
    const waterfall = page.getByTestId("waterfall");
    // The row at the top edge once scrolled to the end: the next window's rows land above and below it, and it must not move.
    const top = await waterfall.evaluate(async (el) => {
      el.scrollTop = el.scrollHeight;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const edge = el.getBoundingClientRect().top;
      const rows = [...el.querySelectorAll<HTMLElement>('[role="treeitem"]')].filter((r) => r.getBoundingClientRect().top >= edge - 1);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      const first = rows[0]!;
      // Measured from the waterfall's top edge: the header above may grow when the whole trace's summary arrives.
      return { span: first.dataset.span!, y: first.getBoundingClientRect().top - edge };
    });
    // 2,000 + 10,000 after the next window (or more: the view may still be near the end and ask for the one after).
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="span-count"]')?.textContent?.replace(/,/g, "")) >= 12_000, null, { timeout: WAIT_MS });
    const anchored = page.locator(`[data-span="${top.span}"]`);
    await see(anchored, "the row that was at the top edge");
    const y = (await anchored.boundingBox())!.y - (await waterfall.boundingBox())!.y;
    assert.ok(Math.abs(y - top.y) <= 2, `the row at the top edge moved from ${top.y} to ${y} px when the next window arrived`);
    // Rows whose spans started after the first window's (span indices follow start order) are on screen.
    await waterfall.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForFunction(
      (first) => [...document.querySelectorAll('[role="treeitem"]')].some((r) => Number(r.id.replace("span-row-", "")) >= first),
      2_000,
      { timeout: WAIT_MS },
    );
    assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM after paging`);
    await shot(page, "trace-100k-paged-light");
  });

  await check("keyboard over a paged trace: End, Home, collapse into the root and expand again", async () => {
    await tree.focus();
    await page.keyboard.press("End");
    await see(page.locator('[role="treeitem"]').last(), "the last rows after End");
    await page.keyboard.press("Home");
    await see(page.locator(`[data-span="${generatedSpanId(1)}"]`), "the root again after Home");
    await page.keyboard.press("ArrowLeft");
    await see(page.getByTestId("row-count").filter({ hasText: /^1 row$/ }), "the trace collapsed into its root");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(
      () => document.querySelector('[data-testid="row-count"]')?.textContent === `${document.querySelector('[data-testid="span-count"]')?.textContent} rows`,
      null,
      { timeout: WAIT_MS },
    );
    await shot(page, "trace-100k-light");
  });

  await check("a forged record past the loaded windows is counted in the summary, marked on the minimap, and one click pages in to it", async () => {
    const start = new Date(Date.UTC(2026, 10, 21, 12));
    await insertGeneratedTrace(db, { traceId: FORGED, spans: FORGED_SPANS, shape: "tree", start });
    const md5 = createHash("md5").update(String(FORGED_AT)).digest("hex");
    await insertStoredRecords(db, [
      storedRecord({
        recordId: "e2e-forged-late",
        traceId: FORGED,
        spanId: generatedSpanId(FORGED_AT),
        contentHash: md5 + md5,
        ts: new Date(start.getTime() + Math.floor(FORGED_AT / 1000)),
        agent: "mallory",
        verdicts: verdicts("bad_signature"),
      }),
    ]);
    await db.query("ANALYZE spans; ANALYZE records");
    const summary = TraceSummaryView.parse(await (await apiFetch(base, `/api/v1/traces/${FORGED}/summary`, { bearer: true })).json());
    assert.equal(summary.unverified, 1);
    await page.goto(`/traces/${FORGED}`);
    await see(page.getByTestId("span-count").filter({ hasText: /^2,000$/ }), "the first window of 2,000 spans");
    const mark = page.locator(`[data-testid="minimap-mark"][data-severity="failed"][data-span="${generatedSpanId(FORGED_AT)}"]`);
    await see(mark, "the forged record's mark on the minimap, 18,000 spans before it is loaded");
    await see(page.getByTestId("unverified-count").filter({ hasText: "1 not verified" }), "the whole trace's one unverified record in the summary");
    await see(page.getByTestId("trace-verdicts").locator('[data-verdict="bad_signature"]'), "its verdict among the trace's failing verdicts");
    await see(page.getByText("of 20,000, more as you scroll"), "the whole trace's size");
    await see(page.getByTestId("minimap-unloaded"), "the time not loaded yet hatched on the minimap");
    assert.equal(await page.locator(`[data-span="${generatedSpanId(FORGED_AT)}"][role="treeitem"]`).count(), 0, "the forged span is not loaded yet");
    await shot(page, "trace-forged-marked-light");
    await mark.click();
    await page.locator(`[data-span="${generatedSpanId(FORGED_AT)}"][aria-selected="true"]`).waitFor({ timeout: 4 * WAIT_MS });
    await see(panel.locator('[data-verdict="bad_signature"]'), "the forged record open in the span panel");
    await see(page.getByTestId("span-count").filter({ hasText: /^20,000$/ }), "every window paged in up to it");
    await gone(page.getByTestId("minimap-unloaded"), "the hatch, once everything is loaded");
    assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM`);
    await shot(page, "trace-forged-jumped-light");
  });

  await check("a 100,000-deep chain renders and reaches its last span", async () => {
    // The linked span is the last to start: windows are paged in until it is there.
    await page.goto(`/traces/${DEEP}?span=${generatedSpanId(N)}`);
    await page.locator(`[data-span="${generatedSpanId(N)}"]`).waitFor({ timeout: 6 * WAIT_MS });
    await see(page.locator(`[data-span="${generatedSpanId(N)}"][aria-selected="true"]`), "the deepest span, linked and scrolled to");
    await see(page.locator(`[data-span="${generatedSpanId(N)}"]`).getByText("L99,999"), "its depth written out");
    assert.ok((await domRows()) <= MAX_DOM_ROWS, `${await domRows()} rows in the DOM`);
    await shot(page, "trace-deep-light");
  });

  await check("the trace in dark theme", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`/traces/${t.traceId}?span=${t.ids.action}`);
    await see(panel.getByText("fixture: capability_violation"), "the action's verdict in dark");
    await shot(page, "trace-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });
}

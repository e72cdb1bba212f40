// The audit trail and incident reports: the /audit screen shows the log
// intact with who did what; an incident's PDF and signed bundle come from the
// incident API (the PDF is rendered to PNG to look at, the bundle checked
// with `npm run report:verify`); the records screen's export buttons keep
// the current filters; every export shows up in the trail.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { DsseEnvelopeView } from "../../../lib/reports/bundle-schema.ts";
import { AuditVerifyView } from "../../../lib/api/audit-views.ts";
import { groupFindings } from "../../../lib/engine/incidents/incident-runner.ts";
import { instanceKeyFromSeed } from "../../../lib/config/instance-key.ts";
import { store } from "../../integration/lineage/lineage-fixtures.ts";
import { registerAgents, signedRow, testAgent } from "../../integration/reports/report-fixtures.ts";
import { insertFinding } from "../../integration/incidents/incident-fixtures.ts";
import { runScript } from "../../helpers/run-script.ts";
import { E2E_INSTANCE_SEED, ROOT } from "../harness.ts";
import { SCREENSHOTS, WAIT_MS, apiFetch, check, see, shot, type E2eContext } from "../kit.ts";

/** Ids of their own: rows of other suites' fixtures share the counter-derived trace, span and content hashes. */
const own = (id: string) => ({
  traceId: createHash("sha256").update(`trace ${id}`).digest("hex").slice(0, 32),
  spanId: createHash("sha256").update(`span ${id}`).digest("hex").slice(0, 16),
  contentHash: createHash("sha256").update(`content ${id}`).digest("hex"),
});

export default async function auditSuite({ page, base, databaseUrl }: E2eContext): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const out = path.join(ROOT, "test-output", "reports");
  mkdirSync(out, { recursive: true });
  let incidentId = "";
  try {
    // Signed by registered agents, so the bundle's per-record checks have real signatures to check.
    const [mallory, planner, buyer] = [testAgent("e2e-mallory"), testAgent("e2e-planner"), testAgent("e2e-buyer")] as const;
    await registerAgents(pool, [mallory, planner, buyer]);
    await store(pool, [
      signedRow("e2e-audit-O", mallory, { ...own("O"), forged: true, verdicts: [{ verdict: "bad_signature", detail: "forged" }], receivers: ["e2e-planner"], at: 0 }),
      signedRow("e2e-audit-M", planner, { ...own("M"), parents: ["e2e-audit-O"], receivers: ["e2e-buyer"], at: 1 }),
      signedRow("e2e-audit-A", buyer, { ...own("A"), kind: "action", actionClass: "red", intent: "wire.transfer", parents: ["e2e-audit-M"], at: 2 }),
    ]);
    const findings = [
      await insertFinding(pool, { recordId: "e2e-audit-M", agent: "e2e-planner", at: 1 }),
      await insertFinding(pool, { recordId: "e2e-audit-A", agent: "e2e-buyer", at: 2 }),
    ];
    await groupFindings(pool, "default", findings);
    // The dashboard's engine may have judged the forged origin first and opened the incident these findings
    // then join (same lineage): the incident is wherever they were grouped, whoever opened it.
    const grouped = await pool.query<{ id: string }>(`SELECT incident_id::text AS id FROM incident_findings WHERE finding_id = $1`, [findings[0]]);
    incidentId = grouped.rows[0]?.id ?? "";
    const stored = await pool.query("SELECT 1 FROM records WHERE record_id LIKE 'e2e-audit-%'");
    if (stored.rowCount !== 3) throw new Error(`seeding stored ${stored.rowCount} of 3 records`);
  } finally {
    await pool.end();
  }

  await check("an incident's PDF report comes from the incident API and renders as readable pages", async () => {
    assert.notEqual(incidentId, "", "the seeded findings opened an incident");
    const res = await apiFetch(base, `/api/v1/incidents/${incidentId}/report.pdf`, { bearer: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const file = path.join(out, `incident-${incidentId}.pdf`);
    writeFileSync(file, pdf);
    // poppler-utils comes with the e2e dependencies (.ci/run, scripts/test.sh).
    if (existsSync("/usr/bin/pdftoppm")) {
      execFileSync("pdftoppm", ["-r", "90", "-png", "-f", "1", "-l", "1", "-singlefile", file, path.join(SCREENSHOTS, "incident-report-pdf")]);
      const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
      assert.match(text, /Lineage: origin to blast radius/);
      assert.match(text, /e2e-audit-O/);
    }
  });

  await check("the signed bundle comes from the incident API and npm run report:verify accepts it offline", async () => {
    const res = await apiFetch(base, `/api/v1/incidents/${incidentId}/report.json`, { bearer: true });
    assert.equal(res.status, 200);
    const envelope = DsseEnvelopeView.parse(await res.json());
    assert.equal(envelope.payloadType, "application/vnd.in-toto+json");
    const file = path.join(out, `incident-${incidentId}.dsse.json`);
    writeFileSync(file, JSON.stringify(envelope, null, 2));
    const r = await runScript("scripts/report-verify.ts", [file, "--public-key", instanceKeyFromSeed(E2E_INSTANCE_SEED).publicKey]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /bundle verified: incident/);
    assert.match(r.stdout, /ok {3}record e2e-audit-M .*signature by e2e-planner-k1 verifies/);
  });

  await check("a checkpoint on demand, then /audit shows the log intact with who did what and when", async () => {
    const cp = await apiFetch(base, "/api/v1/audit/checkpoints", { method: "POST", bearer: true });
    assert.equal(cp.status, 200);
    const v = AuditVerifyView.parse(await (await apiFetch(base, "/api/v1/audit/verify", { bearer: true })).json());
    assert.equal(v.intact, true, v.problem?.message);
    await page.goto("/audit");
    await see(page.locator('[data-testid="audit-integrity"][data-intact="true"]').getByText("Audit log intact"), "the integrity status, intact");
    await see(page.getByTestId("audit-integrity").getByText(/last checkpoint \d{4}-\d\d-\d\d \d\d:\d\d:\d\d.* at entry \d+/), "the last checkpoint with its time and zone");
    await see(page.locator("tr[data-audit-seq]").filter({ hasText: "report.export_pdf" }), "the PDF export in the trail");
    await see(page.locator("tr[data-audit-seq]").filter({ hasText: `incident:${incidentId}` }), "the incident as the export's target");
    await see(page.locator("tr[data-audit-seq]").getByText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/).first(), "exact times with the zone");
    await shot(page, "audit-light");
  });

  await check("the audit screen filters by action, kept in the URL", async () => {
    await page.goto("/audit");
    await page.getByLabel("Action").fill("report.export_json");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((u) => u.pathname === "/audit" && u.searchParams.get("action") === "report.export_json", { timeout: WAIT_MS });
    await see(page.locator("tr[data-audit-seq]").filter({ hasText: "report.export_json" }), "the bundle export");
    assert.equal(await page.locator("tr[data-audit-seq]").filter({ hasText: "report.export_pdf" }).count(), 0);
  });

  await check("the records screen's export buttons keep the filters, and the download is every matching record", async () => {
    await page.goto("/records?agent=e2e-planner");
    const csv = page.getByRole("link", { name: "Export CSV" });
    await see(csv, "the CSV export button");
    const href = await csv.getAttribute("href");
    assert.equal(href, "/api/v1/records/export?format=csv&agent=e2e-planner");
    const body = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    assert.match(body, /^seq,id,timestamp/);
    assert.match(body, /e2e-audit-M/);
    assert.doesNotMatch(body, /e2e-audit-A/);
    await shot(page, "records-export-light");
    await page.goto("/audit?action=records.export");
    await see(page.locator("tr[data-audit-seq]").filter({ hasText: "records.export" }), "the records export in the trail");
  });
}

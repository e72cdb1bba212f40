// The incident exports end to end against a real database: the PDF and the
// signed bundle from the route handlers, each export in the audit trail, and
// `npm run report:verify` run as a child process on the bundle as exported
// and tampered (a record, the payload, the envelope signature).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const TOKEN = "fbk_reports-test-token-0123456789";
const INSTANCE_SEED = generateKeyPair().privateKey;
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
process.env.FIREBREAK_INSTANCE_KEY = INSTANCE_SEED;

const pdfRoute = await import("@/app/api/v1/incidents/[id]/report.pdf/route.ts");
const jsonRoute = await import("@/app/api/v1/incidents/[id]/report.json/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { groupFindings } = await import("@/lib/engine/incidents/incident-runner.ts");
const { checkpointIfDue } = await import("@/lib/audit/checkpointer.ts");
const { instanceKeyFromSeed } = await import("@/lib/config/instance-key.ts");
const { DsseEnvelopeView, IncidentStatement } = await import("@/lib/reports/bundle-schema.ts");
const { signEnvelope } = await import("@/lib/audit/dsse.ts");
const { canonicalText, incidentStatement } = await import("@/lib/reports/bundle.ts");
const { audit } = await import("@/lib/audit/audit-log.ts");
const { store } = await import("../lineage/lineage-fixtures.ts");
const { insertFinding } = await import("../incidents/incident-fixtures.ts");
const { registerAgents, signedRow, testAgent } = await import("./report-fixtures.ts");
const { runScript } = await import("../../helpers/run-script.ts");

const key = instanceKeyFromSeed(INSTANCE_SEED);
const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (p: string, headers: Record<string, string> = bearer) => new Request(`http://dash.test${p}`, { headers });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const dir = mkdtempSync(path.join(tmpdir(), "fb-report-"));
let incidentId = "";

type Envelope = { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] };
const decode = (env: Envelope) => JSON.parse(Buffer.from(env.payload, "base64").toString("utf8")) as { predicate: Record<string, unknown> & { records: { id: string; payload: string | null }[] } };
const encode = (statement: unknown) => Buffer.from(JSON.stringify(statement), "utf8").toString("base64");
const verify = (file: string, extra: string[] = ["--public-key", key.publicKey]) => runScript("scripts/report-verify.ts", [file, ...extra]);
const save = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

beforeAll(async () => {
  const pool = apiPool();
  const mallory = testAgent("mallory");
  const planner = testAgent("planner");
  const buyer = testAgent("buyer");
  await registerAgents(pool, [mallory, planner, buyer]);
  // A forged message -> planner -> a buyer's red action.
  await store(pool, [
    signedRow("O", mallory, { forged: true, receivers: ["planner"], verdicts: [{ verdict: "bad_signature", detail: "signature does not verify with key mallory-k1" }], at: 0 }),
    signedRow("M", planner, { parents: ["O"], receivers: ["buyer"], intent: "quote.request", at: 1 }),
    signedRow("A", buyer, { kind: "action", actionClass: "red", intent: "wire.transfer", parents: ["M"], at: 2 }),
  ]);
  const opened = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "M", agent: "planner", at: 1 }), await insertFinding(pool, { recordId: "A", agent: "buyer", at: 2 })]);
  incidentId = opened.opened[0]!;
  await audit(pool, { actor: "alice", action: "incident.note", target: `incident:${incidentId}`, detail: { text: "looking at the forged quote" } });
  await audit(pool, { actor: "bob", action: "breaker.force_open", target: "edge:planner->buyer", detail: { reason: "stop the transfers" } });
  await pool.query(
    `INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor)
     VALUES ('planner', 'buyer', 'CLOSED', 'OPEN', $1, 'forced', '{A}', 'forced open by bob', 'bob')`,
    [new Date(Date.UTC(2026, 10, 21, 12, 0, 5))],
  );
  await checkpointIfDue(pool, key, { force: true });
});
afterAll(async () => {
  await apiPool().end();
  await tdb.drop();
});

describe("incident report exports", () => {
  let bundleFile = "";
  let envelope: Envelope;

  it("report.json: a DSSE envelope of an in-toto statement with the records, registry, breaker events and audit run; audited", async () => {
    const res = await jsonRoute.GET(get(`/api/v1/incidents/${incidentId}/report.json`), params(incidentId));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`firebreak-incident-${incidentId}.dsse.json`);
    envelope = DsseEnvelopeView.parse(await res.json());
    expect(envelope.payloadType).toBe("application/vnd.in-toto+json");
    expect(envelope.signatures[0]?.keyid).toBe(key.keyId);
    const st = IncidentStatement.parse(decode(envelope));
    expect(st._type).toBe("https://in-toto.io/Statement/v1");
    expect(st.subject[0]?.name).toBe(`firebreak:incident:${incidentId}`);
    expect(st.predicate.records.map((r) => r.id).sort()).toEqual(["A", "M", "O"]);
    expect(st.predicate.records.find((r) => r.id === "M")?.signedPayload).toContain('"kind":"message"');
    expect(st.predicate.registry.agents.map((a) => a.id)).toEqual(["buyer", "mallory", "planner"]);
    expect(st.predicate.breakerEvents.map((b) => [b.to, b.actor])).toEqual([["OPEN", "bob"]]);
    expect(st.predicate.lineage.roots).toEqual(["O"]);
    expect(st.predicate.lineage.edges).toEqual(expect.arrayContaining([{ child: "M", parent: "O", kind: "parent" }, { child: "A", parent: "M", kind: "parent" }]));
    const actions = st.predicate.audit.entries.map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions).toEqual(expect.arrayContaining(["alice incident.note incident:" + incidentId, "bob breaker.force_open edge:planner->buyer", `admin (bearer) report.export_json incident:${incidentId}`]));
    expect(st.predicate.audit.checkpoint).not.toBeNull();
    bundleFile = save("bundle.json", envelope);
  });

  it("npm run report:verify passes the bundle as exported and says what it checked", async () => {
    const r = await verify(bundleFile);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ok   envelope: DSSE signature verifies");
    expect(r.stdout).toContain("ok   subject: sha256 of the canonical predicate matches");
    expect(r.stdout).toMatch(/ok {3}record M \(seq \d+, planner\): signature by planner-k1 verifies/);
    expect(r.stdout).toMatch(/ok {3}record O .*does not verify.*as the collector found at the door/);
    expect(r.stdout).toMatch(/ok {3}audit chain: \d+ entries hash and chain correctly/);
    expect(r.stdout).toContain("bundle verified: incident");
  });

  it("a record changed and the envelope re-signed by the instance key: the record's own signature still fails, naming it", async () => {
    const st = decode(envelope);
    const m = st.predicate.records.find((r) => r.id === "M")!;
    m.payload = JSON.stringify({ note: "record M", amount: 99999 });
    // An insider holding the instance key recomputes the digest and re-signs: only the agent's signature is left to catch it.
    const parsed = IncidentStatement.parse(st);
    const resigned = signEnvelope("application/vnd.in-toto+json", Buffer.from(canonicalText(incidentStatement(parsed.predicate))), key);
    const r = await verify(save("tampered-record.json", resigned));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bundle NOT verified: record M \(seq \d+, planner\): its bundled signed payload differs/);
    // Recomputing the signed payload too leaves the signature itself to fail.
    const m2 = parsed.predicate.records.find((x) => x.id === "M")!;
    m2.signedPayload = (await import("@/lib/reports/record-wire.ts")).canonicalSigningText(m2);
    const again = signEnvelope("application/vnd.in-toto+json", Buffer.from(canonicalText(incidentStatement(parsed.predicate))), key);
    const r2 = await verify(save("tampered-record-2.json", again));
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/bundle NOT verified: record M .*signature by planner-k1 does not match.*changed after it was stored/);
  });

  it("the payload changed without re-signing: the envelope signature and the subject digest fail", async () => {
    const st = decode(envelope);
    (st.predicate.incident as { incident: { severity: string } }).incident.severity = "low";
    const r = await verify(save("tampered-payload.json", { ...envelope, payload: encode(st) }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bundle NOT verified: envelope: no signature in the envelope verifies");
    expect(r.stdout).toContain("FAIL subject: the subject's sha256");
  });

  it("the envelope signature changed, or another key given: fails at the envelope", async () => {
    const sig = Buffer.from(envelope.signatures[0]!.sig, "base64");
    sig[10] = sig[10]! ^ 0xff;
    const r = await verify(save("tampered-sig.json", { ...envelope, signatures: [{ keyid: key.keyId, sig: sig.toString("base64") }] }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bundle NOT verified: envelope:");
    const other = generateKeyPair().publicKey;
    const wrongKey = await verify(bundleFile, ["--public-key", other]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain("FAIL envelope");
  });

  it("an audit entry changed inside the bundle (re-signed): the chain check names it", async () => {
    const st = IncidentStatement.parse(decode(envelope));
    const entry = st.predicate.audit.entries.find((e) => e.actor === "alice")!;
    entry.detail = { text: "nothing happened" };
    const resigned = signEnvelope("application/vnd.in-toto+json", Buffer.from(canonicalText(incidentStatement(st.predicate))), key);
    const r = await verify(save("tampered-audit.json", resigned));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`bundle NOT verified: audit entry ${entry.seq}: its content does not match its hash`);
  });

  it("report.pdf: a PDF with the incident's summary, timeline, records and who did what; audited", async () => {
    const res = await pdfRoute.GET(get(`/api/v1/incidents/${incidentId}/report.pdf`), params(incidentId));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    writeFileSync(path.join(dir, "report.pdf"), pdf);
    // Set FB_REPORT_PDF_OUT to keep a copy to look at (pdftoppm -png).
    if (process.env.FB_REPORT_PDF_OUT) writeFileSync(process.env.FB_REPORT_PDF_OUT, pdf);
    const { rows } = await apiPool().query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_entries WHERE target = $1 AND action LIKE 'report.%' ORDER BY seq`, [`incident:${incidentId}`]);
    expect(rows).toEqual([
      { action: "report.export_json", actor: "admin (bearer)" },
      { action: "report.export_pdf", actor: "admin (bearer)" },
    ]);
  });

  it("404 for an unknown incident, and nothing is audited for it; 401 without credentials", async () => {
    const res = await pdfRoute.GET(get("/api/v1/incidents/999999/report.pdf"), params("999999"));
    expect(res.status).toBe(404);
    const { rows } = await apiPool().query(`SELECT 1 FROM audit_entries WHERE target = 'incident:999999'`);
    expect(rows).toHaveLength(0);
    expect((await jsonRoute.GET(get(`/api/v1/incidents/${incidentId}/report.json`, {}), params(incidentId))).status).toBe(401);
  });
});

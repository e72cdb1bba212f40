// The e2e cascade, seeded into a real database and grouped by the real
// engine: one critical incident whose origin is the forged intake message,
// and the lineage numbers the screens show, through the routes they call.
import { afterAll, describe, expect, it } from "vitest";

const TOKEN = "fbk_cascade-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;

const { pool } = await import("@/lib/db/pool.ts");
const originRoute = await import("@/app/api/v1/lineage/origin/route.ts");
const blastRoute = await import("@/app/api/v1/lineage/blast-radius/route.ts");
const recordRoute = await import("@/app/api/v1/records/[id]/route.ts");
const { BlastRadiusView, OriginView } = await import("@/lib/api/engine-views.ts");
const { RecordDetail } = await import("@/lib/api/views.ts");
const { CASCADE_EXPECTED, CASCADE_ORIGIN, FAN_AGENTS, seedCascade } = await import("../../fixtures/incident-cascade.ts");
const { incidentsNow } = await import("./incident-fixtures.ts");

const get = (path: string) => new Request(`http://dash.test${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

afterAll(async () => {
  await pool().end();
  await tdb.drop();
});

describe("the incident cascade fixture", () => {
  it("groups into one critical incident rooted at the forged message, and one medium one; the routes answer what the screens show", async () => {
    const seeded = await seedCascade(pool(), Date.now() - 30 * 60_000);
    expect(seeded.opened).toHaveLength(2);
    const all = await incidentsNow(pool());
    const critical = all.find((i) => i.id === seeded.critical)!;
    expect(critical).toMatchObject({ severity: "critical", status: "open", origins: [CASCADE_ORIGIN] });
    expect(critical.findings).toHaveLength(3);
    expect(all.find((i) => i.id === seeded.medium)?.severity).toBe("medium");

    const blast = BlastRadiusView.parse(await (await blastRoute.GET(get(`/api/v1/lineage/blast-radius?record=${CASCADE_ORIGIN}&maxNodes=20000`))).json());
    expect(blast.counts.total).toBe(CASCADE_EXPECTED.downstream);
    expect(blast.decisions).toEqual({ total: CASCADE_EXPECTED.decisions, tainted: CASCADE_EXPECTED.decisions, share: 1 });
    for (const agent of FAN_AGENTS) expect(blast.byAgent.find((a) => a.agent === agent)?.records).toBe(CASCADE_EXPECTED.perFanAgent);

    const origin = OriginView.parse(await (await originRoute.GET(get("/api/v1/lineage/origin?record=e2e-buyer-0001"))).json());
    expect(origin.origins.map((o) => [o.id, o.agent])).toEqual([[CASCADE_ORIGIN, "ticket-intake"]]);
    expect(origin.paths[0]?.hops).toBe(3);

    const res = await recordRoute.GET(get("/api/v1/records/e2e-buyer-0001"), { params: Promise.resolve({ id: "e2e-buyer-0001" }) });
    expect(res.status).toBe(200);
    expect(RecordDetail.parse(await res.json()).records[0]?.actionClass).toBe("red");
  });
});

// Webhooks stored in plaintext by an earlier version are sealed when a
// collector starts (lib/collector/runtime.ts), the way an upgrade meets them;
// a start without the instance key still ingests and says what to fix.
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const TOKEN = "fbk_sealing-at-start-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.FIREBREAK_COLLECTOR_PORT = "0";
process.env.FIREBREAK_COLLECTOR_HOST = "127.0.0.1";
process.env.FIREBREAK_ENGINE = "off";
process.env.FIREBREAK_WEBHOOKS = "off";
const { startCollectorFromEnv } = await import("@/lib/collector/runtime.ts");
const { createPool } = await import("@/lib/db/ingest-store.ts");
const pool = createPool(tdb.url, 2);

afterAll(async () => {
  await pool.end();
  await tdb.drop();
});

const SECRET = "whsec_from-an-earlier-version-0123";
const URL_WITH_TOKEN = "https://hooks.slack.com/services/T000/B000/legacy-token";

describe("a collector's start", () => {
  it("seals plaintext webhooks; without the instance key it starts anyway, says so, and leaves them for the next start", async () => {
    await pool.query(`INSERT INTO webhooks (name, url, format, events, secret, created_by) VALUES ('legacy', $1, 'slack', $2, $3, 'old version')`, [URL_WITH_TOKEN, ["breaker.tripped"], SECRET]);

    const seed = generateKeyPair().privateKey;
    delete process.env.FIREBREAK_INSTANCE_KEY;
    const lines: string[] = [];
    const first = await startCollectorFromEnv(tdb.url, TOKEN, (l) => lines.push(l));
    expect(first.port).toBeGreaterThan(0);
    await first.close();
    expect(lines.join("\n")).toMatch(/could not seal the webhooks stored in plaintext .*FIREBREAK_INSTANCE_KEY is not set/);
    expect((await pool.query(`SELECT url, secret FROM webhooks`)).rows).toEqual([{ url: URL_WITH_TOKEN, secret: SECRET }]);

    process.env.FIREBREAK_INSTANCE_KEY = seed;
    lines.length = 0;
    const second = await startCollectorFromEnv(tdb.url, TOKEN, (l) => lines.push(l));
    await second.close();
    expect(lines).toContain("webhooks: sealed the URL and secret of 1 webhook(s) stored in plaintext by an earlier version");
    const row = (await pool.query<Record<string, unknown>>(`SELECT row_to_json(w) AS row FROM webhooks w`)).rows[0]!.row as Record<string, unknown>;
    expect(row).toMatchObject({ url: null, secret: null, url_display: "https://hooks.slack.com/services/…" });
    expect(JSON.stringify(row)).not.toContain("legacy-token");
    expect(JSON.stringify(row)).not.toContain(SECRET);
  });
});

import pg from "pg";
import { writeFileSync } from "node:fs";
import { freePort, startNext } from "../test/e2e/harness.ts";
import { insertGeneratedTrace } from "../test/integration/traces/trace-fixtures.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
const TOKEN = `fbk_bench_probe_${Date.now().toString(36)}_0123456789abcdef`;
const database = await startBenchDatabase();
const db = new pg.Client({ connectionString: database.url });
await db.connect();
const web = await startNext(await freePort(), { DATABASE_URL: database.url, FIREBREAK_TOKEN: TOKEN, TZ: "UTC" });
try {
  await insertGeneratedTrace(db, { traceId: "a".repeat(32), spans: 1500, shape: "tree", fanout: 4, recordEvery: 10 });
  await db.query("ANALYZE spans; ANALYZE records");
  const r = await fetch(`${web.baseUrl}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json", origin: web.baseUrl }, body: JSON.stringify({ token: TOKEN }) });
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const page = await fetch(`${web.baseUrl}/traces/${"a".repeat(32)}`, { headers: { cookie } });
    const html = await page.text();
    console.log(page.status, `${(performance.now() - t).toFixed(0)} ms`, html.length, "chars");
    writeFileSync("/tmp/tp/page.html", html);
  }
} finally {
  await web.stop();
  await db.end();
  await database.stop();
}

// The ingest benchmarks' shared pieces: the fleet registered in the
// database, and a closed-loop load that sends prepared bodies as fast as the
// collector(s) acknowledge them.
import type { BenchFleet } from "./signed-bodies.ts";

export async function registerFleet(url: string, fleet: BenchFleet): Promise<void> {
  const { createPrisma } = await import("../../lib/db/prisma.ts");
  const { registerAgent, putContract } = await import("../../lib/registry/service.ts");
  const prisma = createPrisma(url);
  await putContract(prisma, "default", { intent: "PriceQuote", schema: { type: "object", required: ["sku", "unit_price"], properties: { sku: { type: "string" }, unit_price: { type: "number" } } } });
  for (const a of fleet.registry) await registerAgent(prisma, "default", a);
  await prisma.$disconnect();
}

export async function post(url: string, token: string, body: Uint8Array): Promise<number> {
  const res = await fetch(url, { method: "POST", body: new Uint8Array(body), headers: { authorization: `Bearer ${token}`, "content-type": "application/x-protobuf" } });
  await res.arrayBuffer();
  return res.status;
}

/** Sends every body with `concurrency` requests in flight; counts the records acknowledged. */
export async function saturate(url: string, token: string, bodies: { body: Uint8Array; records: number }[], concurrency: number) {
  let next = 0;
  let records = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        const status = await post(url, token, b.body);
        if (status === 200) records += b.records;
        else failed++;
      }
    }),
  );
  return { records, failed, seconds: (performance.now() - started) / 1000 };
}

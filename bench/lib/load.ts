// Load shapes shared by the ingest benchmark and chaos:infra: closed-loop
// saturation (the sustainable rate) and open-loop steady load at a given rate
// (latency of every acknowledgement, and every other answer counted).
import type { Ledger, LedgerBatch } from "./ack-ledger.ts";
import { sendOnce } from "./ack-ledger.ts";

export interface LoadBody extends LedgerBatch {
  records: number;
}

export async function registerFleet(url: string, registry: Record<string, unknown>[]): Promise<void> {
  const { createPrisma } = await import("../../lib/db/prisma.ts");
  const { registerAgent, putContract } = await import("../../lib/registry/service.ts");
  const prisma = createPrisma(url);
  await putContract(prisma, "default", { intent: "PriceQuote", schema: { type: "object", required: ["sku", "unit_price"], properties: { sku: { type: "string" }, unit_price: { type: "number" } } } });
  for (const a of registry) await registerAgent(prisma, "default", a as Parameters<typeof registerAgent>[2]);
  await prisma.$disconnect();
}

/** As fast as the collector acknowledges, `concurrency` requests at a time. */
export async function saturate(url: string, token: string, bodies: LoadBody[], concurrency: number): Promise<{ records: number; failed: number; seconds: number }> {
  let next = 0;
  let records = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        const r = await sendOnce(url, token, b.body);
        if (r.status === 200) records += b.records;
        else failed++;
      }
    }),
  );
  return { records, failed, seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop: one request every batch/perSec seconds for maxSeconds, whatever
 * the answers (each sent once, no retry). Bodies are reused when the run
 * outlasts them: a resent batch is an idempotent write, still verified in full.
 */
/** `once`: each body is sent at most once (stops when they run out); otherwise they are sent again from the first (replays). */
export async function steadyLoad(url: string, token: string, bodies: LoadBody[], perSec: number, maxSeconds: number, ledger: Ledger, once = false): Promise<{ seconds: number }> {
  const batchSize = bodies[0]?.records ?? 1;
  const interval = (batchSize / perSec) * 1000;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; ; i++) {
    const due = started + i * interval;
    if (performance.now() - started > maxSeconds * 1000 || (once && i >= bodies.length)) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const b = bodies[i % bodies.length]!;
    ledger.attempted.push(b);
    ledger.requests++;
    inflight.push(
      sendOnce(url, token, b.body).then((r) => {
        const key = String(r.status);
        ledger.answers[key] = (ledger.answers[key] ?? 0) + 1;
        if (r.status === 200) {
          ledger.acknowledged.push(b);
          ledger.ackLatencies.push(r.ms);
        } else if (r.status !== 429 && r.status !== 503 && r.status !== "error") {
          ledger.unexpected.push({ status: r.status, body: r.text.slice(0, 300) });
        }
      }),
    );
  }
  await Promise.all(inflight);
  return { seconds: (performance.now() - started) / 1000 };
}

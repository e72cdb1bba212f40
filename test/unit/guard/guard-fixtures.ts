// A small world of guards for tests: a gateway, two agents and an approver
// with fixture keys, one registry snapshot, one LocalPolicy they all obey, a
// clock the test moves, seeded ids, and an in-memory exporter per guard so a
// test can see exactly which spans each guard emitted.
import { expect } from "vitest";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createGuard, type Guard, type GuardOptions } from "@/lib/guard/guard.ts";
import { seededRandom } from "@/lib/guard/ids.ts";
import { LocalPolicy } from "@/lib/guard/policy.ts";
import type { RegistrySnapshot } from "@/lib/registry/types.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { FIXTURE_NOW } from "../../fixtures/records.ts";
import { makeAgent, makeContract, makeSnapshot } from "../../fixtures/registry.ts";

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export function fakeClock(start = FIXTURE_NOW): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

export const GATEWAY = "gateway";
export const A = "agent-a";
export const B = "agent-b";
export const C = "agent-c";
export const APPROVER = "approver.alice";

export const taskContract = makeContract("Task", { type: "object", required: ["text"], properties: { text: { type: "string" } } });
export const quoteContract = makeContract("Quote", {
  type: "object",
  required: ["sku", "price"],
  properties: { sku: { type: "string" }, price: { type: "number" } },
});

/** The registry every guard in the world judges with. */
export function worldSnapshot(): RegistrySnapshot {
  return makeSnapshot(
    [
      makeAgent({ id: GATEWAY, kind: "gateway", capabilities: [{ intent: "Task", to: [A] }], labels: { team: "edge" } }),
      makeAgent({
        id: A,
        capabilities: [{ intent: "Quote", to: [B, C, "agent-d", "agent-e"] }],
        memory: { read: ["notes/*"], write: ["notes/*"] },
        protocols: { a2a: "0.3" },
        labels: { team: "pricing" },
      }),
      makeAgent({
        id: B,
        capabilities: [
          { intent: "Quote", to: [A, C] },
          { intent: "place_order", to: [] },
          { intent: "log_quote", to: [] },
        ],
        labels: { team: "orders" },
      }),
      makeAgent({ id: C, capabilities: [{ intent: "Quote", to: [A, B] }] }),
      makeAgent({ id: APPROVER, kind: "approver" }),
    ],
    { contracts: [taskContract, quoteContract] },
  );
}

export interface World {
  clock: FakeClock;
  policy: LocalPolicy;
  snapshot: RegistrySnapshot;
  guards: Record<string, Guard>;
  exporters: Record<string, InMemorySpanExporter>;
  /** Finished spans of one guard. */
  spans(agentId: string): ReadableSpan[];
  /** Record spans (with firebreak.kind) of one guard. */
  recordSpans(agentId: string): ReadableSpan[];
}

export function makeWorld(overrides: Partial<GuardOptions> = {}, ids: readonly string[] = [GATEWAY, A, B, C, APPROVER]): World {
  const clock = fakeClock();
  const policy = new LocalPolicy();
  const snapshot = worldSnapshot();
  const guards: Record<string, Guard> = {};
  const exporters: Record<string, InMemorySpanExporter> = {};
  for (const id of ids) {
    const key = makeKeyPair(id);
    const exporter = new InMemorySpanExporter();
    exporters[id] = exporter;
    guards[id] = createGuard({
      agentId: id,
      keys: { keyId: key.keyId, privateKey: key.signingKey },
      registry: snapshot,
      policy,
      exporter,
      processor: "simple",
      clock: clock.now,
      random: seededRandom(`world:${id}`),
      ...overrides,
    });
  }
  const spans = (id: string): ReadableSpan[] => exporters[id]?.getFinishedSpans() ?? [];
  return {
    clock,
    policy,
    snapshot,
    guards,
    exporters,
    spans,
    recordSpans: (id) => spans(id).filter((s) => s.attributes["firebreak.kind"] !== undefined),
  };
}

/** The guard of `id`; throws when the world has none, so tests need no `!`. */
export function guardOf(world: World, id: string): Guard {
  const g = world.guards[id];
  if (g === undefined) throw new Error(`no guard for ${id}`);
  return g;
}

/** request -> the gateway's Task to A -> A's Quote to B, each received: B can act on m2 (its authority goes back to req). */
export function quoteChain(w: World): { req: WireRecord; m2: WireRecord } {
  const [gw, a, b] = [guardOf(w, GATEWAY), guardOf(w, A), guardOf(w, B)];
  const req = gw.request("restock A-1");
  const m1 = gw.send(A, "Task", { text: "restock" }, { parents: [req] });
  expect(a.receive(m1).accepted).toBe(true);
  const m2 = a.send(B, "Quote", { sku: "A-1", price: 3 }, { parents: [m1] });
  expect(b.receive(m2).accepted).toBe(true);
  return { req, m2 };
}

// Realistic signed traffic for benchmarks: a registered fleet, and OTLP
// protobuf bodies of firebreak/1 records (a human request per batch, then
// messages that descend from it), encoded once before anything is timed.
import { randomBytes, type KeyObject } from "node:crypto";
import { otlpSchema } from "../../lib/otlp/schema.ts";
import { generateKeyPair, privateKeyFromSeed } from "../../lib/protocol/keys.ts";
import type { WireRecord } from "../../lib/protocol/record.ts";
import { signRecord } from "../../lib/protocol/sign.ts";
import { attributesFromRecord } from "../../lib/protocol/span-to-record.ts";

export interface FleetMember {
  id: string;
  keyId: string;
  signingKey: KeyObject;
}

export interface BenchFleet {
  gateway: FleetMember;
  agents: FleetMember[];
  /** Registry entries (AgentInput) for the registry service. */
  registry: Record<string, unknown>[];
}

export function makeFleet(n: number): BenchFleet {
  const member = (id: string): { m: FleetMember; publicKey: string } => {
    const kp = generateKeyPair();
    return { m: { id, keyId: `${id}-k1`, signingKey: privateKeyFromSeed(kp.privateKey) }, publicKey: kp.publicKey };
  };
  const gw = member("gateway");
  const agents = Array.from({ length: n }, (_, i) => member(`agent-${String(i).padStart(4, "0")}`));
  const entry = (x: { m: FleetMember; publicKey: string }, kind: string, capabilities: unknown[]) => ({
    id: x.m.id,
    displayName: x.m.id,
    kind,
    keys: [{ keyId: x.m.keyId, publicKey: x.publicKey }],
    capabilities,
    memory: { read: [], write: [] },
    protocols: { a2a: "0.3" },
    labels: { team: "bench" },
  });
  return {
    gateway: gw.m,
    agents: agents.map((a) => a.m),
    registry: [entry(gw, "gateway", []), ...agents.map((a) => entry(a, "agent", [{ intent: "PriceQuote", to: ["*"] }]))],
  };
}

function sign(rec: WireRecord, m: FleetMember): WireRecord {
  return { ...rec, signature: signRecord(rec, m.keyId, m.signingKey) };
}

function anyValue(v: string | string[]): Record<string, unknown> {
  return Array.isArray(v) ? { arrayValue: { values: v.map((s) => ({ stringValue: s })) } } : { stringValue: v };
}

export function encodeRecords(records: WireRecord[]): Uint8Array {
  const traceId = randomBytes(16);
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = records.map((rec) => ({
    traceId,
    spanId: randomBytes(8),
    name: `${rec.kind} ${rec.intent ?? ""}`,
    kind: 1,
    startTimeUnixNano: now.toString(),
    endTimeUnixNano: (now + 1000n).toString(),
    attributes: Object.entries(attributesFromRecord(rec)).map(([key, value]) => ({ key, value: anyValue(value) })),
  }));
  const type = otlpSchema().exportTraceServiceRequest;
  return type
    .encode(
      type.fromObject({
        resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "bench-fleet" } }] }, scopeSpans: [{ scope: { name: "firebreak-bench" }, spans }] }],
      }),
    )
    .finish();
}

/** `total` records in bodies of `batch`: one request each, the rest messages descending from it. */
/** `firstSeq`: where record ids start, so bodies made in two calls for one fleet never share an id. */
export async function generateBodies(fleet: BenchFleet, total: number, batch: number, _cores: number, firstSeq = 0): Promise<{ body: Uint8Array; records: number; ids: string[] }[]> {
  const out: { body: Uint8Array; records: number; ids: string[] }[] = [];
  let made = 0;
  let seq = firstSeq;
  while (made < total) {
    const n = Math.min(batch, total - made);
    const ts = new Date().toISOString();
    const request = sign(
      { kind: "request", id: `req-${seq++}`, agent: "gateway", intent: "restock", protocol: "a2a/0.3", timestamp: ts, nonce: randomBytes(16).toString("base64url"), payload: '{"text":"restock"}', parents: [], authority: [] },
      fleet.gateway,
    );
    const records: WireRecord[] = [request];
    for (let i = 1; i < n; i++) {
      const from = fleet.agents[(seq + i) % fleet.agents.length]!;
      const to = fleet.agents[(seq + i + 1) % fleet.agents.length]!;
      records.push(
        sign(
          {
            kind: "message",
            id: `msg-${seq++}`,
            agent: from.id,
            to: [to.id],
            intent: "PriceQuote",
            protocol: "a2a/0.3",
            timestamp: ts,
            nonce: randomBytes(16).toString("base64url"),
            payload: JSON.stringify({ sku: `SKU-${i % 97}`, unit_price: 10 + (i % 13) }),
            parents: [request.id],
            authority: [request.id],
          },
          from,
        ),
      );
    }
    out.push({ body: encodeRecords(records), records: records.length, ids: records.map((r) => r.id) });
    made += n;
  }
  return out;
}

// Bad input gets the right status and a message that says what to fix, and
// never stores anything partial.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gzipSync, createGzip } from "node:zlib";
import { Readable } from "node:stream";
import { otlpSchema } from "../../../lib/otlp/schema.ts";
import { attributesFromRecord } from "../../../lib/protocol/span-to-record.ts";
import { makeSignedRecord } from "../../fixtures/records.ts";
import { makeAgent, makeSnapshot } from "../../fixtures/registry.ts";
import { attr, encodeRequest, makeRequest, makeSpan, str, arr, type KeyValueFixture } from "../../unit/otlp/fixtures.ts";
import { startHarness, TOKEN, type Harness } from "./collector-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 1024 * 1024 }, makeSnapshot([makeAgent({ id: "agent-a", capabilities: [{ intent: "*", to: ["*"] }] })]));
});
afterAll(async () => h.close());

interface Sent {
  status: number;
  body: Buffer;
  headers: Headers;
}

async function post(body: Uint8Array, headers: Record<string, string> = {}): Promise<Sent> {
  const res = await fetch(h.url, {
    method: "POST",
    body: new Uint8Array(body),
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-protobuf", ...headers },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

function statusMessage(sent: Sent): string {
  return (otlpSchema().rpcStatus.decode(sent.body) as unknown as { message: string }).message;
}

function partialSuccess(sent: Sent): { rejectedSpans: number; errorMessage: string } {
  const m = otlpSchema().exportTraceServiceResponse.toObject(otlpSchema().exportTraceServiceResponse.decode(sent.body), { longs: Number, defaults: true }) as {
    partialSuccess?: { rejectedSpans: number; errorMessage: string };
  };
  return m.partialSuccess ?? { rejectedSpans: 0, errorMessage: "" };
}

function recordAttrs(over: Record<string, unknown> = {}): KeyValueFixture[] {
  const rec = makeSignedRecord({ timestamp: new Date().toISOString(), ...over });
  return Object.entries(attributesFromRecord(rec)).map(([k, v]) => attr(k, Array.isArray(v) ? arr(...v.map(str)) : str(v)));
}

async function nothingStored(): Promise<void> {
  expect(await h.count("spans")).toBe(0);
  expect(await h.count("records")).toBe(0);
  expect(await h.count("nonces")).toBe(0);
}

describe("bad input at the collector", () => {
  it("401 without the ingest key, with a WWW-Authenticate header", async () => {
    const sent = await post(encodeRequest(makeRequest([makeSpan()]), "protobuf"), { authorization: "Bearer wrong" });
    expect(sent.status).toBe(401);
    expect(sent.headers.get("www-authenticate")).toContain("Bearer");
    expect(statusMessage(sent)).toMatch(/ingest key/);
    await nothingStored();
  });

  it("400 for a truncated protobuf, naming the problem", async () => {
    const whole = encodeRequest(makeRequest([makeSpan({ attributes: recordAttrs() })]), "protobuf");
    const sent = await post(whole.subarray(0, whole.length - 7));
    expect(sent.status).toBe(400);
    expect(statusMessage(sent).length).toBeGreaterThan(10);
    await nothingStored();
  });

  it("415 for a content type that is not OTLP", async () => {
    const sent = await post(Buffer.from("hello"), { "content-type": "text/plain" });
    expect(sent.status).toBe(415);
    expect(sent.body.toString()).toMatch(/application\/x-protobuf|application\/json/);
    await nothingStored();
  });

  it("400 for invalid JSON", async () => {
    const sent = await post(Buffer.from('{"resourceSpans": ['), { "content-type": "application/json" });
    expect(sent.status).toBe(400);
    expect(JSON.parse(sent.body.toString()).message).toMatch(/JSON/i);
    await nothingStored();
  });

  it("413 for an oversized body", async () => {
    const sent = await post(Buffer.alloc(2 * 1024 * 1024, 1));
    expect(sent.status).toBe(413);
    await nothingStored();
  });

  it("413 for a gzip bomb, stopped without inflating it", async () => {
    // 256 MiB of zeros, compressed on the fly to ~250 KiB.
    const chunk = Buffer.alloc(1024 * 1024);
    let left = 256;
    const zeros = new Readable({ read() { this.push(left-- > 0 ? chunk : null); } });
    const parts: Buffer[] = [];
    for await (const p of zeros.pipe(createGzip())) parts.push(p as Buffer);
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const sent = await post(bomb, { "content-encoding": "gzip" });
    expect(sent.status).toBe(413);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
    await nothingStored();
  });

  it("400 for corrupt gzip", async () => {
    const gz = gzipSync(encodeRequest(makeRequest([makeSpan()]), "protobuf"));
    gz.writeUInt8(gz.readUInt8(gz.length - 5) ^ 0xff, gz.length - 5);
    gz.writeUInt8(gz.readUInt8(20) ^ 0xff, 20);
    const sent = await post(gz, { "content-encoding": "gzip" });
    expect(sent.status).toBe(400);
    await nothingStored();
  });

  it("rejects spans with bad hex ids in partial_success and stores the good ones", async () => {
    const good = makeSpan({ attributes: recordAttrs() }, 1);
    const bad = makeSpan({ raw: { spanId: "zz" } }, 2);
    const body = encodeRequest(makeRequest([good, bad]), "json");
    const res = await fetch(h.url, { method: "POST", body: new Uint8Array(body), headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { partialSuccess?: { rejectedSpans: number | string; errorMessage: string } };
    expect(Number(json.partialSuccess?.rejectedSpans)).toBe(1);
    expect(json.partialSuccess?.errorMessage).toMatch(/spanId/);
    expect(await h.count("spans")).toBe(1);
    expect(await h.count("records")).toBe(1);
    await h.pool.query("TRUNCATE spans, records, nonces");
  });

  it("rejects a record with a wrong attribute type, saying which and what type", async () => {
    const attrs = recordAttrs().map((a) => (a.key === "firebreak.to" ? attr("firebreak.to", str("agent-b")) : a));
    const sent = await post(encodeRequest(makeRequest([makeSpan({ attributes: attrs })]), "protobuf"));
    expect(sent.status).toBe(200);
    const ps = partialSuccess(sent);
    expect(ps.rejectedSpans).toBe(1);
    expect(ps.errorMessage).toMatch(/firebreak\.to must be an array of strings/);
    await nothingStored();
  });

  it("rejects a span with 10,000 attributes", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => attr(`k${i}`, str("v")));
    const sent = await post(encodeRequest(makeRequest([makeSpan({ attributes: many })]), "protobuf"));
    expect(sent.status).toBe(200);
    const ps = partialSuccess(sent);
    expect(ps.rejectedSpans).toBe(1);
    expect(ps.errorMessage).toMatch(/attributes/);
    await nothingStored();
  });

  it("rejects a record whose payload JSON is nested absurdly deep", async () => {
    const deep = "[".repeat(5_000) + "]".repeat(5_000);
    const attrs = recordAttrs().map((a) => (a.key === "firebreak.payload" ? attr("firebreak.payload", str(deep)) : a));
    const sent = await post(encodeRequest(makeRequest([makeSpan({ attributes: attrs })]), "protobuf"));
    expect(sent.status).toBe(200);
    const ps = partialSuccess(sent);
    expect(ps.rejectedSpans).toBe(1);
    expect(ps.errorMessage).toMatch(/payload/);
    await nothingStored();
  });

  it("405 for GET, 404 elsewhere", async () => {
    expect((await fetch(h.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await fetch(h.url.replace("/v1/traces", "/v1/metrics"), { method: "POST" })).status).toBe(404);
  });
});

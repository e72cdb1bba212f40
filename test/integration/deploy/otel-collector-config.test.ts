// The example OpenTelemetry Collector configuration (deploy/) checked against
// what Firebreak serves. No otelcol binary is available offline, so the test
// reads the YAML, checks the settings that must match Firebreak (path,
// header, compression, encoding, routing by trace id, retries outlasting a
// Retry-After), then sends a request built exactly as the otlphttp exporter
// would build it from that configuration to a real collector.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { parse } from "yaml";
import { z } from "zod";
import { parseContentType } from "../../../lib/otlp/body.ts";
import { makeSignedRecord } from "../../fixtures/records.ts";
import { makeAgent, makeSnapshot } from "../../fixtures/registry.ts";
import { encodeRecordsForTest } from "../../helpers/encode-records.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";

const Duration = z.string().regex(/^\d+(ms|s|m|h)$/);
const seconds = (d: string): number => {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d)!;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
};
const Queue = z.object({ enabled: z.literal(true), num_consumers: z.number().int().positive(), queue_size: z.number().int().positive() });
const Retry = z.object({ enabled: z.literal(true), initial_interval: Duration, max_interval: Duration, max_elapsed_time: Duration });

const Sidecar = z.object({
  receivers: z.object({ otlp: z.object({ protocols: z.object({ grpc: z.object({ endpoint: z.string() }) }) }) }),
  exporters: z.object({
    "otlphttp/firebreak": z.object({
      traces_endpoint: z.url(),
      encoding: z.enum(["proto", "json"]),
      compression: z.string(),
      headers: z.record(z.string(), z.string()),
      timeout: Duration,
      sending_queue: Queue,
      retry_on_failure: Retry,
    }),
  }),
  service: z.object({ pipelines: z.object({ traces: z.object({ receivers: z.array(z.string()), exporters: z.array(z.string()) }) }) }),
});

const Gateway = z.object({
  exporters: z.object({
    loadbalancing: z.object({
      routing_key: z.string(),
      protocol: z.object({ otlp: z.object({ timeout: Duration, sending_queue: Queue, retry_on_failure: Retry }).loose() }),
      resolver: z.object({ static: z.object({ hostnames: z.array(z.string()).min(2) }) }),
    }),
  }),
  service: z.object({ pipelines: z.object({ traces: z.object({ exporters: z.array(z.string()) }) }) }),
});

const sidecar = Sidecar.parse(parse(readFileSync("deploy/otel-collector-sidecar.yaml", "utf8")));
const gateway = Gateway.parse(parse(readFileSync("deploy/otel-collector.yaml", "utf8")));
const exporter = sidecar.exporters["otlphttp/firebreak"];

describe("deploy/otel-collector.yaml (gateway)", () => {
  it("routes by trace id to several backends, each a sidecar's gRPC receiver", () => {
    const lb = gateway.exporters.loadbalancing;
    expect(lb.routing_key).toBe("traceID");
    expect(gateway.service.pipelines.traces.exporters).toContain("loadbalancing");
    const sidecarPort = sidecar.receivers.otlp.protocols.grpc.endpoint.split(":").at(-1);
    for (const host of lb.resolver.static.hostnames) expect(host.split(":").at(-1)).toBe(sidecarPort);
  });

  it("queues and retries long enough to outlast Firebreak's Retry-After (5 s on storage trouble)", () => {
    const retry = gateway.exporters.loadbalancing.protocol.otlp.retry_on_failure;
    expect(seconds(retry.max_elapsed_time)).toBeGreaterThanOrEqual(60);
    expect(seconds(exporter.retry_on_failure.max_elapsed_time)).toBeGreaterThanOrEqual(60);
    expect(seconds(exporter.retry_on_failure.max_interval)).toBeGreaterThanOrEqual(5);
  });
});

describe("deploy/otel-collector-sidecar.yaml (otlphttp to Firebreak)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, makeSnapshot([makeAgent({ id: "agent-a", capabilities: [{ intent: "*", to: ["*"] }] })]));
  });
  afterAll(async () => h.close());

  it("names what Firebreak serves: /v1/traces, protobuf, gzip, a Bearer ingest key", () => {
    expect(new URL(exporter.traces_endpoint).pathname).toBe("/v1/traces");
    expect(exporter.encoding).toBe("proto");
    expect(exporter.compression).toBe("gzip");
    expect(Object.keys(exporter.headers)).toEqual(["Authorization"]);
    expect(exporter.headers.Authorization).toMatch(/^Bearer \$\{env:[A-Z_]+\}$/);
    expect(sidecar.service.pipelines.traces.exporters).toEqual(["otlphttp/firebreak"]);
    // What the exporter sends for `encoding: proto`.
    expect(parseContentType("application/x-protobuf")).toBe("protobuf");
  });

  it("a request built from the configuration as the exporter builds it is stored by a real collector", async () => {
    const url = new URL(exporter.traces_endpoint);
    const served = new URL(h.url);
    url.host = served.host;
    // ${env:FIREBREAK_INGEST_KEY} expanded as the collector expands it.
    const headers = Object.fromEntries(Object.entries(exporter.headers).map(([k, v]) => [k, v.replace(/\$\{env:([A-Z_]+)\}/g, () => TOKEN)]));
    const rec = makeSignedRecord({ timestamp: new Date().toISOString() });
    const res = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/x-protobuf", "content-encoding": exporter.compression },
      body: new Uint8Array(gzipSync(encodeRecordsForTest([rec]))),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    // Stored once, signature checked (the fixture registry has no contracts, so its verdicts are not the point here).
    const rows = await h.records("record_id = $1", [rec.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdicts).not.toContain("bad_signature");
  });
});

import { describe, expect, it } from "vitest";
import { decodeTraceRequest } from "@/lib/otlp/decode.ts";
import { OtlpDecodeError } from "@/lib/otlp/errors.ts";
import { DEFAULT_OTLP_LIMITS, OtlpLimits } from "@/lib/otlp/limits.ts";
import {
  T0,
  arr,
  attr,
  bool,
  bulkRequest,
  bytes,
  dbl,
  deeplyNestedProtobuf,
  empty,
  encodeObject,
  encodeRequest,
  int,
  kvlist,
  makeRequest,
  makeSpan,
  nestedArray,
  str,
  traceIdFor,
  spanIdFor,
  type ResourceSpansFixture,
} from "./fixtures.ts";

const decodePb = (body: Uint8Array, limits = DEFAULT_OTLP_LIMITS) => decodeTraceRequest(body, "protobuf", limits);
const SPAN0 = "resourceSpans[0].scopeSpans[0].spans[0]";

function decodeOne(...spans: Parameters<typeof makeSpan>[0][]) {
  return decodePb(encodeRequest(makeRequest(spans.map((s, i) => makeSpan(s, i))), "protobuf"));
}

function decodeError(body: Uint8Array, limits = DEFAULT_OTLP_LIMITS): OtlpDecodeError {
  try {
    decodePb(body, limits);
  } catch (e) {
    if (e instanceof OtlpDecodeError) return e;
    throw e;
  }
  throw new Error("expected an OtlpDecodeError");
}

describe("decodeTraceRequest (protobuf)", () => {
  it("decodes every field of a span", () => {
    const { spans, rejected } = decodeOne({
      parentSpanId: spanIdFor(99),
      kind: 3,
      status: { code: 2, message: "tool call failed" },
      attributes: [
        attr("s", str("text")),
        attr("i", int(42)),
        attr("b", bool(false)),
        attr("d", dbl(1.5)),
        attr("raw", bytes(Uint8Array.from([0, 1, 254, 255]))),
        attr("list", arr(str("a"), int(1), bool(true))),
        attr("map", kvlist(attr("x", str("y")), attr("n", arr()))),
        attr("nothing", empty()),
      ],
    });
    expect(rejected).toEqual([]);
    expect(spans).toEqual([
      {
        traceId: traceIdFor(0),
        spanId: spanIdFor(0),
        parentSpanId: spanIdFor(99),
        name: "span-0",
        kind: 3,
        startTimeUnixNano: T0,
        endTimeUnixNano: T0 + 500_123n,
        attributes: {
          s: "text",
          i: 42,
          b: false,
          d: 1.5,
          raw: "AAH+/w==",
          list: ["a", 1, true],
          map: { x: "y", n: [] },
          nothing: null,
        },
        statusCode: 2,
        statusMessage: "tool call failed",
        serviceName: "agent-planner",
        resourceAttributes: { "service.name": "agent-planner" },
        scopeName: "firebreak-guard",
      },
    ]);
  });

  it("keeps nanosecond timestamps exact, up to the largest fixed64", () => {
    const max = (1n << 64n) - 1n;
    const { spans } = decodeOne({ startTimeUnixNano: T0 + 1n, endTimeUnixNano: max });
    expect(spans[0]?.startTimeUnixNano).toBe(1_732_147_200_000_000_001n);
    expect(spans[0]?.endTimeUnixNano).toBe(max);
  });

  it("gives int64 attributes as numbers while safe, as digit strings beyond 2^53", () => {
    const { spans } = decodeOne({
      attributes: [
        attr("max-safe", int(Number.MAX_SAFE_INTEGER)),
        attr("min-safe", int(Number.MIN_SAFE_INTEGER)),
        attr("2^53+1", int(9_007_199_254_740_993n)),
        attr("-2^53", int(-9_007_199_254_740_992n)),
        attr("int64-max", int(9_223_372_036_854_775_807n)),
        attr("int64-min", int(-9_223_372_036_854_775_808n)),
        attr("minus-one", int(-1)),
      ],
    });
    expect(spans[0]?.attributes).toEqual({
      "max-safe": 9_007_199_254_740_991,
      "min-safe": -9_007_199_254_740_991,
      "2^53+1": "9007199254740993",
      "-2^53": "-9007199254740992",
      "int64-max": "9223372036854775807",
      "int64-min": "-9223372036854775808",
      "minus-one": -1,
    });
  });

  it("turns non-finite doubles into strings", () => {
    const { spans } = decodeOne({ attributes: [attr("nan", dbl(NaN)), attr("inf", dbl(-Infinity))] });
    expect(spans[0]?.attributes).toEqual({ nan: "NaN", inf: "-Infinity" });
  });

  it("reads an empty body as an empty request", () => {
    expect(decodePb(new Uint8Array(0))).toEqual({ spans: [], rejected: [] });
  });

  it("reads resource spans without resource or scope", () => {
    const req = { resourceSpans: [{ scopeSpans: [{ spans: [makeSpan()] }] }] } satisfies { resourceSpans: ResourceSpansFixture[] };
    const { spans } = decodePb(encodeRequest(req, "protobuf"));
    expect(spans[0]).toMatchObject({ serviceName: null, resourceAttributes: {}, scopeName: null });
  });

  it("refuses a truncated body with 400", () => {
    const body = encodeRequest(makeRequest([makeSpan()]), "protobuf");
    const err = decodeError(body.subarray(0, body.length - 5));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/not a protobuf ExportTraceServiceRequest/);
  });

  it("refuses JSON sent as protobuf with 400 and a hint", () => {
    const err = decodeError(encodeRequest(makeRequest([makeSpan()]), "json"));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/JSON sent as application\/x-protobuf/);
  });

  it("refuses a request over maxSpansPerRequest as a whole", () => {
    const err = decodeError(encodeRequest(bulkRequest(6), "protobuf"), OtlpLimits.parse({ maxSpansPerRequest: 5 }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/carries 6 spans, more than the limit of 5/);
  });

  it("accepts 10000 spans by default and refuses 10001", () => {
    const spans = (n: number) => makeRequest(Array.from({ length: n }, (_, i) => makeSpan({ attributes: [] }, i)));
    expect(decodePb(encodeRequest(spans(10_000), "protobuf")).spans).toHaveLength(10_000);
    expect(decodeError(encodeRequest(spans(10_001), "protobuf")).message).toMatch(/10001 spans/);
  });

  describe("rejects a malformed span alone", () => {
    const cases: { name: string; raw: Record<string, unknown>; path: string; reason: RegExp }[] = [
      { name: "a 15-byte trace id", raw: { traceId: Buffer.alloc(15, 1) }, path: "traceId", reason: /must be 16 bytes, got 15/ },
      { name: "an all-zero trace id", raw: { traceId: Buffer.alloc(16) }, path: "traceId", reason: /must not be all zeros/ },
      { name: "a missing trace id", raw: { traceId: Buffer.alloc(0) }, path: "traceId", reason: /is required/ },
      { name: "a 9-byte span id", raw: { spanId: Buffer.alloc(9, 1) }, path: "spanId", reason: /must be 8 bytes, got 9/ },
      { name: "an all-zero span id", raw: { spanId: Buffer.alloc(8) }, path: "spanId", reason: /must not be all zeros/ },
      { name: "a 4-byte parent id", raw: { parentSpanId: Buffer.alloc(4, 1) }, path: "parentSpanId", reason: /must be 8 bytes, got 4/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { spans, rejected } = decodeOne({ raw: c.raw }, {});
        expect(spans.map((s) => s.spanId)).toEqual([spanIdFor(1)]);
        expect(rejected).toEqual([{ path: `${SPAN0}.${c.path}`, reason: expect.stringMatching(c.reason) }]);
      });
    }
  });

  it("reads an all-zero parent id as a root span", () => {
    const { spans } = decodeOne({ raw: { parentSpanId: Buffer.alloc(8) } });
    expect(spans[0]?.parentSpanId).toBeNull();
  });

  it("keeps an unknown span kind (proto3 enums are open)", () => {
    expect(decodeOne({ kind: 9 }).spans[0]?.kind).toBe(9);
  });

  it("rejects a span with 10000 attributes without converting them", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => attr(`k${i}`, str("v")));
    const { spans, rejected } = decodeOne({ attributes: many }, {});
    expect(spans).toHaveLength(1);
    expect(rejected).toEqual([{ path: `${SPAN0}.attributes`, reason: "has 10000 attributes, more than the limit of 128" }]);
  });

  it("accepts exactly maxAttributesPerSpan attributes", () => {
    const attrs = Array.from({ length: 128 }, (_, i) => attr(`k${i}`, int(i)));
    expect(decodeOne({ attributes: attrs }).rejected).toEqual([]);
  });

  it("rejects a string attribute over maxAttributeValueLength, accepts one at it", () => {
    const limit = DEFAULT_OTLP_LIMITS.maxAttributeValueLength;
    const { spans, rejected } = decodeOne(
      { attributes: [attr("ok", str("x".repeat(limit)))] },
      { attributes: [attr("ok", str("x")), attr("big", str("x".repeat(limit + 1)))] },
    );
    expect(spans).toHaveLength(1);
    expect(rejected).toEqual([
      {
        path: "resourceSpans[0].scopeSpans[0].spans[1].attributes[1].value.stringValue",
        reason: `string of ${limit + 1} characters is longer than the limit of ${limit}`,
      },
    ]);
  });

  it("rejects a bytes attribute over maxAttributeValueLength", () => {
    const limits = OtlpLimits.parse({ maxAttributeValueLength: 4 });
    const span = makeSpan({ attributes: [attr("b", bytes(new Uint8Array(5)))] });
    const body = encodeRequest(makeRequest([span], { resourceAttributes: [] }), "protobuf");
    expect(decodePb(body, limits).rejected[0]?.reason).toBe("5 bytes is longer than the limit of 4");
  });

  it("accepts arrays nested maxAttributeDepth deep and rejects one level more", () => {
    const { spans, rejected } = decodeOne({ attributes: [attr("deep", nestedArray(8))] }, { attributes: [attr("deeper", nestedArray(9))] });
    expect(spans).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.path).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.attributes\[0\]\.value(\.arrayValue\.values\[0\]\.value)*/);
    expect(rejected[0]?.reason).toBe("nested 9 levels deep, more than the limit of 8");
  });

  it("counts kvlists towards the nesting depth", () => {
    let v = str("leaf");
    for (let i = 0; i < 9; i++) v = i % 2 ? kvlist(attr("k", v)) : arr(v);
    expect(decodeOne({ attributes: [attr("mixed", v)] }).rejected[0]?.reason).toMatch(/nested 9 levels deep/);
  });

  it("refuses the request when nesting passes protobuf's own limit of 100 messages", () => {
    expect(decodePb(deeplyNestedProtobuf(40)).rejected[0]?.reason).toMatch(/nested 9 levels deep/);
    expect(decodeError(deeplyNestedProtobuf(60)).message).toMatch(/nested deeper than the protobuf limit of 100/);
    expect(decodeError(deeplyNestedProtobuf(100_000)).status).toBe(400);
  });

  it("rejects duplicate attribute keys", () => {
    const { rejected } = decodeOne({ attributes: [attr("a", str("1")), attr("a", str("2"))] });
    expect(rejected).toEqual([{ path: `${SPAN0}.attributes[1].key`, reason: 'duplicate attribute key "a"' }]);
  });

  it("rejects an empty attribute key", () => {
    expect(decodeOne({ attributes: [attr("", str("1"))] }).rejected[0]?.path).toBe(`${SPAN0}.attributes[0].key`);
  });

  it("stores a __proto__ key as data, never as the prototype", () => {
    const { spans } = decodeOne({ attributes: [attr("__proto__", kvlist(attr("polluted", bool(true))))] });
    const attributes = spans[0]!.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects every span of a resource whose attributes are over the limit, keeps the others", () => {
    const tooMany = Array.from({ length: 129 }, (_, i) => attr(`r${i}`, str("v")));
    const req = {
      resourceSpans: [
        { resource: { attributes: tooMany }, scopeSpans: [{ spans: [makeSpan({}, 0), makeSpan({}, 1)] }] },
        { resource: { attributes: [attr("service.name", str("ok"))] }, scopeSpans: [{ spans: [makeSpan({}, 2)] }] },
      ],
    };
    const { spans, rejected } = decodePb(encodeRequest(req, "protobuf"));
    expect(spans.map((s) => [s.spanId, s.serviceName])).toEqual([[spanIdFor(2), "ok"]]);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toEqual({
      path: "resourceSpans[0].resource.attributes",
      reason: "has 129 attributes, more than the limit of 128; every span under it is rejected",
    });
  });

  it("shares the resource attributes between the spans of one resource", () => {
    const { spans } = decodePb(encodeRequest(makeRequest([makeSpan({}, 0), makeSpan({}, 1)]), "protobuf"));
    expect(spans[0]?.resourceAttributes).toBe(spans[1]?.resourceAttributes);
  });

  it("ignores events, links and fields it does not know", () => {
    const obj = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(traceIdFor(0), "hex"),
                  spanId: Buffer.from(spanIdFor(0), "hex"),
                  events: [{ name: "exception", timeUnixNano: "1" }],
                  links: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 1) }],
                  flags: 0x301,
                  traceState: "k=v",
                },
              ],
            },
          ],
        },
      ],
    };
    const { spans, rejected } = decodePb(encodeObject(obj, "protobuf"));
    expect(rejected).toEqual([]);
    expect(spans[0]).toMatchObject({ name: "", kind: 0, startTimeUnixNano: 0n, statusCode: 0, attributes: {} });
  });

  // Its speed is measured by npm run bench:ingest, not by a timed test.
  it("decodes 1000 spans of 13 attributes, twice the same", () => {
    const body = encodeRequest(bulkRequest(1000), "protobuf");
    const first = decodePb(body); // protobufjs generates its decoders on first use
    const { spans } = decodePb(body);
    expect(spans).toHaveLength(1000);
    expect(spans).toEqual(first.spans);
  });
});

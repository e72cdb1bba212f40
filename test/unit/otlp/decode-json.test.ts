import { describe, expect, it } from "vitest";
import { decodeTraceRequest } from "@/lib/otlp/decode.ts";
import { OtlpDecodeError } from "@/lib/otlp/errors.ts";
import {
  T0,
  arr,
  attr,
  bool,
  bulkRequest,
  bytes,
  dbl,
  empty,
  encodeObject,
  encodeRequest,
  int,
  kvlist,
  makeRequest,
  makeSpan,
  requestObject,
  spanIdFor,
  traceIdFor,
  typicalAttributes,
  type SpanFixture,
} from "./fixtures.ts";

const SPAN0 = "resourceSpans[0].scopeSpans[0].spans[0]";

const decodeJson = (body: Uint8Array | string) =>
  decodeTraceRequest(typeof body === "string" ? Buffer.from(body) : body, "json");

function decodeOne(span: Partial<SpanFixture>) {
  return decodeJson(encodeRequest(makeRequest([makeSpan(span, 0), makeSpan({}, 1)]), "json"));
}

/** The single rejection of a request whose first span carries `raw`. */
function rejection(raw: Record<string, unknown>) {
  const { spans, rejected } = decodeOne({ raw });
  expect(spans.map((s) => s.spanId)).toEqual([spanIdFor(1)]);
  expect(rejected).toHaveLength(1);
  return rejected[0]!;
}

function decodeError(body: string): OtlpDecodeError {
  try {
    decodeJson(body);
  } catch (e) {
    if (e instanceof OtlpDecodeError) return e;
    throw e;
  }
  throw new Error("expected an OtlpDecodeError");
}

describe("decodeTraceRequest (OTLP/JSON)", () => {
  it("decodes a request exactly as its protobuf twin", () => {
    const spans = [
      makeSpan({ attributes: typicalAttributes(0), status: { code: 1, message: "" } }, 0),
      makeSpan(
        {
          parentSpanId: spanIdFor(0),
          kind: 2,
          attributes: [
            attr("big", int(9_007_199_254_740_993n)),
            attr("neg", int(-7)),
            attr("raw", bytes(Uint8Array.from([1, 2, 3]))),
            attr("flag", bool(true)),
            attr("nested", kvlist(attr("list", arr(dbl(0.5), empty())))),
          ],
        },
        1,
      ),
    ];
    const req = makeRequest(spans);
    expect(decodeJson(encodeRequest(req, "json"))).toEqual(decodeTraceRequest(encodeRequest(req, "protobuf"), "protobuf"));
  });

  it("decodes every 1000-span bulk request like protobuf does", () => {
    const req = bulkRequest(1000);
    const json = decodeJson(encodeRequest(req, "json"));
    expect(json.spans).toHaveLength(1000);
    expect(json).toEqual(decodeTraceRequest(encodeRequest(req, "protobuf"), "protobuf"));
  });

  it("reads `{}` and an empty resourceSpans as zero spans", () => {
    expect(decodeJson("{}")).toEqual({ spans: [], rejected: [] });
    expect(decodeJson('{"resourceSpans":[]}')).toEqual({ spans: [], rejected: [] });
    expect(decodeJson('{"resourceSpans":[{"scopeSpans":[{"spans":[]}]}]}')).toEqual({ spans: [], rejected: [] });
  });

  it("skips a byte-order mark", () => {
    expect(decodeJson("\uFEFF{}")).toEqual({ spans: [], rejected: [] });
  });

  it("accepts uppercase hex ids and gives them lowercase", () => {
    const { spans } = decodeOne({ raw: { traceId: traceIdFor(0).toUpperCase(), spanId: "00F067AA0000000A" } });
    expect(spans[0]).toMatchObject({ traceId: traceIdFor(0), spanId: "00f067aa0000000a" });
  });

  it("accepts enum names as well as numbers", () => {
    const { spans } = decodeOne({ raw: { kind: "SPAN_KIND_CONSUMER", status: { code: "STATUS_CODE_ERROR", message: "boom" } } });
    expect(spans[0]).toMatchObject({ kind: 5, statusCode: 2, statusMessage: "boom" });
  });

  it("accepts timestamps as decimal strings and as numbers", () => {
    const { spans } = decodeOne({ raw: { startTimeUnixNano: "1732147200000000001", endTimeUnixNano: 1_000_000 } });
    expect(spans[0]).toMatchObject({ startTimeUnixNano: T0 + 1n, endTimeUnixNano: 1_000_000n });
  });

  it("accepts int64 values as strings or numbers", () => {
    const { spans } = decodeOne({
      raw: {
        attributes: [
          { key: "s", value: { intValue: "42" } },
          { key: "n", value: { intValue: 42 } },
          { key: "neg", value: { intValue: "-0" } },
          { key: "big", value: { intValue: "-9223372036854775808" } },
          { key: "padded", value: { intValue: "0000000000000000007" } },
        ],
      },
    });
    expect(spans[0]?.attributes).toEqual({ s: 42, n: 42, neg: 0, big: "-9223372036854775808", padded: 7 });
  });

  it("reads the JSON spellings of doubles", () => {
    const { spans } = decodeOne({
      raw: {
        attributes: [
          { key: "nan", value: { doubleValue: "NaN" } },
          { key: "inf", value: { doubleValue: "Infinity" } },
          { key: "str", value: { doubleValue: "2.5" } },
          { key: "int", value: { doubleValue: 3 } },
        ],
      },
    });
    expect(spans[0]?.attributes).toEqual({ nan: "NaN", inf: "Infinity", str: 2.5, int: 3 });
  });

  it("normalizes url-safe base64 bytes to standard base64", () => {
    const { spans } = decodeOne({ raw: { attributes: [{ key: "b", value: { bytesValue: "-_8" } }] } });
    expect(spans[0]?.attributes).toEqual({ b: "+/8=" });
  });

  it("reads a null AnyValue member as not set", () => {
    const { spans } = decodeOne({ raw: { attributes: [{ key: "v", value: { stringValue: null } }, { key: "w" }] } });
    expect(spans[0]?.attributes).toEqual({ v: null, w: null });
  });

  describe("rejects a span with a bad id", () => {
    it("31 hex characters", () => {
      expect(rejection({ traceId: traceIdFor(0).slice(1) })).toEqual({
        path: `${SPAN0}.traceId`,
        reason: "must be 32 hex characters, got 31",
      });
    });
    it("non-hex characters", () => {
      expect(rejection({ spanId: "zzzzzzzzzzzzzzzz" })).toEqual({
        path: `${SPAN0}.spanId`,
        reason: 'must be 16 hex characters [0-9a-f], got "zzzzzzzzzzzzzzzz"',
      });
    });
    it("all zeros", () => {
      expect(rejection({ traceId: "0".repeat(32) }).reason).toBe("must not be all zeros (an invalid trace id)");
    });
    it("base64 instead of hex, with a hint", () => {
      const b64 = Buffer.from(traceIdFor(0), "hex").toString("base64");
      expect(rejection({ traceId: b64 }).reason).toBe("must be 32 hex characters, got 24 (OTLP/JSON ids are hex, not base64)");
    });
    it("missing", () => {
      expect(rejection({ spanId: "" })).toEqual({ path: `${SPAN0}.spanId`, reason: "is required: a span id of 8 bytes" });
    });
    it("a number", () => {
      expect(rejection({ traceId: 12 }).reason).toBe("must be a hex string, got a number");
    });
    it("a parent id of the wrong length", () => {
      expect(rejection({ parentSpanId: "abc" }).path).toBe(`${SPAN0}.parentSpanId`);
    });
    it("snake_case field names, with a hint", () => {
      const r = rejection({ traceId: undefined, trace_id: traceIdFor(0) });
      expect(r.reason).toMatch(/lowerCamelCase/);
    });
  });

  describe("rejects a span with a wrongly typed field", () => {
    const cases: { name: string; raw: Record<string, unknown>; path: string; reason: string | RegExp }[] = [
      {
        name: "stringValue holding a number",
        raw: { attributes: [{ key: "a", value: { stringValue: 5 } }] },
        path: "attributes[0].value.stringValue",
        reason: "must be a string, got a number",
      },
      {
        name: "boolValue holding a string",
        raw: { attributes: [{ key: "a", value: { boolValue: "true" } }] },
        path: "attributes[0].value.boolValue",
        reason: "must be a boolean, got a string",
      },
      {
        name: "a plain value instead of an AnyValue",
        raw: { attributes: [{ key: "a", value: "plain" }] },
        path: "attributes[0].value",
        reason: /must be an AnyValue object such as \{"stringValue": "..."\}, got a string/,
      },
      {
        name: "intValue that is not an integer",
        raw: { attributes: [{ key: "a", value: { intValue: 1.5 } }] },
        path: "attributes[0].value.intValue",
        reason: "must be a 64-bit integer, got 1.5",
      },
      {
        name: "intValue with letters",
        raw: { attributes: [{ key: "a", value: { intValue: "12a" } }] },
        path: "attributes[0].value.intValue",
        reason: 'must be a 64-bit integer as a decimal string, got "12a"',
      },
      {
        name: "intValue beyond int64",
        raw: { attributes: [{ key: "a", value: { intValue: "9223372036854775808" } }] },
        path: "attributes[0].value.intValue",
        reason: /must be a 64-bit integer/,
      },
      {
        name: "doubleValue that is not a number",
        raw: { attributes: [{ key: "a", value: { doubleValue: "fast" } }] },
        path: "attributes[0].value.doubleValue",
        reason: 'must be a number, got "fast"',
      },
      {
        name: "bytesValue that is not base64",
        raw: { attributes: [{ key: "a", value: { bytesValue: "not base64!" } }] },
        path: "attributes[0].value.bytesValue",
        reason: "must be base64",
      },
      {
        name: "arrayValue.values that is not an array",
        raw: { attributes: [{ key: "a", value: { arrayValue: { values: "x" } } }] },
        path: "attributes[0].value.arrayValue.values",
        reason: "must be an array, got a string",
      },
      {
        name: "a bad element inside an array",
        raw: { attributes: [{ key: "a", value: { arrayValue: { values: [{ stringValue: "ok" }, { boolValue: 1 }] } } }] },
        path: "attributes[0].value.arrayValue.values[1].boolValue",
        reason: "must be a boolean, got a number",
      },
      {
        name: "attributes given as an object map",
        raw: { attributes: { a: "b" } },
        path: "attributes",
        reason: "must be an array of {key, value}, got an object",
      },
      {
        name: "an attribute key that is not a string",
        raw: { attributes: [{ key: 7, value: { stringValue: "x" } }] },
        path: "attributes[0].key",
        reason: "must be a non-empty string, got a number",
      },
      {
        name: "a negative timestamp",
        raw: { startTimeUnixNano: -1 },
        path: "startTimeUnixNano",
        reason: "must be an unsigned 64-bit integer, got -1",
      },
      {
        name: "a timestamp beyond 64 bits",
        raw: { endTimeUnixNano: "18446744073709551616" },
        path: "endTimeUnixNano",
        reason: /must be an unsigned 64-bit integer as a decimal string/,
      },
      { name: "a numeric name", raw: { name: 5 }, path: "name", reason: "must be a string, got a number" },
      {
        name: "an unknown kind name",
        raw: { kind: "SPAN_KIND_SIDEWAYS" },
        path: "kind",
        reason: /unknown value "SPAN_KIND_SIDEWAYS"; send an integer or one of SPAN_KIND_UNSPECIFIED/,
      },
      { name: "a fractional kind", raw: { kind: 1.5 }, path: "kind", reason: "must be an integer enum value, got a number" },
      { name: "a status that is a string", raw: { status: "ERROR" }, path: "status", reason: "must be a Status object, got a string" },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = rejection(c.raw);
        expect(r.path).toBe(`${SPAN0}.${c.path}`);
        if (typeof c.reason === "string") expect(r.reason).toBe(c.reason);
        else expect(r.reason).toMatch(c.reason);
      });
    }
  });

  it("rejects a span that is not an object, keeps the rest", () => {
    const obj = requestObject(makeRequest([makeSpan({}, 0)]), "json");
    const body = JSON.stringify(obj).replace('"spans":[', '"spans":[42,');
    const { spans, rejected } = decodeJson(body);
    expect(spans).toHaveLength(1);
    expect(rejected).toEqual([{ path: SPAN0, reason: "must be a Span object, got a number" }]);
  });

  it("rejects the spans of a scope whose name is not a string", () => {
    const body = encodeObject(
      { resourceSpans: [{ scopeSpans: [{ scope: { name: 3 }, spans: [requestSpan(0), requestSpan(1)] }] }] },
      "json",
    );
    const { spans, rejected } = decodeJson(body);
    expect(spans).toEqual([]);
    expect(rejected.map((r) => r.path)).toEqual(["resourceSpans[0].scopeSpans[0].scope.name", "resourceSpans[0].scopeSpans[0].scope.name"]);
  });

  it("rejects arrays nested deeper than the limit without recursing into them", () => {
    const depth = 100_000;
    const value = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"leaf"}' + "]}}".repeat(depth);
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${traceIdFor(0)}","spanId":"${spanIdFor(0)}","attributes":[{"key":"abyss","value":${value}}]}]}]}]}`;
    const { rejected } = decodeJson(body);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBe("nested 9 levels deep, more than the limit of 8");
  });

  describe("refuses an undecodable request with 400", () => {
    const cases: { name: string; body: string; message: RegExp }[] = [
      { name: "invalid JSON", body: '{"resourceSpans": [', message: /^the body is not valid JSON: / },
      { name: "an empty body", body: "", message: /^the body is not valid JSON: / },
      { name: "a top-level array", body: "[]", message: /must be an ExportTraceServiceRequest object .*, got an array/ },
      { name: "a top-level string", body: '"spans"', message: /got a string/ },
      { name: "resourceSpans as an object", body: '{"resourceSpans":{}}', message: /^resourceSpans: must be an array, got an object/ },
      { name: "a resourceSpans entry that is a number", body: '{"resourceSpans":[5]}', message: /^resourceSpans\[0\]: must be a ResourceSpans object/ },
      { name: "a resource that is a string", body: '{"resourceSpans":[{"resource":"x"}]}', message: /^resourceSpans\[0\]\.resource: must be a Resource object/ },
      { name: "scopeSpans as a string", body: '{"resourceSpans":[{"scopeSpans":"x"}]}', message: /^resourceSpans\[0\]\.scopeSpans: must be an array/ },
      { name: "a scope that is an array", body: '{"resourceSpans":[{"scopeSpans":[{"scope":[]}]}]}', message: /scopeSpans\[0\]\.scope: must be an InstrumentationScope object/ },
      { name: "spans as an object", body: '{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}', message: /scopeSpans\[0\]\.spans: must be an array, got an object/ },
      { name: "snake_case resource_spans", body: '{"resource_spans":[]}', message: /resource_spans: OTLP\/JSON uses lowerCamelCase field names; send "resourceSpans"/ },
      { name: "snake_case scope_spans", body: '{"resourceSpans":[{"scope_spans":[]}]}', message: /send "scopeSpans"/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const err = decodeError(c.body);
        expect(err.status).toBe(400);
        expect(err.message).toMatch(c.message);
      });
    }
  });
});

/** One span as OTLP/JSON, for hand-built envelopes. */
function requestSpan(n: number): Record<string, unknown> {
  return { traceId: traceIdFor(0), spanId: spanIdFor(n), name: `span-${n}` };
}

import { describe, expect, it } from "vitest";
import { encodeErrorStatus, encodeExportResponse, grpcCodeFor, GRPC_CODE } from "@/lib/otlp/response.ts";
import { otlpSchema } from "@/lib/otlp/schema.ts";

/** Decodes protobuf bytes back with the same protobufjs types, as a plain object. */
function decodeResponse(bytes: Uint8Array): Record<string, unknown> {
  const type = otlpSchema().exportTraceServiceResponse;
  return type.toObject(type.decode(bytes), { longs: Number });
}

function decodeStatus(bytes: Uint8Array): Record<string, unknown> {
  const type = otlpSchema().rpcStatus;
  return type.toObject(type.decode(bytes), { defaults: true });
}

const text = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString("utf8"));

describe("encodeExportResponse", () => {
  it("answers full success with the empty message (protobuf) and {} (JSON)", () => {
    const pb = encodeExportResponse("protobuf", 0, "");
    expect(pb.length).toBe(0);
    expect(decodeResponse(pb)).toEqual({});
    expect(text(encodeExportResponse("json", 0, ""))).toEqual({});
  });

  it("round-trips partial success through protobuf", () => {
    const pb = encodeExportResponse("protobuf", 3, "rejected 3 span(s): resourceSpans[0]...");
    expect(decodeResponse(pb)).toEqual({
      partialSuccess: { rejectedSpans: 3, errorMessage: "rejected 3 span(s): resourceSpans[0]..." },
    });
  });

  it("writes partial success as OTLP/JSON with lowerCamelCase names and int64 as a string", () => {
    expect(text(encodeExportResponse("json", 10_000, "too many attributes"))).toEqual({
      partialSuccess: { rejectedSpans: "10000", errorMessage: "too many attributes" },
    });
  });

  it("carries a warning with zero rejected spans", () => {
    expect(decodeResponse(encodeExportResponse("protobuf", 0, "2 unsigned"))).toEqual({
      partialSuccess: { rejectedSpans: 0, errorMessage: "2 unsigned" },
    });
    expect(text(encodeExportResponse("json", 0, "2 unsigned"))).toEqual({
      partialSuccess: { rejectedSpans: "0", errorMessage: "2 unsigned" },
    });
  });

  it("keeps a non-ASCII message intact", () => {
    const message = "span «réfusé» 🚫";
    expect(decodeResponse(encodeExportResponse("protobuf", 1, message))).toMatchObject({ partialSuccess: { errorMessage: message } });
  });

  it("refuses a negative or fractional count", () => {
    expect(() => encodeExportResponse("json", -1, "")).toThrow(RangeError);
    expect(() => encodeExportResponse("protobuf", 1.5, "")).toThrow(RangeError);
  });
});

describe("encodeErrorStatus", () => {
  it("round-trips a google.rpc.Status through protobuf", () => {
    expect(decodeStatus(encodeErrorStatus("protobuf", 400, "bad traceId"))).toEqual({
      code: GRPC_CODE.INVALID_ARGUMENT,
      message: "bad traceId",
      details: [],
    });
  });

  it("writes {code, message} as JSON", () => {
    expect(text(encodeErrorStatus("json", 429, "retry later"))).toEqual({ code: GRPC_CODE.RESOURCE_EXHAUSTED, message: "retry later" });
  });

  const mapping: [number, number][] = [
    [400, 3],
    [401, 16],
    [403, 7],
    [404, 5],
    [405, 12],
    [409, 6],
    [413, 8],
    [415, 3],
    [429, 8],
    [418, 3],
    [500, 13],
    [503, 14],
    [504, 4],
    [599, 2],
  ];
  for (const [http, grpc] of mapping) {
    it(`maps HTTP ${http} to gRPC code ${grpc}`, () => expect(grpcCodeFor(http)).toBe(grpc));
  }
});

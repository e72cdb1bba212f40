import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DESCRIPTOR_PATH, descriptorText, loadRootFromProtoFiles } from "@/lib/otlp/proto-source.ts";
import { otlpSchema } from "@/lib/otlp/schema.ts";

describe("the checked-in OTLP descriptor", () => {
  it("matches the vendored .proto files (regenerate: npx tsx scripts/gen-otlp-descriptor.ts)", () => {
    expect(readFileSync(DESCRIPTOR_PATH, "utf8")).toBe(descriptorText(loadRootFromProtoFiles()));
  });

  // Field numbers are the wire contract; a typo here would decode garbage quietly.
  it("has the OTLP field numbers and types", () => {
    const request = otlpSchema().exportTraceServiceRequest;
    const span = request.lookupType("opentelemetry.proto.trace.v1.Span");
    const fields = (typeName: string) =>
      Object.fromEntries(
        Object.values(request.lookupType(typeName).fields).map((f) => [f.name, `${f.id}:${f.type}${f.repeated ? "[]" : ""}`]),
      );
    expect(fields("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest")).toEqual({ resourceSpans: "1:opentelemetry.proto.trace.v1.ResourceSpans[]" });
    expect(Object.fromEntries(Object.values(span.fields).map((f) => [f.name, `${f.id}:${f.type}`]))).toMatchObject({
      traceId: "1:bytes",
      spanId: "2:bytes",
      traceState: "3:string",
      parentSpanId: "4:bytes",
      name: "5:string",
      kind: "6:SpanKind",
      startTimeUnixNano: "7:fixed64",
      endTimeUnixNano: "8:fixed64",
      attributes: "9:opentelemetry.proto.common.v1.KeyValue",
      status: "15:Status",
      flags: "16:fixed32",
    });
    expect(fields("opentelemetry.proto.common.v1.AnyValue")).toEqual({
      stringValue: "1:string",
      boolValue: "2:bool",
      intValue: "3:int64",
      doubleValue: "4:double",
      arrayValue: "5:ArrayValue",
      kvlistValue: "6:KeyValueList",
      bytesValue: "7:bytes",
    });
    expect(fields("opentelemetry.proto.trace.v1.Status")).toEqual({ message: "2:string", code: "3:StatusCode" });
    expect(fields("opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess")).toEqual({
      rejectedSpans: "1:int64",
      errorMessage: "2:string",
    });
    expect(fields("google.rpc.Status")).toEqual({ code: "1:int32", message: "2:string", details: "3:google.protobuf.Any[]" });
  });

  it("knows the enum names OTLP/JSON senders may use", () => {
    const { spanKinds, statusCodes } = otlpSchema();
    expect(Object.fromEntries(spanKinds)).toEqual({
      SPAN_KIND_UNSPECIFIED: 0,
      SPAN_KIND_INTERNAL: 1,
      SPAN_KIND_SERVER: 2,
      SPAN_KIND_CLIENT: 3,
      SPAN_KIND_PRODUCER: 4,
      SPAN_KIND_CONSUMER: 5,
    });
    expect(Object.fromEntries(statusCodes)).toEqual({ STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 });
  });
});

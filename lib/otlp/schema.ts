// The OTLP trace types, built once from the checked-in JSON descriptor
// (lib/otlp/proto/otlp-trace.json). No .proto file is read at run time, so this
// works inside a bundle too. After editing lib/otlp/proto/**/*.proto:
//
//   npx tsx scripts/gen-otlp-descriptor.ts
import protobuf from "protobufjs";
import descriptor from "./proto/otlp-trace.json" with { type: "json" };

export interface OtlpSchema {
  exportTraceServiceRequest: protobuf.Type;
  exportTraceServiceResponse: protobuf.Type;
  rpcStatus: protobuf.Type;
  /** SPAN_KIND_* names to numbers, for OTLP/JSON senders that send enum names. */
  spanKinds: ReadonlyMap<string, number>;
  /** STATUS_CODE_* names to numbers. */
  statusCodes: ReadonlyMap<string, number>;
}

let cached: OtlpSchema | undefined;

export function otlpSchema(): OtlpSchema {
  cached ??= buildSchema();
  return cached;
}

function buildSchema(): OtlpSchema {
  // Without long.js protobufjs decodes fixed64 into a plain number and silently
  // drops the low bits of every nanosecond timestamp. Refuse to run like that.
  if (!protobuf.util.Long) {
    throw new Error("protobufjs loaded without the 'long' package: 64-bit timestamps would lose precision");
  }
  const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  return {
    exportTraceServiceRequest: root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"),
    exportTraceServiceResponse: root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse"),
    rpcStatus: root.lookupType("google.rpc.Status"),
    spanKinds: enumMap(root.lookupEnum("opentelemetry.proto.trace.v1.Span.SpanKind")),
    statusCodes: enumMap(root.lookupEnum("opentelemetry.proto.trace.v1.Status.StatusCode")),
  };
}

function enumMap(e: protobuf.Enum): ReadonlyMap<string, number> {
  return new Map(Object.entries(e.values));
}

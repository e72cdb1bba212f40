// Builds the protobufjs Root from the vendored .proto files. Only the
// descriptor generator (scripts/gen-otlp-descriptor.ts) and the drift test use
// this: the runtime loads the checked-in JSON descriptor (schema.ts) and reads
// no files.
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export const PROTO_DIR = fileURLToPath(new URL("./proto/", import.meta.url));

export const DESCRIPTOR_PATH = fileURLToPath(new URL("./proto/otlp-trace.json", import.meta.url));

/** Entry points; their imports are followed from PROTO_DIR. */
export const PROTO_FILES = [
  "opentelemetry/proto/collector/trace/v1/trace_service.proto",
  "google/rpc/status.proto",
] as const;

export function loadRootFromProtoFiles(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports are written relative to the proto root ("opentelemetry/proto/..."),
  // not to the importing file. google/protobuf/* comes bundled with protobufjs.
  root.resolvePath = (_origin, target) => path.resolve(PROTO_DIR, target);
  root.loadSync([...PROTO_FILES]);
  root.resolveAll();
  return root;
}

/** The descriptor exactly as it is written to DESCRIPTOR_PATH. */
export function descriptorText(root: protobuf.Root): string {
  return `${JSON.stringify(root.toJSON(), null, 2)}\n`;
}

// Regenerates lib/otlp/proto/otlp-trace.json from the vendored .proto files.
// Run after editing anything under lib/otlp/proto/:
//
//   npx tsx scripts/gen-otlp-descriptor.ts
//
// The runtime loads only the JSON (no file reads, so it survives bundling).
import { writeFileSync } from "node:fs";
import { DESCRIPTOR_PATH, descriptorText, loadRootFromProtoFiles } from "../lib/otlp/proto-source.ts";

writeFileSync(DESCRIPTOR_PATH, descriptorText(loadRootFromProtoFiles()));
console.log(`wrote ${DESCRIPTOR_PATH}`);

// OTLP protobuf bytes for a list of records, one span each, without an SDK:
// for tests that need many bodies or raw control over the request.
import { randomBytes } from "node:crypto";
import type { WireRecord } from "../../lib/protocol/record.ts";
import { attributesFromRecord } from "../../lib/protocol/span-to-record.ts";
import { attr, arr, encodeRequest, makeRequest, makeSpan, str } from "../unit/otlp/fixtures.ts";

export function encodeRecordsForTest(records: WireRecord[]): Uint8Array {
  const traceId = randomBytes(16).toString("hex");
  const spans = records.map((rec, i) =>
    makeSpan(
      {
        traceId,
        spanId: randomBytes(8).toString("hex"),
        attributes: Object.entries(attributesFromRecord(rec)).map(([k, v]) => attr(k, Array.isArray(v) ? arr(...v.map(str)) : str(v))),
      },
      i,
    ),
  );
  return encodeRequest(makeRequest(spans), "protobuf");
}

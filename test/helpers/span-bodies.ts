// OTLP protobuf bodies whose spans keep their identity: each record gets its
// trace id, span id and times once, so the very same span can be sent again
// (a retry), re-batched in another order, or sent to another collector.
import { randomBytes } from "node:crypto";
import type { WireRecord } from "../../lib/protocol/record.ts";
import { attributesFromRecord } from "../../lib/protocol/span-to-record.ts";
import { attr, arr, encodeRequest, makeRequest, makeSpan, str } from "../unit/otlp/fixtures.ts";

export interface Spanned {
  rec: WireRecord;
  traceId: string;
  spanId: string;
  /** Fixes the span's times: the same span re-batched keeps its content. */
  n: number;
}

let counter = 0;

export function spanned(rec: WireRecord): Spanned {
  return { rec, traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), n: counter++ };
}

export function encodeSpanned(items: readonly Spanned[]): Uint8Array {
  const spans = items.map((s) =>
    makeSpan(
      {
        traceId: s.traceId,
        spanId: s.spanId,
        attributes: Object.entries(attributesFromRecord(s.rec)).map(([k, v]) => attr(k, Array.isArray(v) ? arr(...v.map(str)) : str(v))),
      },
      s.n,
    ),
  );
  return encodeRequest(makeRequest(spans), "protobuf");
}

/** POSTs a protobuf body to /v1/traces; resolves with the status. */
export async function postBody(url: string, token: string, bytes: Uint8Array): Promise<number> {
  const res = await fetch(url, { method: "POST", body: new Uint8Array(bytes), headers: { authorization: `Bearer ${token}`, "content-type": "application/x-protobuf" } });
  await res.arrayBuffer();
  return res.status;
}

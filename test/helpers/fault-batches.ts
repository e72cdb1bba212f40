// Batches of records with known ids, for the fault tests' books (bench/lib/ack-ledger.ts).
import { randomBytes } from "node:crypto";
import { makeRecord } from "../fixtures/records.ts";
import { encodeRecordsForTest } from "./encode-records.ts";
import type { LedgerBatch } from "../../bench/lib/ack-ledger.ts";

export function faultBatches(tag: string, count: number, size: number): LedgerBatch[] {
  return Array.from({ length: count }, (_, b) => {
    const records = Array.from({ length: size }, (_, i) =>
      makeRecord({ id: `${tag}-${b}-${i}`, timestamp: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }),
    );
    return { body: encodeRecordsForTest(records), ids: records.map((r) => r.id) };
  });
}

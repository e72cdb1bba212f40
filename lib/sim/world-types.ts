// Small types shared by the world, the agents, the scenarios and the faults.
import type { WireRecord } from "../protocol/record.ts";
import type { Handle } from "./ledger.ts";

/** A record some simulated party emitted, and its handle in the ledger. */
export interface Emission {
  record: WireRecord;
  handle: Handle;
}

/** What a record is made from. */
export interface Cause {
  /** Emissions it derives from: their ids become its parents. */
  from: readonly Emission[];
  /** Authority chain, root first. Default: that of the first emission in `from`. */
  authority?: readonly string[];
  /** Faults that changed what this record says (a poisoned value, an amplified signal). */
  corruptedBy?: readonly string[];
  /** Faults that made this record (a storm's extra messages, a smuggled instruction). */
  injectedBy?: readonly string[];
}

/** The chain a record passes on: a request roots its own. */
export function chainOf(rec: WireRecord): string[] {
  return rec.kind === "request" ? [rec.id] : [...(rec.authority ?? [])];
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

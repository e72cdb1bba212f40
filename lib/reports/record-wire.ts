// A stored record back in its wire form, so its signature can be checked
// again from the columns alone: the same signing input the guard signed
// (lib/protocol/canonical.ts), with the timestamp as stored.
import { SigningInputError, signingInput } from "../protocol/canonical.ts";
import { ACTION_CLASSES, RECORD_KINDS, type WireRecord } from "../protocol/record.ts";

export interface RecordFields {
  id: string;
  kind: string;
  agent: string;
  to: readonly string[];
  intent: string | null;
  protocol: string | null;
  timestamp: string;
  nonce: string | null;
  payload: string | null;
  parents: readonly string[];
  authority: readonly string[];
  actionClass: string | null;
}

/** The wire record these fields stand for; null when the kind or class is not one the protocol knows. */
export function wireRecordOf(r: RecordFields): WireRecord | null {
  const kind = RECORD_KINDS.find((k) => k === r.kind);
  if (!kind) return null;
  const cls = r.actionClass === null ? undefined : ACTION_CLASSES.find((c) => c === r.actionClass);
  if (r.actionClass !== null && cls === undefined) return null;
  return {
    kind,
    id: r.id,
    agent: r.agent,
    ...(r.to.length > 0 ? { to: [...r.to] } : {}),
    ...(r.intent === null ? {} : { intent: r.intent }),
    ...(r.protocol === null ? {} : { protocol: r.protocol }),
    timestamp: r.timestamp,
    ...(r.nonce === null ? {} : { nonce: r.nonce }),
    ...(r.payload === null ? {} : { payload: r.payload }),
    ...(r.parents.length > 0 ? { parents: [...r.parents] } : {}),
    ...(r.authority.length > 0 ? { authority: [...r.authority] } : {}),
    ...(cls === undefined ? {} : { class: cls }),
  };
}

/** The canonical JSON text the record's signature covers, or null when it has none (not JSON, unknown kind). */
export function canonicalSigningText(r: RecordFields): string | null {
  const wire = wireRecordOf(r);
  if (wire === null) return null;
  try {
    return signingInput(wire).toString("utf8");
  } catch (err) {
    if (err instanceof SigningInputError) return null;
    throw err;
  }
}

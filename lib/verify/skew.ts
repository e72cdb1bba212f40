// A record's claimed time against the collector's clock. Key validity is
// judged at the claimed time, so this check is what stops a backdated record
// signed with a retired key from passing quietly: it comes out `stale`.
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import { parseTimestamp } from "../protocol/timestamp.ts";

export const DEFAULT_SKEW_MS = 300_000;

export function checkSkew(rec: WireRecord, now: number | Date, skewMs = DEFAULT_SKEW_MS): VerdictDetail[] {
  const at = parseTimestamp(rec.timestamp);
  if (at === null) return [{ verdict: "stale", detail: `timestamp ${JSON.stringify(rec.timestamp)} is not RFC 3339 UTC` }];
  const nowMs = typeof now === "number" ? now : now.getTime();
  const drift = at - nowMs;
  const allowed = `allowed ${formatSeconds(skewMs)}`;
  if (drift < -skewMs) return [{ verdict: "stale", detail: `timestamp is ${formatSeconds(-drift)} behind the collector clock (${allowed})` }];
  if (drift > skewMs) return [{ verdict: "future", detail: `timestamp is ${formatSeconds(drift)} ahead of the collector clock (${allowed})` }];
  return [];
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 3)}s`;
}

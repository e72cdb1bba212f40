// The collector's verdicts, worked out in memory: the same lib/verify checks
// the workers run, plus replay and authority the way lib/collector applies
// them, over records in the order they were sent. Lets unit tests check what
// a fault's records would get at the door without a database; the
// integration test checks the real collector.
import type { WireRecord } from "@/lib/protocol/record.ts";
import { parseTimestamp } from "@/lib/protocol/timestamp.ts";
import type { RegistrySnapshot } from "@/lib/registry/types.ts";
import { checkAuthorityShape, type RecordSummary } from "@/lib/verify/authority.ts";
import { checkRecord } from "@/lib/verify/check-record.ts";
import { combineVerdicts, isVerified } from "@/lib/verify/combine.ts";

export interface Judged {
  record: WireRecord;
  verdicts: string[];
  verified: boolean;
}

export function judgeAtTheDoor(records: readonly WireRecord[], snapshot: RegistrySnapshot): Judged[] {
  const nonces = new Map<string, WireRecord>();
  const stored = new Map<string, RecordSummary[]>();
  const out: Judged[] = [];
  for (const rec of records) {
    const now = parseTimestamp(rec.timestamp) ?? 0;
    const found = checkRecord(rec, snapshot, { now });
    const extra = [];
    if (rec.nonce !== undefined) {
      const key = `${rec.agent}\u0000${rec.nonce}`;
      const first = nonces.get(key);
      // Every emission is its own span here, so a second one with the nonce is a replay.
      if (first !== undefined) extra.push({ verdict: "replay" as const, detail: `nonce already used by ${first.id}` });
      else nonces.set(key, rec);
    }
    const lookup = (id: string): RecordSummary | undefined => {
      const all = stored.get(id);
      return all?.find((s) => s.verified) ?? all?.[0];
    };
    const authority = checkAuthorityShape(rec, lookup);
    const verdicts = combineVerdicts([...found, ...extra, ...authority.verdicts], { allowUnattested: snapshot.allowUnattested });
    const names = verdicts.map((v) => v.verdict);
    const summary: RecordSummary = {
      kind: rec.kind,
      agent: rec.agent,
      agentKind: snapshot.agents.get(rec.agent)?.kind ?? null,
      verified: isVerified(verdicts),
      parents: rec.parents ?? [],
      authority: rec.authority ?? [],
      verdicts: names,
    };
    stored.set(rec.id, [...(stored.get(rec.id) ?? []), summary]);
    out.push({ record: rec, verdicts: names, verified: isVerified(verdicts) });
  }
  return out;
}

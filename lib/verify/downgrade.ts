// Is the record's transport at least the version the registry demands of this
// agent? A protocol the agent's policy does not name at all is reported as a
// `downgrade` too ("protocol xyz not allowed"): speaking an unlisted protocol
// sidesteps the minimum just as surely as speaking an old version, and
// capability verdicts are about intents and receivers, not transports.
// An agent with an empty protocol map has no policy; nothing is checked.
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { RegistryAgent } from "../registry/types.ts";
import { compareVersions, parseProtocol } from "./protocol-version.ts";

export function checkDowngrade(rec: WireRecord, agent: RegistryAgent): VerdictDetail[] {
  const policy = Object.entries(agent.protocols);
  if (policy.length === 0) return [];
  // Only a verdict's detail needs it: not built for every record that passes.
  const allowed = (): string => policy.map(([name, min]) => `${name}>=${min}`).join(", ");
  if (rec.protocol === undefined) {
    // Only messages and actions travel over a transport; the other kinds need not name one.
    if (rec.kind !== "message" && rec.kind !== "action") return [];
    return [{ verdict: "downgrade", detail: `${rec.kind} names no protocol; agent ${agent.id} requires ${allowed()}` }];
  }
  const parsed = parseProtocol(rec.protocol);
  if (!parsed) return [{ verdict: "downgrade", detail: `protocol ${JSON.stringify(rec.protocol)} is not name/version` }];
  if (!Object.hasOwn(agent.protocols, parsed.name)) {
    return [{ verdict: "downgrade", detail: `protocol ${parsed.name} not allowed for agent ${agent.id} (allowed: ${allowed()})` }];
  }
  const min = agent.protocols[parsed.name] ?? "";
  const cmp = compareVersions(parsed.version, min);
  if (cmp === null) {
    return [{ verdict: "downgrade", detail: `cannot compare ${rec.protocol} with the minimum ${parsed.name}/${min}` }];
  }
  if (cmp < 0) return [{ verdict: "downgrade", detail: `${rec.protocol} is below the minimum ${parsed.name}/${min}` }];
  return [];
}

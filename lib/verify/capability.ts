// May this agent say this, to these receivers? Messages need a capability for
// their intent that covers every receiver ("*" covers any). Actions need a
// capability for the action name with `to: []`: an intent granted for
// messaging does not also grant the action of the same name.
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { RegistryAgent } from "../registry/types.ts";

export function checkCapability(rec: WireRecord, agent: RegistryAgent): VerdictDetail[] {
  if (rec.kind === "message") return checkMessage(rec, agent);
  if (rec.kind === "action") return checkAction(rec, agent);
  return [];
}

function checkMessage(rec: WireRecord, agent: RegistryAgent): VerdictDetail[] {
  const intent = rec.intent ?? "";
  const grants = agent.capabilities.filter((c) => c.intent === intent && c.to.length > 0);
  if (grants.length === 0) {
    return [{ verdict: "capability_violation", detail: `agent ${agent.id} may not send intent ${intent || "(none)"}` }];
  }
  if (grants.some((c) => c.to.includes("*"))) return [];
  const allowed = new Set(grants.flatMap((c) => c.to));
  const refused = [...new Set((rec.to ?? []).filter((r) => !allowed.has(r)))];
  if (refused.length === 0) return [];
  return [
    {
      verdict: "capability_violation",
      detail: `agent ${agent.id} may not send intent ${intent} to ${refused.join(", ")}`,
    },
  ];
}

function checkAction(rec: WireRecord, agent: RegistryAgent): VerdictDetail[] {
  const name = rec.intent ?? "";
  if (agent.capabilities.some((c) => c.intent === name && c.to.length === 0)) return [];
  return [{ verdict: "capability_violation", detail: `agent ${agent.id} may not perform action ${name || "(none)"}` }];
}

import type { Tone } from "./format.ts";

export type AgentBadgeKind = "registered" | "unregistered" | "attested" | "unattested";

export interface AgentBadge {
  kind: AgentBadgeKind;
  tone: Tone;
  label: string;
  title: string;
}

/** The status words shown for an agent: whether the registry knows it, and whether a registrar vouched for it. */
export function agentBadges(agent: { registered: boolean; attested: boolean }): AgentBadge[] {
  if (!agent.registered) {
    return [{ kind: "unregistered", tone: "bad", label: "Unregistered", title: "Sent records but is not in the registry" }];
  }
  return [
    { kind: "registered", tone: "neutral", label: "Registered", title: "In the agent registry" },
    agent.attested
      ? { kind: "attested", tone: "ok", label: "Attested", title: "A registrar signed this registry entry" }
      : { kind: "unattested", tone: "warn", label: "Unattested", title: "No valid registrar attestation for this entry" },
  ];
}

export interface OverviewStats {
  records: number;
  verified: number;
  verifiedShare: number | null;
  activeAgents: number;
  unregisteredSenders: number;
}

export function overviewStats(items: readonly { registered: boolean; sent: number; verified: number }[]): OverviewStats {
  let records = 0;
  let verified = 0;
  let activeAgents = 0;
  let unregisteredSenders = 0;
  for (const a of items) {
    records += a.sent;
    verified += a.verified;
    if (a.sent > 0) activeAgents += 1;
    if (!a.registered && a.sent > 0) unregisteredSenders += 1;
  }
  return {
    records,
    verified,
    verifiedShare: records > 0 ? verified / records : null,
    activeAgents,
    unregisteredSenders,
  };
}

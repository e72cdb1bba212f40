// The faults the simulator can inject, what each one does, and where it can
// be seen. "door" faults break a rule the collector checks on every record
// (lib/verify), so every record they inject must be flagged on arrival.
// "engine" faults produce records that are valid one by one: only a
// detector that looks across records (rates, values, lineage) can see them,
// and a chaos run without an engine to score reports them as not yet detected.
import type { Verdict } from "../../protocol/record.ts";

export const FAULT_NAMES = [
  "poisoned-feed",
  "spoof",
  "forged-signature",
  "replay",
  "injection",
  "downgrade",
  "capability-abuse",
  "broken-authority",
  "memory-violation",
  "fan-out-storm",
  "feedback-loop",
  "key-compromise",
  "agent-crash",
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export type Detection = "door" | "engine";

export interface FaultVariant {
  name: string;
  detection: Detection;
  /** Verdicts every injected record must carry (any one of them) when detection is "door". */
  expect: readonly Verdict[];
  summary: string;
}

export interface FaultInfo {
  name: FaultName;
  summary: string;
  /** The first variant is the default. */
  variants: readonly FaultVariant[];
}

const door = (name: string, expect: Verdict[], summary: string): FaultVariant => ({ name, detection: "door", expect, summary });
const engine = (name: string, summary: string): FaultVariant => ({ name, detection: "engine", expect: [], summary });

export const FAULTS: Readonly<Record<FaultName, FaultInfo>> = {
  "poisoned-feed": {
    name: "poisoned-feed",
    summary: "a data source starts returning values off by a factor (10x by default)",
    variants: [engine("scale", "every value the feed returns is multiplied by `factor`")],
  },
  spoof: {
    name: "spoof",
    summary: "a sender that is not who it claims to be",
    variants: [
      door("unregistered", ["unknown_agent"], "an agent id the registry has never heard of sends to the target's receivers"),
      door("impersonate", ["unknown_key"], "records claim to be the target, signed with the attacker's own key"),
    ],
  },
  "forged-signature": {
    name: "forged-signature",
    summary: "records whose signature does not match their content",
    variants: [
      door("tampered", ["bad_signature"], "a genuine record of the target, its payload changed after signing"),
      door("garbage", ["bad_signature"], "a record of the target with a random signature under its real key id"),
    ],
  },
  replay: {
    name: "replay",
    summary: "a captured record re-sent later, byte for byte, in a new span",
    variants: [door("verbatim", ["replay"], "the target's last message is sent again and its receiver acts on it again")],
  },
  injection: {
    name: "injection",
    summary: "an instruction smuggled into a payload field",
    variants: [
      door("extra-field", ["schema_violation"], "the instruction rides in a field the contract does not allow"),
      engine("free-text", "the instruction rides in a free-text field the contract allows"),
    ],
  },
  downgrade: {
    name: "downgrade",
    summary: "records sent over an older protocol version than the agent's minimum",
    variants: [
      door("old-version", ["downgrade"], "a2a/0.2 where the registry demands a2a >= 0.3"),
      door("unlisted", ["downgrade"], "a transport the agent's policy does not list"),
    ],
  },
  "capability-abuse": {
    name: "capability-abuse",
    summary: "an intent or receiver the agent is not allowed",
    variants: [
      door("receiver", ["capability_violation"], "the target sends its usual intent to an agent it may not address"),
      door("action", ["capability_violation"], "the target performs an action it holds no capability for"),
    ],
  },
  "broken-authority": {
    name: "broken-authority",
    summary: "an action with no human request at the root of its chain",
    variants: [
      door("no-chain", ["broken_authority"], "the action carries an empty authority chain"),
      door("wrong-root", ["broken_authority"], "the chain is rooted in a message, not a request"),
    ],
  },
  "memory-violation": {
    name: "memory-violation",
    summary: "reading or writing another agent's memory partition without a grant",
    variants: [
      door("write", ["memory_violation"], "the target writes into another agent's partition"),
      door("read", ["memory_violation"], "the target reads another agent's partition"),
    ],
  },
  "fan-out-storm": {
    name: "fan-out-storm",
    summary: "one agent suddenly sends a burst of valid messages to every receiver it may address",
    variants: [engine("burst", "`count` messages (50 by default) in one burst, each one valid")],
  },
  "feedback-loop": {
    name: "feedback-loop",
    summary: "agents that read each other's output amplify it each round",
    variants: [engine("gain", "the target weighs what it reads back at `factor` (1.6 by default) instead of damping it")],
  },
  "key-compromise": {
    name: "key-compromise",
    summary: "a stolen key signs valid-looking records",
    variants: [engine("stolen-key", "an attacker with the target's real key sends `count` plausible, harmful records")],
  },
  "agent-crash": {
    name: "agent-crash",
    summary: "an agent stops: no records, no answers",
    variants: [engine("silent", "the target drops everything for `duration` (to the end of the run by default)")],
  },
};

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

/** The named variant of a fault, or its default. Throws when the variant does not exist. */
export function faultVariant(name: FaultName, variant?: string): FaultVariant {
  const info = FAULTS[name];
  if (variant === undefined) return info.variants[0] as FaultVariant;
  const found = info.variants.find((v) => v.name === variant);
  if (!found) throw new Error(`fault ${name} has no variant ${JSON.stringify(variant)} (variants: ${info.variants.map((v) => v.name).join(", ")})`);
  return found;
}

// Breaker settings: defaults, overridden per agent and per edge. Parsed with
// zod where they come in (a config file, an API call).
import { z } from "zod";

export const REVIEW_POLICIES = ["always", "never", "red_actions"] as const;

export const BreakerConfig = z.object({
  /** Failures (failed verification or anomalous) in a row that trip the breaker. */
  failureThreshold: z.number().int().min(1),
  /** Share of anomalous records inside the window above which it trips... */
  anomalyRateThreshold: z.number().min(0).max(1),
  /** ...once the window holds at least this many records. */
  minCalls: z.number().int().min(1),
  /** The sliding window, ms. */
  windowMs: z.number().int().min(1_000),
  /** How long a tripped breaker stays open before it lets a probe through, ms. */
  openMs: z.number().int().min(0),
  /** Records let through half-open; all must be clean to close. */
  halfOpenProbes: z.number().int().min(1),
  /**
   * Whether a tripped breaker waits for a human review before it may close:
   * "red_actions" (the default) for edges that lead to an agent that takes
   * red actions, directly or through others.
   */
  requireReview: z.enum(REVIEW_POLICIES),
  /** A new breaker starts enforcing, or in dry run. */
  startIn: z.enum(["CLOSED", "METRICS_ONLY"]),
});
export type BreakerConfig = z.infer<typeof BreakerConfig>;

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = {
  failureThreshold: 3,
  anomalyRateThreshold: 0.15,
  minCalls: 20,
  windowMs: 60_000,
  openMs: 300_000,
  halfOpenProbes: 1,
  requireReview: "red_actions",
  startIn: "CLOSED",
};

export const BreakerConfigPatch = BreakerConfig.partial().strict();
export type BreakerConfigPatch = z.infer<typeof BreakerConfigPatch>;

/**
 * Layers, each overriding the one before: global, then the sender's agent
 * entry, then the receiver's, then the edge's own ("sender->receiver").
 */
export const BreakerPolicy = z
  .object({
    global: BreakerConfigPatch.default({}),
    agents: z.record(z.string().min(1), BreakerConfigPatch).default({}),
    edges: z.record(z.string().regex(/^.+->.+$/, "edge keys are sender->receiver"), BreakerConfigPatch).default({}),
  })
  .strict();
export type BreakerPolicy = z.infer<typeof BreakerPolicy>;

export interface Edge {
  sender: string;
  receiver: string;
}

export const edgeName = (e: Edge): string => `${e.sender}->${e.receiver}`;

/** The settings of one edge's breaker, and whether a trip on it waits for review. */
export function resolveBreakerConfig(policy: BreakerPolicy, edge: Edge, leadsToRedAction: boolean): { config: BreakerConfig; reviewRequired: boolean } {
  const config: BreakerConfig = {
    ...DEFAULT_BREAKER_CONFIG,
    ...policy.global,
    ...policy.agents[edge.sender],
    ...policy.agents[edge.receiver],
    ...policy.edges[edgeName(edge)],
  };
  const reviewRequired = config.requireReview === "always" || (config.requireReview === "red_actions" && leadsToRedAction);
  return { config, reviewRequired };
}

/**
 * Agents from which a red action can be reached over the message graph:
 * those that took one, and every agent that sends to one of those, and so on
 * (a breadth-first walk backwards over edges, never recursion).
 */
export function agentsLeadingToRed(edges: readonly Edge[], redAgents: Iterable<string>): Set<string> {
  const senders = new Map<string, string[]>();
  for (const e of edges) {
    const list = senders.get(e.receiver);
    if (list) list.push(e.sender);
    else senders.set(e.receiver, [e.sender]);
  }
  const out = new Set<string>();
  const queue: string[] = [];
  for (const a of redAgents) {
    if (!out.has(a)) {
      out.add(a);
      queue.push(a);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    for (const s of senders.get(queue[head]!) ?? []) {
      if (!out.has(s)) {
        out.add(s);
        queue.push(s);
      }
    }
  }
  return out;
}

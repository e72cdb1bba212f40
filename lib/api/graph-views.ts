// The agent graph's query string and answer: GET /api/v1/graph. The route
// parses with GraphQuery, the dashboard reads with GraphResponse, and
// lib/api/openapi.ts documents both.
import { z } from "zod";
import { BREAKER_STATES } from "../engine/breaker/states.ts";
import { WINDOW_PATTERN } from "./time-window.ts";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** `team=travel` (agents whose label `team` is `travel`) or `team` (agents with any `team` label). */
export const LABEL_PATTERN = /^[^=\s][^=]*(=.*)?$/;

/** `name=value` or `name` -> a predicate on an agent's labels; no filter keeps everyone. The API and the screen share it. */
export function labelMatcher(label: string | undefined): (labels: Readonly<Record<string, string>>) => boolean {
  if (label === undefined) return () => true;
  const eq = label.indexOf("=");
  if (eq < 0) return (labels) => Object.hasOwn(labels, label);
  const name = label.slice(0, eq);
  const value = label.slice(eq + 1);
  return (labels) => labels[name] === value;
}

export const GraphQuery = z.object({
  window: z
    .string()
    .regex(WINDOW_PATTERN, { error: "window must be a length like 1h, 24h or 7d" })
    .default("24h")
    .meta({ description: "Window length ending at `at` (or now), like 1h, 24h or 7d. Default 24h." }),
  at: z.iso
    .datetime({ offset: true, error: "at must be an RFC 3339 time with a zone, like 2026-11-21T09:30:00Z" })
    .optional()
    .meta({ description: "Replay: the end of the window, in the past. Breaker states are then derived from breaker_events as they stood at this time." }),
  label: z
    .string()
    .max(512)
    .regex(LABEL_PATTERN, { error: "label must be name=value, or a name alone" })
    .optional()
    .meta({ description: "Only agents with this registry label, as `name=value` (or `name` for any value), and the links among them." }),
  format: z
    .enum(["objects", "columns"], { error: "format must be objects or columns" })
    .default("objects")
    .meta({ description: "`objects` (default): GraphResponse, a link is an object. `columns`: GraphColumns, the same answer with the links as one array per field (about a sixth of the bytes at 10,000 links; the dashboard reads this one)." }),
});
export type GraphQuery = z.output<typeof GraphQuery>;

export const GraphNodeView = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    registered: z.boolean().meta({ description: "False for agents seen in records but missing from the registry." }),
    attested: z.boolean(),
    killed: z.boolean().meta({
      description:
        "There is no per-agent kill switch yet: true when the agent has at least one outgoing link and the breaker on every one of them is FORCED_OPEN.",
    }),
    labels: z.record(z.string(), z.string()),
    sent: count.meta({ description: "Messages sent in the window (one per receiver)." }),
    received: count.meta({ description: "Messages received in the window." }),
  })
  .meta({ id: "GraphNodeView" });
export type GraphNodeView = z.infer<typeof GraphNodeView>;

export const GraphBreakerView = z
  .object({
    state: z.enum(BREAKER_STATES).meta({ description: "CLOSED when the edge has no breaker row. An OPEN breaker whose open period has run out reads HALF_OPEN, as the machine treats it." }),
    since: isoTime.nullable(),
    openUntil: isoTime.nullable().meta({ description: "OPEN: when it turns half-open (null while it waits for a review, or when replay cannot know)." }),
    awaitingReview: z.boolean(),
    reason: z.string().nullable().meta({ description: "FORCED_OPEN: who and why; otherwise the cause of the last transition when known." }),
  })
  .meta({ id: "GraphBreakerView" });
export type GraphBreakerView = z.infer<typeof GraphBreakerView>;

export const GraphLinkView = z
  .object({
    sender: z.string(),
    receiver: z.string(),
    messages: count,
    verified: count,
    unverified: count.meta({ description: "Neither verified nor forged/replayed (unsigned, unknown agent, schema violation, pending, ...)." }),
    forgedOrReplayed: count.meta({ description: "Messages with a bad signature or a replayed nonce." }),
    lastSeen: isoTime.nullable(),
    breaker: GraphBreakerView,
  })
  .meta({ id: "GraphLinkView" });
export type GraphLinkView = z.infer<typeof GraphLinkView>;

export const GraphResponse = z
  .object({
    from: isoTime,
    to: isoTime,
    replay: z.boolean().meta({ description: "True when `at` was given: breaker states are as they stood at `to`." }),
    labelValues: z.record(z.string(), z.array(z.string())).meta({ description: "Every registry label name and its values, for a filter picker (before the label filter)." }),
    nodes: z.array(GraphNodeView),
    links: z.array(GraphLinkView).meta({ description: "Links with messages in the window, plus edges whose breaker is not CLOSED even without traffic (an open breaker blocks it)." }),
  })
  .meta({ id: "GraphResponse" });
export type GraphResponse = z.infer<typeof GraphResponse>;

// The agent graph's answer as columns: GET /api/v1/graph?format=columns.
// The same answer as GraphResponse, with the links as one array per field:
// endpoints as indices into `nodes`, the breaker's state as an index into
// `states`, the last message as milliseconds before `to`, and only the
// breakers that carry more than a state (a since, a reason, ...) spelled out.
// At 10,000 links the objects are 2.6 MB of JSON; the browser spends most of
// the graph page's first picture reading them (ADR 0034). The columns are
// ~0.4 MB and give back exactly the same GraphResponse (fromGraphColumns).
import { z } from "zod";
import { BREAKER_STATES } from "../engine/breaker/states.ts";
import { GraphBreakerView, GraphNodeView, type GraphBreakerView as Breaker, type GraphLinkView, type GraphResponse } from "./graph-views.ts";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const index = z.number().int().nonnegative();

export const GraphLinkColumns = z
  .object({
    sender: z.array(index).meta({ description: "Index of the sending agent in `nodes`." }),
    receiver: z.array(index).meta({ description: "Index of the receiving agent in `nodes`." }),
    messages: z.array(count),
    verified: z.array(count),
    unverified: z.array(count),
    forgedOrReplayed: z.array(count),
    lastSeenBefore: z.array(z.number().int().nullable()).meta({ description: "Milliseconds between the link's last message and `to`; null when it has none in the window." }),
    state: z.array(index).meta({ description: "The breaker's state, as an index into `states`." }),
    breakers: z
      .record(z.string().regex(/^\d+$/), GraphBreakerView)
      .meta({ description: "By link index, the breakers that carry more than their state (since, openUntil, awaitingReview, reason); every other link's breaker is its state with nulls and false." }),
  })
  .meta({ id: "GraphLinkColumns" });
export type GraphLinkColumns = z.infer<typeof GraphLinkColumns>;

export const GraphColumns = z
  .object({
    format: z.literal("columns"),
    from: isoTime,
    to: isoTime,
    replay: z.boolean(),
    labelValues: z.record(z.string(), z.array(z.string())),
    nodes: z.array(GraphNodeView),
    states: z.array(z.enum(BREAKER_STATES)).meta({ description: "The breaker states `links.state` points into." }),
    links: GraphLinkColumns,
  })
  .meta({ id: "GraphColumns" });
export type GraphColumns = z.infer<typeof GraphColumns>;

const plain = (b: Breaker): boolean => b.since === null && b.openUntil === null && !b.awaitingReview && b.reason === null;

/** A link with its endpoints as indices into the nodes and its last message in epoch milliseconds (null: none in the window). */
export interface IndexedLink {
  sender: number;
  receiver: number;
  messages: number;
  verified: number;
  unverified: number;
  forgedOrReplayed: number;
  lastSeen: number | null;
  breaker: Breaker;
}

/** GraphResponse -> columns. Every link's endpoints must be among the nodes (agentGraph keeps only those). */
export function toGraphColumns(g: GraphResponse): GraphColumns {
  const at = new Map(g.nodes.map((n, i) => [n.id, i]));
  const links = g.links.map((l): IndexedLink => {
    const sender = at.get(l.sender);
    const receiver = at.get(l.receiver);
    if (sender === undefined || receiver === undefined) throw new Error(`link ${l.sender} -> ${l.receiver} names an agent that is not among the nodes`);
    return { ...l, sender, receiver, lastSeen: l.lastSeen === null ? null : Date.parse(l.lastSeen) };
  });
  return graphColumnsOf(g, links);
}

/**
 * The columns from links already indexed: the server builds these straight
 * from its query (lib/db/graph-query.ts), without 10,000 link objects and
 * dates in between.
 */
export function graphColumnsOf(g: Omit<GraphResponse, "links">, indexed: readonly IndexedLink[]): GraphColumns {
  const stateIndex = new Map<string, number>(BREAKER_STATES.map((s, i) => [s, i]));
  const to = Date.parse(g.to);
  const n = indexed.length;
  const links: GraphLinkColumns = {
    sender: new Array<number>(n),
    receiver: new Array<number>(n),
    messages: new Array<number>(n),
    verified: new Array<number>(n),
    unverified: new Array<number>(n),
    forgedOrReplayed: new Array<number>(n),
    lastSeenBefore: new Array<number | null>(n),
    state: new Array<number>(n),
    breakers: {},
  };
  for (let i = 0; i < n; i++) {
    const l = indexed[i]!;
    links.sender[i] = l.sender;
    links.receiver[i] = l.receiver;
    links.messages[i] = l.messages;
    links.verified[i] = l.verified;
    links.unverified[i] = l.unverified;
    links.forgedOrReplayed[i] = l.forgedOrReplayed;
    links.lastSeenBefore[i] = l.lastSeen === null ? null : to - l.lastSeen;
    links.state[i] = stateIndex.get(l.breaker.state)!;
    if (!plain(l.breaker)) links.breakers[String(i)] = l.breaker;
  }
  return { format: "columns", from: g.from, to: g.to, replay: g.replay, labelValues: g.labelValues, nodes: g.nodes, states: [...BREAKER_STATES], links };
}

/**
 * Columns -> the GraphResponse they came from. Throws when the columns do not
 * line up (different lengths, an index out of range): a broken answer must
 * not draw a wrong graph.
 */
export function fromGraphColumns(c: GraphColumns): GraphResponse {
  const L = c.links;
  const n = L.sender.length;
  for (const [name, column] of Object.entries({ receiver: L.receiver, messages: L.messages, verified: L.verified, unverified: L.unverified, forgedOrReplayed: L.forgedOrReplayed, lastSeenBefore: L.lastSeenBefore, state: L.state })) {
    if (column.length !== n) throw new Error(`graph columns: links.${name} has ${column.length} entries, links.sender ${n}`);
  }
  const to = Date.parse(c.to);
  const links = new Array<GraphLinkView>(n);
  for (let i = 0; i < n; i++) {
    const sender = c.nodes[L.sender[i]!];
    const receiver = c.nodes[L.receiver[i]!];
    const state = c.states[L.state[i]!];
    if (!sender || !receiver || !state) throw new Error(`graph columns: link ${i} points past the nodes or the states`);
    const ago = L.lastSeenBefore[i]!;
    links[i] = {
      sender: sender.id,
      receiver: receiver.id,
      messages: L.messages[i]!,
      verified: L.verified[i]!,
      unverified: L.unverified[i]!,
      forgedOrReplayed: L.forgedOrReplayed[i]!,
      lastSeen: ago === null ? null : new Date(to - ago).toISOString(),
      breaker: L.breakers[String(i)] ?? { state, since: null, openUntil: null, awaitingReview: false, reason: null },
    };
  }
  return { from: c.from, to: c.to, replay: c.replay, labelValues: c.labelValues, nodes: c.nodes, links };
}

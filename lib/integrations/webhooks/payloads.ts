// What a destination receives, per format. `json` is the event itself in an
// envelope a program can dispatch on; `slack` is Slack's incoming-webhook
// shape ({ text, blocks }), which Mattermost and Teams' Slack-compatible
// hooks also accept. Pure: the dispatcher serializes once and signs the bytes.
import type { StoredWebhookEvent, WebhookEvent } from "./events.ts";

export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Bumped when the json envelope changes in a way receivers must notice. */
export const PAYLOAD_VERSION = 1;

export interface JsonPayload {
  id: string;
  type: WebhookEvent["type"];
  occurredAt: string;
  version: number;
  data: WebhookEvent["data"];
  /** A dashboard link when FIREBREAK_PUBLIC_URL is set. */
  url: string | null;
}

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

type SlackBlock =
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] };

export function jsonPayload(stored: StoredWebhookEvent, publicUrl: string | null): JsonPayload {
  return {
    id: stored.id,
    type: stored.event.type,
    occurredAt: stored.occurredAt,
    version: PAYLOAD_VERSION,
    data: stored.event.data,
    url: linkFor(stored.event, publicUrl),
  };
}

export function slackPayload(stored: StoredWebhookEvent, publicUrl: string | null): SlackPayload {
  const { headline, lines } = describe(stored.event);
  const url = linkFor(stored.event, publicUrl);
  const body = [`*${escapeSlack(headline)}*`, ...lines.map(escapeSlack)].join("\n");
  const context = [`${stored.event.type} · ${stored.occurredAt}`];
  if (url) context.push(`<${url}|Open in Firebreak>`);
  return {
    // The fallback for notifications and clients that do not render blocks.
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: body } },
      { type: "context", elements: context.map((text) => ({ type: "mrkdwn" as const, text })) },
    ],
  };
}

export function renderPayload(format: WebhookFormat, stored: StoredWebhookEvent, publicUrl: string | null): string {
  return JSON.stringify(format === "slack" ? slackPayload(stored, publicUrl) : jsonPayload(stored, publicUrl));
}

/** One headline and a few plain lines: what happened, where, why. */
export function describe(event: WebhookEvent): { headline: string; lines: string[] } {
  switch (event.type) {
    case "incident.opened": {
      const i = event.data.incident;
      return {
        headline: `Incident ${i.id} opened (${i.severity}): ${i.title}`,
        lines: [`Agents: ${i.agents.length > 0 ? i.agents.join(", ") : "none named"}`, `First finding at ${i.firstAt}; ${i.findingIds.length} finding(s)`],
      };
    }
    case "breaker.tripped": {
      const d = event.data;
      return {
        headline: `Breaker tripped: ${d.edge.sender} -> ${d.edge.receiver} is ${d.to}`,
        lines: [`Cause: ${d.cause} (was ${d.from})`, d.detail],
      };
    }
    case "kill_switch.changed": {
      const d = event.data;
      return {
        headline: `Kill switch ${d.active ? "thrown" : "released"}: ${d.scope} ${d.target}`,
        lines: [`By ${d.actor ?? "unknown"}${d.reason ? `: ${d.reason}` : ""}`],
      };
    }
  }
}

function linkFor(event: WebhookEvent, publicUrl: string | null): string | null {
  if (!publicUrl) return null;
  const base = publicUrl.replace(/\/+$/, "");
  switch (event.type) {
    case "incident.opened":
      return `${base}/incidents/${encodeURIComponent(event.data.incident.id)}`;
    case "breaker.tripped":
      return `${base}/graph?edge=${encodeURIComponent(`${event.data.edge.sender}->${event.data.edge.receiver}`)}`;
    case "kill_switch.changed":
      return `${base}/graph`;
  }
}

// Slack treats &, < and > as control characters in mrkdwn; agent names and
// titles come from the agents themselves and must not forge links or mentions.
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

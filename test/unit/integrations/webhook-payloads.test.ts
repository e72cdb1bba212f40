import { describe, expect, it } from "vitest";
import { WebhookEvent } from "@/lib/integrations/webhooks/events.ts";
import { escapeSlack, jsonPayload, renderPayload, slackPayload } from "@/lib/integrations/webhooks/payloads.ts";
import { breakerWebhookEvents } from "@/lib/integrations/webhooks/breaker-events.ts";
import { AT, breakerTripped, incidentOpened, killSwitch, stored } from "./webhook-fixtures.ts";

describe("json payload", () => {
  it("wraps the event in a versioned envelope a program can dispatch on", () => {
    const p = jsonPayload(stored(breakerTripped()), null);
    expect(p).toEqual({ id: stored(breakerTripped()).id, type: "breaker.tripped", occurredAt: AT, version: 1, data: breakerTripped().data, url: null });
    // What goes on the wire parses back into the same event.
    const wire = JSON.parse(renderPayload("json", stored(breakerTripped()), null)) as { type: string; data: unknown };
    expect(WebhookEvent.parse({ type: wire.type, data: wire.data })).toEqual(breakerTripped());
  });

  it("links to the dashboard when a public URL is configured, without doubling slashes", () => {
    expect(jsonPayload(stored(incidentOpened()), "https://fb.example.com/").url).toBe("https://fb.example.com/incidents/42");
    expect(jsonPayload(stored(breakerTripped()), "https://fb.example.com").url).toBe("https://fb.example.com/graph?edge=planner-%3Ebuyer");
  });
});

describe("slack payload", () => {
  it("has a plain-text fallback and mrkdwn blocks", () => {
    const p = slackPayload(stored(incidentOpened()), "https://fb.example.com");
    expect(p.text).toBe("Incident 42 opened (critical): Forged message reached a red action");
    expect(p.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "*Incident 42 opened (critical): Forged message reached a red action*\nAgents: mallory, buyer\nFirst finding at 2026-12-05T03:00:00.000Z; 2 finding(s)" },
    });
    expect(p.blocks[1]).toEqual({
      type: "context",
      elements: [
        { type: "mrkdwn", text: `incident.opened · ${AT}` },
        { type: "mrkdwn", text: "<https://fb.example.com/incidents/42|Open in Firebreak>" },
      ],
    });
  });

  it("escapes agent-controlled text so it cannot forge links or mentions", () => {
    const p = slackPayload(stored(breakerTripped({ edge: { sender: "<!channel>", receiver: "a&b" }, detail: "<https://evil|click>" })), null);
    expect(p.text).toBe("Breaker tripped: <!channel> -> a&b is OPEN");
    const body = (p.blocks[0] as { text: { text: string } }).text.text;
    expect(body).not.toContain("<!channel>");
    expect(body).toContain("&lt;!channel&gt; -&gt; a&amp;b");
    expect(body).toContain("&lt;https://evil|click&gt;");
    expect(escapeSlack("")).toBe("");
  });

  it("says thrown or released for the kill switch, with who and why", () => {
    expect(slackPayload(stored(killSwitch(true)), null).text).toBe("Kill switch thrown: edge planner -> buyer");
    expect(slackPayload(stored(killSwitch(false)), null).text).toBe("Kill switch released: edge planner -> buyer");
    expect(JSON.stringify(slackPayload(stored(killSwitch(true)), null).blocks)).toContain("By alice: stop the bleeding");
  });
});

describe("breaker transitions to events", () => {
  const t = (from: string, to: string, cause: string) =>
    ({ sender: "s", receiver: "r", from, to, cause, at: Date.parse(AT), recordIds: ["x"], detail: "why", actor: cause === "forced" || cause === "released" ? "bob" : null }) as Parameters<
      typeof breakerWebhookEvents
    >[0][number];

  it("alerts on trips and on the edge kill switch only", () => {
    const events = breakerWebhookEvents([
      t("CLOSED", "OPEN", "failures"),
      t("HALF_OPEN", "OPEN", "probe_failed"),
      t("OPEN", "HALF_OPEN", "timer"),
      t("HALF_OPEN", "CLOSED", "probe_clean"),
      t("CLOSED", "FORCED_OPEN", "forced"),
      t("FORCED_OPEN", "CLOSED", "released"),
      t("METRICS_ONLY", "METRICS_ONLY", "dry_run_trip"),
    ]);
    expect(events.map((e) => e.type)).toEqual(["breaker.tripped", "breaker.tripped", "kill_switch.changed", "kill_switch.changed"]);
    expect(events[2]).toEqual({ type: "kill_switch.changed", data: { scope: "edge", target: "s -> r", active: true, actor: "bob", reason: "why", at: AT } });
    expect(events[3]!.type === "kill_switch.changed" && events[3]!.data.active).toBe(false);
    for (const e of events) expect(WebhookEvent.safeParse(e).success).toBe(true);
    expect(breakerWebhookEvents([])).toEqual([]);
  });
});

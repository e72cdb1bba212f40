// The control plane as a PolicySource, against a scripted server: the
// stream's policies and heartbeats, staleness and unreachability on an
// injected clock and what decide() then does, out-of-order versions, and
// the fall back to long polling when the stream cannot be had.
import { afterEach, describe, expect, it } from "vitest";
import { mergePolicy } from "@/lib/control/policy-document.ts";
import { ControlPlanePolicy } from "@/lib/guard/control-plane-policy.ts";
import { decide, type GuardIntent } from "@/lib/guard/decisions.ts";
import type { PolicyStatus } from "@/lib/guard/policy.ts";
import { killSwitch } from "../control/kill-switch-fixtures.ts";

const encoder = new TextEncoder();

/** A fake control plane: each stream request gets a stream the test writes into. */
class FakeServer {
  streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  streamRequests: Headers[] = [];
  pollRequests: string[] = [];
  streamStatus = 200;
  pollAnswer: unknown = null;

  fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    if (url.endsWith("/api/v1/control/stream")) {
      this.streamRequests.push(headers);
      if (this.streamStatus !== 200) return Response.json({ error: { message: "no stream here" } }, { status: this.streamStatus });
      const body = new ReadableStream<Uint8Array>({ start: (c) => void this.streams.push(c) });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    this.pollRequests.push(url);
    return Response.json(this.pollAnswer);
  };

  send(text: string): void {
    this.streams.at(-1)?.enqueue(encoder.encode(text));
  }

  policy(version: number, switches = [killSwitch({ target: "pricer" })]): void {
    const doc = { ...mergePolicy(version, switches, []), generatedAt: new Date().toISOString() };
    this.send(`id: ${version}\nevent: policy\ndata: ${JSON.stringify(doc)}\n\n`);
  }
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

const sources: ControlPlanePolicy[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

function source(server: FakeServer, clock: { now: number }, over: Partial<ConstructorParameters<typeof ControlPlanePolicy>[0]> = {}): ControlPlanePolicy {
  const s = new ControlPlanePolicy({ baseUrl: "http://cp.test/", token: "t0k", fetch: server.fetch, clock: () => clock.now, staleAfterMs: 15_000, unreachableAfterMs: 60_000, ...over });
  sources.push(s);
  return s;
}

const LABELS = {};
const sendTo = (to: string): GuardIntent => ({ op: "send", agent: "buyer", to: [to], intent: "Quote", fanOut: 1, depth: 1, labels: LABELS });
const red: GuardIntent = { op: "act", agent: "buyer", name: "wire_money", actionClass: "red", depth: 1, labels: LABELS };
const green: GuardIntent = { op: "act", agent: "buyer", name: "log", actionClass: "green", depth: 1, labels: LABELS };

describe("ControlPlanePolicy over the stream", () => {
  it("is unreachable until the first policy, then fresh; applies each new version and tells subscribers", async () => {
    const server = new FakeServer();
    const clock = { now: 1_000_000 };
    const cp = source(server, clock, { caps: { maxFanOut: 9 } });
    expect(cp.status()).toBe("unreachable");
    const seen: [number, PolicyStatus][] = [];
    cp.subscribe((s, st) => seen.push([s.version, st]));
    const started = cp.start(2000);
    await until(() => server.streams.length === 1);
    expect(server.streamRequests[0]!.get("authorization")).toBe("Bearer t0k");
    server.policy(3);
    await started;
    expect(cp.status()).toBe("fresh");
    expect(cp.current()).toMatchObject({ version: 3, killedAgents: ["pricer"], caps: { maxFanOut: 9, maxChainDepth: 5 } });
    expect(Object.isFrozen(cp.current())).toBe(true);

    server.policy(5, []);
    await until(() => cp.current().version === 5);
    expect(cp.current().killedAgents).toEqual([]);
    // An older version arriving late changes nothing.
    server.policy(4);
    server.send('event: heartbeat\ndata: {"version":5}\n\n');
    await new Promise((r) => setTimeout(r, 30));
    expect(cp.current().version).toBe(5);
    expect(seen.map(([v]) => v)).toEqual([3, 5]);
  });

  it("stale after the staleness limit without word, unreachable later; decisions follow the documented rule", async () => {
    const server = new FakeServer();
    const clock = { now: 0 };
    const cp = source(server, clock);
    const started = cp.start(2000);
    await until(() => server.streams.length === 1);
    server.policy(2, [killSwitch({ target: "pricer" })]);
    await started;

    const view = () => ({ snapshot: cp.current(), status: cp.status() });
    clock.now = 14_000;
    expect(cp.checkStatus()).toBe("fresh");
    clock.now = 16_000;
    expect(cp.checkStatus()).toBe("stale");
    // Stale: the last known policy is enforced as it is, red actions included.
    expect(decide(sendTo("pricer"), view(), "closed")).toMatchObject({ allow: false, code: "killed" });
    expect(decide(red, view(), "closed")).toEqual({ allow: true });
    expect(decide(sendTo("shipper"), view(), "closed")).toEqual({ allow: true });

    // A heartbeat confirms it again.
    server.send('event: heartbeat\ndata: {"version":2}\n\n');
    await until(() => cp.status() === "fresh");

    clock.now = 16_000 + 61_000;
    expect(cp.checkStatus()).toBe("unreachable");
    for (const mode of ["open", "closed"] as const) {
      // Red: closed always. Known kills: still "killed". The rest: per fail mode.
      expect(decide(red, view(), mode)).toMatchObject({ allow: false, code: "policy_unreachable" });
      expect(decide(sendTo("pricer"), view(), mode)).toMatchObject({ allow: false, code: "killed" });
    }
    expect(decide(green, view(), "open")).toEqual({ allow: true });
    expect(decide(sendTo("shipper"), view(), "open")).toEqual({ allow: true });
    expect(decide(sendTo("shipper"), view(), "closed")).toMatchObject({ allow: false, code: "policy_unreachable" });
  });

  it("a dropped stream is stale at once, reconnects with Last-Event-ID, and a heartbeat ahead of its version fetches the policy", async () => {
    const server = new FakeServer();
    const clock = { now: 0 };
    const cp = source(server, clock);
    const started = cp.start(2000);
    await until(() => server.streams.length === 1);
    server.policy(6);
    await started;
    server.streams[0]!.close();
    await until(() => cp.status() === "stale");
    await until(() => server.streams.length === 2, 3000);
    expect(server.streamRequests[1]!.get("last-event-id")).toBe("6");
    server.pollAnswer = { ...mergePolicy(8, [], []), generatedAt: new Date().toISOString() };
    server.send('event: heartbeat\ndata: {"version":8}\n\n');
    await until(() => cp.current().version === 8);
    expect(server.pollRequests[0]).toBe("http://cp.test/api/v1/control/policy");
    expect(cp.status()).toBe("fresh");
  });
});

describe("ControlPlanePolicy falls back to long polling", () => {
  it("after the stream fails the configured number of times, long-polls with after=<version>", async () => {
    const server = new FakeServer();
    server.streamStatus = 404;
    server.pollAnswer = { ...mergePolicy(11, [killSwitch({ scope: "edge", target: "a->b" })], []), generatedAt: new Date().toISOString() };
    const errors: string[] = [];
    const cp = source(server, { now: 0 }, { streamFailuresBeforePolling: 1, onError: (e) => errors.push(e.message) });
    await cp.start(3000);
    expect(cp.current()).toMatchObject({ version: 11, killedEdges: ["a->b"] });
    expect(errors[0]).toMatch(/the policy stream answered 404: no stream here/);
    await until(() => server.pollRequests.length >= 2);
    expect(server.pollRequests[0]).toBe("http://cp.test/api/v1/control/policy?after=0&wait=7");
    expect(server.pollRequests[1]).toBe("http://cp.test/api/v1/control/policy?after=11&wait=7");
    expect(cp.stats().transport).toBe("poll");
    expect(cp.status()).toBe("fresh");
  });

  it("rejects a document it cannot read and keeps the last good one", async () => {
    const server = new FakeServer();
    const errors: string[] = [];
    const cp = source(server, { now: 0 }, { onError: (e) => errors.push(e.message) });
    expect(cp.accept({ version: 2, killAll: "yes" })).toBe(false);
    expect(cp.current().version).toBe(0);
    expect(errors[0]).toMatch(/cannot read/);
  });
});

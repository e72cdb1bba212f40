// The policy stream (GET /api/v1/control/stream) and long poll (GET
// /api/v1/control/policy): Web-standard responses over a PolicyFeed, so
// they run in a Next route handler, a bare Node server or a test alike.
//
// Server-sent events: on connect, `event: policy` with the whole policy and
// `id:` its version; a new `policy` event for every new version; an
// `event: heartbeat` (data: {"version":N}) every heartbeatMs so a guard can
// tell a quiet stream from a dead one. A client reconnecting with
// Last-Event-ID at the current version is not sent the document again.
import type { ControlPolicyQuery, ControlPolicyView } from "../api/control-views.ts";

export type PolicyFeedListener = (policy: ControlPolicyView) => void;

/** What streams and long polls need: the current policy and word of every new version. */
export interface PolicyFeed {
  /** The latest version this feed has seen (cheap; may trail a commit by the NOTIFY's round trip). */
  current(): Promise<ControlPolicyView>;
  /** Reads the policy now, so a caller sees its own change. */
  read(): Promise<ControlPolicyView>;
  subscribe(listener: PolicyFeedListener): () => void;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;

const encoder = new TextEncoder();

export function policyEvent(policy: ControlPolicyView): string {
  return `id: ${policy.version}\nevent: policy\ndata: ${JSON.stringify(policy)}\n\n`;
}

export function heartbeatEvent(version: number, at: number): string {
  return `event: heartbeat\ndata: {"version":${version},"at":"${new Date(at).toISOString()}"}\n\n`;
}

/** Last-Event-ID as a version, or null when absent or not a version. */
export function lastEventVersion(request: Request): number | null {
  const raw = request.headers.get("last-event-id");
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

export async function policyStream(feed: PolicyFeed, request: Request, heartbeatMs = DEFAULT_HEARTBEAT_MS): Promise<Response> {
  // Read before answering: a database that is down is a 5xx the guard can see, not an empty stream.
  const first = await feed.current();
  const resumeAt = lastEventVersion(request);
  let sent = resumeAt !== null && resumeAt >= first.version ? resumeAt : -1;
  let cleanup = (): void => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string): void => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const push = (policy: ControlPolicyView): void => {
        if (policy.version <= sent) return;
        sent = policy.version;
        write(policyEvent(policy));
      };
      // Reconnect quickly: a guard that lost its stream should be back within a second.
      write("retry: 500\n\n");
      if (sent >= first.version) write(heartbeatEvent(first.version, Date.now()));
      else push(first);
      const unsubscribe = feed.subscribe(push);
      const beat = setInterval(() => write(heartbeatEvent(Math.max(sent, first.version), Date.now())), heartbeatMs);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(beat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      request.signal.addEventListener("abort", cleanup, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      // Proxies (nginx) must not buffer a stream that exists to be prompt,
      // nor may Next's gzip, which holds small events back to fill a block.
      "x-accel-buffering": "no",
      "content-encoding": "none",
    },
  });
}

/**
 * The policy now, or (with `after`) as soon as its version is above `after`,
 * waiting at most `wait` seconds and then answering with the current one,
 * which the caller recognises as unchanged by its version.
 */
export async function policyAfter(feed: PolicyFeed, query: ControlPolicyQuery, signal?: AbortSignal): Promise<ControlPolicyView> {
  // A plain GET reads the database: whoever just killed something sees it in the answer.
  if (query.after === undefined || query.wait === 0) return query.after === undefined ? feed.read() : feed.current();
  const after = query.after;
  // Subscribed before reading, so a version published in between is not missed.
  let newer: ControlPolicyView | null = null;
  let wake: () => void = () => {};
  const unsubscribe = feed.subscribe((policy) => {
    if (policy.version > after) {
      newer = policy;
      wake();
    }
  });
  try {
    const now = await feed.current();
    if (now.version > after) return now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, query.wait * 1000);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      wake = done;
      if (newer !== null) done();
      signal?.addEventListener("abort", done, { once: true });
    });
    return newer ?? (await feed.current());
  } finally {
    unsubscribe();
  }
}

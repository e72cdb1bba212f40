// A worker process for bench/control.ts: holds many simulated guards, each a
// real HTTP client of a policy stream, and reports when every one of them
// has seen what the parent is waiting for. Two kinds of client:
//   policy: a ControlPlanePolicy on /api/v1/control/stream (what guards run);
//   bare:   a plain SSE reader of the baseline server (no database, no policy).
// Times are epoch ms with sub-millisecond precision (timeOrigin + now), so
// they compare across processes on one machine.
import { ControlPlanePolicy } from "../../lib/guard/control-plane-policy.ts";
import { SseParser } from "../../lib/guard/sse-parser.ts";

export type ToWorker =
  | { type: "start"; mode: "policy" | "bare"; url: string; token: string; count: number }
  | { type: "expect"; trial: number; agent: string; killed: boolean }
  | { type: "stop" };

export type FromWorker = { type: "ready"; connected: number } | { type: "armed"; trial: number } | { type: "seen"; trial: number; times: number[] } | { type: "error"; message: string };

const now = (): number => performance.timeOrigin + performance.now();
const send = (m: FromWorker): void => void process.send?.(m);

let expect: { trial: number; agent: string; killed: boolean; times: (number | null)[]; left: number } | null = null;
const policies: ControlPlanePolicy[] = [];
const bareSeen: number[] = [];
const aborts: AbortController[] = [];

function mark(i: number, at: number): void {
  if (!expect || expect.times[i] !== null) return;
  expect.times[i] = at;
  if (--expect.left === 0) {
    send({ type: "seen", trial: expect.trial, times: expect.times as number[] });
    expect = null;
  }
}

async function startPolicy(url: string, token: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const p = new ControlPlanePolicy({ baseUrl: url, token, onError: (e) => send({ type: "error", message: e.message }) });
    p.subscribe((s) => {
      if (expect && s.killedAgents.includes(expect.agent) === expect.killed) mark(i, now());
    });
    policies.push(p);
  }
  // Connect in slices so a thousand handshakes do not all land in one tick.
  for (let i = 0; i < policies.length; i += 50) await Promise.all(policies.slice(i, i + 50).map((p) => p.start(30_000)));
}

async function startBare(url: string, count: number): Promise<void> {
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const abort = new AbortController();
    aborts.push(abort);
    bareSeen.push(-1);
    ready.push(
      new Promise<void>((resolve, reject) => {
        void (async () => {
          const res = await fetch(`${url}/events`, { signal: abort.signal });
          const reader = res.body!.getReader();
          const parser = new SseParser();
          const decoder = new TextDecoder();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            for (const ev of parser.push(decoder.decode(value, { stream: true }))) {
              if (ev.event === "hello") resolve();
              else if (ev.event === "ping" && expect && Number(ev.data) === expect.trial) mark(i, now());
            }
          }
        })().catch((err: unknown) => {
          if (!abort.signal.aborted) reject(err as Error);
        });
      }),
    );
  }
  await Promise.all(ready);
}

process.on("message", (m: ToWorker) => {
  if (m.type === "start") {
    const started = m.mode === "policy" ? startPolicy(m.url, m.token, m.count) : startBare(m.url, m.count);
    started.then(
      () => send({ type: "ready", connected: m.count }),
      (err: unknown) => send({ type: "error", message: (err as Error).message }),
    );
  } else if (m.type === "expect") {
    const count = policies.length || bareSeen.length;
    expect = { trial: m.trial, agent: m.agent, killed: m.killed, times: new Array<number | null>(count).fill(null), left: count };
    send({ type: "armed", trial: m.trial });
  } else {
    for (const a of aborts) a.abort();
    void Promise.all(policies.map((p) => p.close())).then(() => process.exit(0));
  }
});

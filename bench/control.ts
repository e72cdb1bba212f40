// npm run bench:control -- [--guards 100,1000] [--trials 20] [--workers 2]
//
// Propagation of a kill switch: from the API call (POST /api/v1/kill-switches,
// or the lift) to 100% of N simulated guards enforcing it. Each guard is a
// ControlPlanePolicy, a real HTTP client of GET /api/v1/control/stream, held
// in a few worker processes. The path measured is the product's: route
// handler -> PostgreSQL transaction -> trigger NOTIFY -> the process's LISTEN
// connection -> one policy read -> N server-sent events -> each guard parses
// and installs the policy. Beside it, in the same run and on the same worker
// processes, the baseline: a bare SSE server that writes one event to N
// plain SSE readers on a POST (no database, no policy). Prints a table;
// writes bench-output/control.json. Goal: p99 < 1 s to 100% of 1,000 guards.
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrate } from "../lib/db/migrate.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import type { FromWorker, ToWorker } from "./lib/control-guards.ts";
import { elapsedLog, percentile } from "./lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    guards: { type: "string", default: "100,1000" },
    trials: { type: "string", default: "20" },
    workers: { type: "string", default: "2" },
    out: { type: "string", default: "bench-output/control.json" },
  },
});

const TOKEN = "fbk_bench_control_0123456789abcdef";
const GOAL_P99_MS = 1000;
const log = elapsedLog();
const now = (): number => performance.timeOrigin + performance.now();

class Worker {
  private readonly waiters = new Map<string, (m: FromWorker) => void>();
  readonly errors: string[] = [];
  constructor(readonly child: ChildProcess) {
    child.on("message", (m: FromWorker) => {
      if (m.type === "error") {
        if (this.errors.length < 5) this.errors.push(m.message);
        return;
      }
      const key = m.type === "ready" ? "ready" : `${m.type}:${m.trial}`;
      this.waiters.get(key)?.(m);
      this.waiters.delete(key);
    });
  }
  wait(key: string, timeoutMs: number): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker: no ${key} in ${timeoutMs} ms${this.errors.length ? ` (${this.errors.join("; ")})` : ""}`)), timeoutMs);
      this.waiters.set(key, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }
  send(m: ToWorker): void {
    this.child.send(m);
  }
}

function spawnWorkers(n: number): Worker[] {
  return Array.from({ length: n }, () => new Worker(fork(path.join(import.meta.dirname, "lib", "control-guards.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] })));
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.child.once("exit", () => resolve());
          w.send({ type: "stop" });
          setTimeout(() => w.child.kill(), 5000).unref();
        }),
    ),
  );
}

interface Trial {
  /** API call to the last guard enforcing, ms. */
  all: number;
  /** Each guard's own delay, ms. */
  each: number[];
}

/** One run of `trials` changes against `workers` holding `total` guards; `act` makes the change and returns when it was called. */
async function measure(workers: Worker[], trials: number, act: (trial: number) => Promise<{ t0: number; agent: string; killed: boolean }>, plan: (trial: number) => { agent: string; killed: boolean }): Promise<Trial[]> {
  const out: Trial[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    const expectation = plan(trial);
    const armed = workers.map((w) => w.wait(`armed:${trial}`, 10_000));
    for (const w of workers) w.send({ type: "expect", trial, ...expectation });
    await Promise.all(armed);
    const seen = workers.map((w) => w.wait(`seen:${trial}`, 30_000));
    const { t0 } = await act(trial);
    const times = (await Promise.all(seen)).flatMap((m) => (m.type === "seen" ? m.times : []));
    const each = times.map((t) => t - t0);
    out.push({ all: Math.max(...each), each });
    // Let the stream settle between changes, as real kills are seconds apart at the least.
    await new Promise((r) => setTimeout(r, 150));
  }
  return out;
}

interface Summary {
  guards: number;
  trials: number;
  allP50: number;
  allP99: number;
  allMax: number;
  eachP50: number;
  eachP99: number;
}

function summarize(guards: number, trials: Trial[]): Summary {
  const all = trials.map((t) => t.all);
  const each = trials.flatMap((t) => t.each);
  return { guards, trials: trials.length, allP50: percentile(all, 0.5), allP99: percentile(all, 0.99), allMax: Math.max(...all), eachP50: percentile(each, 0.5), eachP99: percentile(each, 0.99) };
}

/** The baseline: a bare SSE server, one event to every reader per POST /ping?trial=N. */
async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const clients = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.url === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      res.write("event: hello\ndata: 1\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const trial = new URL(req.url ?? "/", "http://x").searchParams.get("trial");
    const event = `event: ping\ndata: ${trial}\n\n`;
    for (const c of clients) c.write(event);
    res.writeHead(204).end();
  });
  server.on("connection", (s) => s.setNoDelay(true));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function main(): Promise<void> {
  const sizes = args.guards.split(",").map((s) => Number(s.trim()));
  const trials = Number(args.trials);
  const workerCount = Math.max(1, Number(args.workers));
  const load0 = loadavg()[0]!;
  const db = await startBenchDatabase();
  try {
    await migrate(db.url);
    process.env.DATABASE_URL = db.url;
    process.env.FIREBREAK_TOKEN = TOKEN;
    // Imported after the env is set: the served pool and the hub read it once.
    const { serveRoutes } = await import("../test/helpers/route-server.ts");
    const stream = await import("../app/api/v1/control/stream/route.ts");
    const policy = await import("../app/api/v1/control/policy/route.ts");
    const switches = await import("../app/api/v1/kill-switches/route.ts");
    const lift = await import("../app/api/v1/kill-switches/[id]/lift/route.ts");
    const server = await serveRoutes({
      "GET /api/v1/control/stream": stream.GET,
      "GET /api/v1/control/policy": policy.GET,
      "POST /api/v1/kill-switches": switches.POST,
      "POST /api/v1/kill-switches/{id}/lift": lift.POST,
    });
    const bare = await bareServer();
    const results: { size: number; product: Summary; baseline: Summary }[] = [];
    for (const size of sizes) {
      const per = Math.ceil(size / workerCount);
      const counts = Array.from({ length: workerCount }, (_, i) => Math.max(0, Math.min(per, size - i * per))).filter((c) => c > 0);

      log(`${size} guards: connecting the baseline's bare SSE readers`);
      let workers = spawnWorkers(counts.length);
      let ready = workers.map((w) => w.wait("ready", 120_000));
      workers.forEach((w, i) => w.send({ type: "start", mode: "bare", url: bare.url, token: TOKEN, count: counts[i]! }));
      await Promise.all(ready);
      const baseline = await measure(
        workers,
        trials,
        async (trial) => {
          const t0 = now();
          await fetch(`${bare.url}/ping?trial=${trial}`, { method: "POST" });
          return { t0, agent: "", killed: true };
        },
        () => ({ agent: "", killed: true }),
      );
      await stopWorkers(workers);

      log(`${size} guards: connecting ControlPlanePolicy clients to the policy stream`);
      workers = spawnWorkers(counts.length);
      ready = workers.map((w) => w.wait("ready", 300_000));
      workers.forEach((w, i) => w.send({ type: "start", mode: "policy", url: server.url, token: TOKEN, count: counts[i]! }));
      await Promise.all(ready);
      log(`${size} guards connected (${server.connections()} connections); measuring ${trials} kills and lifts`);
      let lastId = "";
      const agent = `bench-agent-${size}`;
      const product = await measure(
        workers,
        trials,
        async (trial) => {
          const kill = trial % 2 === 1;
          const t0 = now();
          const res = kill
            ? await fetch(`${server.url}/api/v1/kill-switches`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ scope: "agent", agent, reason: `bench trial ${trial}` }) })
            : await fetch(`${server.url}/api/v1/kill-switches/${lastId}/lift`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ reason: `bench trial ${trial}` }) });
          const body = (await res.json()) as { id?: string; error?: { message: string } };
          if (!res.ok) throw new Error(`the API refused trial ${trial}: ${body.error?.message}`);
          if (kill) lastId = body.id ?? "";
          return { t0, agent, killed: kill };
        },
        (trial) => ({ agent, killed: trial % 2 === 1 }),
      );
      await stopWorkers(workers);
      const r = { size, product: summarize(size, product), baseline: summarize(size, baseline) };
      results.push(r);
      log(`${size} guards: to 100% p50 ${r.product.allP50.toFixed(1)} ms, p99 ${r.product.allP99.toFixed(1)} ms (baseline p50 ${r.baseline.allP50.toFixed(1)}, p99 ${r.baseline.allP99.toFixed(1)})`);
    }
    await bare.close();
    await server.close();
    const { policyHub } = await import("../lib/db/policy-hub.ts");
    await policyHub().close();
    const { pool } = await import("../lib/db/pool.ts");
    await pool().end();

    const f = (x: number) => x.toFixed(1);
    console.log(`\nKill switch propagation, API call -> 100% of guards enforcing (${trials} changes per size, kills and lifts alternating, ${workerCount} worker processes)`);
    console.log("| guards | policy stream: to 100% p50 / p99 / max | per guard p50 / p99 | bare SSE baseline: to 100% p50 / p99 | per reader p50 / p99 |");
    console.log("|---|---|---|---|---|");
    for (const r of results) {
      console.log(`| ${r.size} | ${f(r.product.allP50)} / ${f(r.product.allP99)} / ${f(r.product.allMax)} ms | ${f(r.product.eachP50)} / ${f(r.product.eachP99)} ms | ${f(r.baseline.allP50)} / ${f(r.baseline.allP99)} ms | ${f(r.baseline.eachP50)} / ${f(r.baseline.eachP99)} ms |`);
    }
    const biggest = results.at(-1);
    const load1 = loadavg()[0]!;
    console.log(`load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${availableParallelism()} cores`);
    if (biggest) console.log(`goal: p99 < ${GOAL_P99_MS} ms at ${biggest.size} guards: ${biggest.product.allP99 < GOAL_P99_MS ? "met" : "MISSED"} (${f(biggest.product.allP99)} ms)`);
    mkdirSync("bench-output", { recursive: true });
    writeFileSync(args.out, JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: availableParallelism(), load: [load0, load1], trials, workers: workerCount, results }, null, 2));
  } finally {
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

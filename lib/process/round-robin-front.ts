// A small round-robin HTTP front for several collectors: each request goes to
// the next collector in turn, body and headers passed through unchanged, the
// answer passed back. For tests, benchmarks and local use (`npm run front`);
// in production an OpenTelemetry Collector's loadbalancing exporter or any
// HTTP load balancer does this job (docs/deploy.md). A collector that cannot
// be reached is skipped for that request; when none can be, the sender gets
// 503 with Retry-After, as from an overloaded collector, and retries.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinFront {
  url: string;
  port: number;
  /** Requests sent to each backend so far, in the order given. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinFront(backends: readonly string[], opts: { port?: number; host?: string } = {}): Promise<RoundRobinFront> {
  if (backends.length === 0) throw new Error("The round-robin front needs at least one collector URL (http://host:port).");
  const targets = backends.map((b) => new URL(b));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const counts = targets.map(() => 0);
  let next = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void forward(req, res, Buffer.concat(chunks), next++ % targets.length, 0));
    req.on("error", () => res.destroy());
  });

  async function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, index: number, tried: number): Promise<void> {
    if (tried >= targets.length) {
      res.writeHead(503, { "retry-after": "1", "content-type": "application/json" }).end(JSON.stringify({ code: 14, message: "No collector reachable behind the front; retry after the delay in Retry-After." }));
      return;
    }
    const target = targets[index]!;
    const headers = { ...req.headers, host: target.host };
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      counts[index]!++;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      // Not connected: the request never reached that collector, so another may take it.
      if (!res.headersSent && (err.code === "ECONNREFUSED" || err.code === "EHOSTUNREACH")) void forward(req, res, body, (index + 1) % targets.length, tried + 1);
      else res.destroy();
    });
    upstream.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    counts: () => [...counts],
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

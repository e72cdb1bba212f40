// Serves /api/v1 route handlers over node:http, as Next would hand them Web
// Requests, for tests and benchmarks that need real HTTP clients (a guard's
// policy stream) without building Next. Streaming responses are written
// chunk by chunk, and a client hanging up aborts the request's signal.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteTable {
  /** "GET /api/v1/control/stream" -> handler; a `{id}` segment matches anything and becomes a param. */
  [methodAndPath: string]: RouteHandler;
}

export interface RouteServer {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

function match(routes: RouteTable, method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | null {
  for (const [key, handler] of Object.entries(routes)) {
    const [m, pattern] = key.split(" ") as [string, string];
    if (m !== method) continue;
    const want = pattern.split("/");
    const got = pathname.split("/");
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (want.every((seg, i) => (seg.startsWith("{") ? ((params[seg.slice(1, -1)] = decodeURIComponent(got[i] ?? "")), true) : seg === got[i]))) return { handler, params };
  }
  return null;
}

export async function serveRoutes(routes: RouteTable, port = 0): Promise<RouteServer> {
  let open = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const found = match(routes, req.method ?? "GET", url.pathname);
      if (!found) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: `no route ${url.pathname}`, details: [] } }));
        return;
      }
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(url, {
        method: req.method ?? "GET",
        headers,
        signal: abort.signal,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const response = await found.handler(request, { params: Promise.resolve(found.params) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      res.flushHeaders();
      const reader = response.body.getReader();
      abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (done) break;
        res.write(value);
      }
      res.end();
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  server.on("connection", (socket) => {
    open++;
    socket.setNoDelay(true);
    socket.on("close", () => open--);
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    connections: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

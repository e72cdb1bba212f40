// A real HTTP receiver on a free port for webhook tests. Each request gets
// the next scripted behaviour (a status code, or "hang": never answer);
// every request is kept with its headers and raw body.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour = number | "hang";

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Behaviours for the next requests, in order; after them, `fallback`. */
  script(...next: Behaviour[]): void;
  fallback: Behaviour;
  close(): Promise<void>;
}

export async function startReceiver(fallback: Behaviour = 200): Promise<Receiver> {
  const queue: Behaviour[] = [];
  const received: ReceivedRequest[] = [];
  const self: Receiver = {
    url: "",
    received,
    fallback,
    script: (...next) => void queue.push(...next),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const b = queue.shift() ?? self.fallback;
      if (b === "hang") return; // the dispatcher's timeout has to end this one
      res.writeHead(b, { "content-type": "text/plain" }).end(b < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return self;
}

// docs/examples/agent.ts is documentation that runs: this starts the real
// registry API route handlers and a real collector on one database, runs the
// example as a reader would (npx tsx), and checks what Firebreak stored.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { Collector } from "../../../lib/collector/server.ts";

const TOKEN = "fbk_guard-example-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// The route handlers and the collector read these on first use.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
process.env.FIREBREAK_COLLECTOR_PORT = "0";
process.env.FIREBREAK_COLLECTOR_HOST = "127.0.0.1";
process.env.FIREBREAK_ALLOW_UNATTESTED = "true";
delete process.env.FIREBREAK_REGISTRARS;
delete process.env.FIREBREAK_REGISTRARS_FILE;

const agentsRoute = await import("@/app/api/v1/agents/route.ts");
const contractsRoute = await import("@/app/api/v1/contracts/route.ts");
const { startCollectorFromEnv } = await import("@/lib/collector/runtime.ts");

type Handler = (request: Request) => Promise<Response>;
const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  "/api/v1/agents": { GET: agentsRoute.GET, POST: agentsRoute.POST },
  "/api/v1/contracts": { GET: contractsRoute.GET, PUT: contractsRoute.PUT },
};

/** The two registry routes as Next would serve them. */
function apiServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const handler = ROUTES[url.pathname]?.[req.method ?? "GET"];
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      handler(new Request(url, { method: req.method, headers, body }))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  });
}

let server: http.Server;
let collector: Collector;
let apiUrl: string;

beforeAll(async () => {
  server = apiServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  collector = await startCollectorFromEnv(tdb.url, TOKEN, () => {});
});

afterAll(async () => {
  await collector.close();
  await new Promise((resolve) => server.close(resolve));
  await tdb.drop();
});

/** The example should finish in a few seconds; past this it is stopped, and what it printed is the failure. */
const EXAMPLE_DEADLINE_MS = 60_000;

function runExample(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "docs/examples/agent.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    // The same output with when each piece came, for a run that hangs.
    let timed = "";
    const take = (c: Buffer) => {
      out += c.toString();
      timed += `[+${Date.now() - started} ms] ${c.toString()}`;
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`docs/examples/agent.ts did not exit within ${EXAMPLE_DEADLINE_MS} ms; it printed:\n${timed || "(nothing)"}`));
    }, EXAMPLE_DEADLINE_MS);
    child.on("exit", (code) => {
      clearTimeout(deadline);
      resolve({ code, out });
    });
  });
}

describe("docs/examples/agent.ts", () => {
  it("runs against Firebreak, and every record it made is stored verified", async () => {
    // The example registers its agents and sends at once; the collector reloads its registry every second.
    // Reloading faster here keeps a record from arriving before its agent's registration is seen.
    const reload = setInterval(() => void collector.reloadRegistry().catch(() => {}), 25);
    let result: { code: number | null; out: string };
    try {
      result = await runExample({ FIREBREAK_URL: apiUrl, FIREBREAK_TOKEN: TOKEN, FIREBREAK_OTLP: `http://127.0.0.1:${collector.port}/v1/traces` });
    } finally {
      clearInterval(reload);
    }
    expect(result.out).toMatch(/ordered under authority \[ 'req-[^']+', 'apv-[^']+' \]/);
    expect(result.out).toMatch(/refused \(killed\): agent pricer-\w+ is killed/);
    expect(result.code).toBe(0);

    const client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    try {
      const rows = async () => (await client.query<{ kind: string; verdicts: string[] }>("SELECT kind, verdicts FROM records ORDER BY seq")).rows;
      // request, message, state.write, state.read, approval, action: the killed send made nothing.
      await expect.poll(async () => (await rows()).length, { timeout: 20_000 }).toBe(6);
      // The example's agents are registered but not attested: under FIREBREAK_ALLOW_UNATTESTED that is a note beside verified.
      await expect.poll(async () => (await rows()).map((r) => r.verdicts.join(",")), { timeout: 20_000 }).toEqual(Array(6).fill("verified,unattested_agent"));
      expect((await rows()).map((r) => r.kind).sort()).toEqual(["action", "approval", "message", "request", "state.read", "state.write"]);
    } finally {
      await client.end();
    }
  }, EXAMPLE_DEADLINE_MS + 40_000);
});

import "server-only";
import pg from "pg";
import type { ControlPolicyView } from "../api/control-views.ts";
import type { PolicyFeed, PolicyFeedListener } from "../control/policy-stream.ts";
import { readControlPolicy } from "./kill-switch-store.ts";
import { pool } from "./pool.ts";
import { databaseUrl } from "./url.ts";
import { DEFAULT_PROJECT } from "../accounts/project.ts";

// One listener per process for the enforcement policy: a dedicated
// connection LISTENs on firebreak_policy (the triggers of migration
// 20261205020000 NOTIFY it with the new version when a change commits,
// whichever process made it: a route handler here or in another Next
// process, the engine in a collector). On a notification the hub reads the
// policy once and hands the same document to every stream and long poll in
// this process, so a thousand guards cost one query per change, not a
// thousand.

export const POLICY_CHANNEL = "firebreak_policy";


/** Belt and braces: re-read this often even without a notification (a dropped connection, a missed NOTIFY). */
const RESYNC_MS = 10_000;

/** The same switches and breakers: a version bumped by another project's change is not news here. */
function sameContent(a: ControlPolicyView, b: ControlPolicyView): boolean {
  const { version: _va, generatedAt: _ga, ...restA } = a;
  const { version: _vb, generatedAt: _gb, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** One hub per project: a guard hears of its own project's kill switches and breakers only. */
export class PolicyHub implements PolicyFeed {
  private latest: ControlPolicyView | null = null;
  private loading: Promise<ControlPolicyView> | null = null;
  private again = false;
  private readonly listeners = new Set<PolicyFeedListener>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    readonly project: string = DEFAULT_PROJECT,
  ) {}

  async current(): Promise<ControlPolicyView> {
    await this.listen();
    return this.latest ?? this.refresh();
  }

  async read(): Promise<ControlPolicyView> {
    const policy = await readControlPolicy(this.pool, this.project);
    this.publish(policy);
    return policy;
  }

  subscribe(listener: PolicyFeedListener): () => void {
    this.listeners.add(listener);
    void this.listen().catch(() => {});
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Reads the policy; calls that arrive while a read is in flight share one follow-up read. */
  refresh(): Promise<ControlPolicyView> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        let policy: ControlPolicyView;
        do {
          this.again = false;
          policy = await readControlPolicy(this.pool, this.project);
          this.publish(policy);
        } while (this.again);
        return policy;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private publish(policy: ControlPolicyView): void {
    if (this.latest !== null && (policy.version <= this.latest.version || sameContent(this.latest, policy))) return;
    this.latest = policy;
    for (const listener of [...this.listeners]) listener(policy);
  }

  /** Connects the LISTEN connection once; reconnects (and re-reads, having maybe missed a NOTIFY) after it drops. */
  private listen(): Promise<void> {
    if (this.client !== null || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: "firebreak-policy-listener" });
      client.on("notification", (msg) => {
        if (msg.channel === POLICY_CHANNEL) void this.refresh().catch((err: unknown) => console.error("[policy] reading the policy failed:", err));
      });
      client.on("error", (err) => {
        console.error("[policy] the LISTEN connection failed; reconnecting:", err.message);
        this.drop(client);
      });
      client.on("end", () => this.drop(client));
      try {
        await client.connect();
        await client.query(`LISTEN ${POLICY_CHANNEL}`);
        this.client = client;
        this.timer ??= setInterval(() => void this.refresh().catch(() => {}), RESYNC_MS);
        this.timer.unref();
        await this.refresh();
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => {});
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed) return;
    setTimeout(() => void this.listen().catch(() => this.reconnect()), 500).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

const globalForHub = globalThis as unknown as { firebreakPolicyHubs?: Map<string, PolicyHub> };

/** The process's hub for a project, on the served pool; parked on globalThis so dev reloads keep one LISTEN connection per project. */
export function policyHub(project: string = DEFAULT_PROJECT): PolicyHub {
  const hubs = (globalForHub.firebreakPolicyHubs ??= new Map());
  let hub = hubs.get(project);
  if (!hub) {
    hub = new PolicyHub(pool(), databaseUrl(), project);
    hubs.set(project, hub);
  }
  return hub;
}

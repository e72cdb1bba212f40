// `--approvals server`: the fleet's red actions (procurement's purchase orders
// over the threshold, software delivery's deploys) wait in the Firebreak
// approval queue instead of being approved by the simulated approver. With an
// auto-approver, a simulated on-call approves each one as soon as the queue
// allows it, with a reason that names it as the simulator's, so chaos runs
// and CI never hang on a human; without one, a person decides in the dashboard.
import { AgentView } from "../registry/schema.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import type { ApprovalSource } from "../guard/approvals.ts";
import { registryAgent, type RegistrySource } from "../guard/registry-source.ts";
import { serverApprovals, type FiledApproval } from "../guard/server-approvals.ts";

/** The approver principal the server signs approvals as (lib/approvals/approver-principal.ts). */
export const SERVER_APPROVER_ID = "firebreak-approvals";

export interface SimApprovalsOptions {
  baseUrl: string;
  token: string;
  /** Approve every request as this simulated on-call once allowed; null: a human decides. */
  autoApprover: string | null;
  log: (line: string) => void;
  fetch?: typeof fetch;
}

export interface SimApprovals {
  source: ApprovalSource;
  /** The fleet's registry, plus the server's approver once it exists (fetched on demand). */
  registry(snapshot: RegistrySnapshot): RegistrySource & { refresh(): Promise<void> };
  /** Auto-approvals still in flight. */
  idle(): Promise<void>;
}

export function autoApprovalReason(name: string): string {
  return `[simulator auto-approver] approved as simulated on-call ${name}: no human looked at this request`;
}

export function simServerApprovals(options: SimApprovalsOptions): SimApprovals {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchFn = options.fetch ?? fetch;
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/json" };
  const inFlight = new Set<Promise<void>>();

  const autoApprove = (filed: FiledApproval): void => {
    const name = options.autoApprover;
    if (name === null || filed.status !== "pending") return;
    const job = (async () => {
      const wait = Math.max(0, Date.parse(filed.decidableAt) - Date.now()) + 250;
      for (let attempt = 0; attempt < 5; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, attempt === 0 ? wait : 1_000));
        const res = await fetchFn(`${base}/api/v1/approvals/${encodeURIComponent(filed.id)}/approve`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ reason: autoApprovalReason(name) }),
        }).catch((err: unknown) => new Response(JSON.stringify({ error: { message: (err as Error).message } }), { status: 599 }));
        if (res.ok) return;
        const text = await res.text();
        // Too early by the server's clock: try again in a second. Anything else is final.
        if (res.status !== 409 || !text.includes("too early")) {
          options.log(`[sim] auto-approver could not approve ${filed.id} (${res.status}): ${text.slice(0, 300)}`);
          return;
        }
      }
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  };

  return {
    source: serverApprovals({
      baseUrl: base,
      token: options.token,
      fetch: fetchFn,
      onFiled: (filed, request) => {
        options.log(`[sim] ${request.agent} waits for approval of ${request.name} (${filed.id}${options.autoApprover ? "" : ": decide in the dashboard, /approvals"})`);
        autoApprove(filed);
      },
    }),
    registry(snapshot) {
      return {
        current: () => snapshot,
        async refresh() {
          const res = await fetchFn(`${base}/api/v1/agents/${SERVER_APPROVER_ID}`, { headers });
          if (!res.ok) return;
          const view = AgentView.parse(await res.json());
          // Guards share the fleet's snapshot object: the approver appears for all of them at once.
          snapshot.agents.set(view.id, registryAgent(view, view.attested));
        },
      };
    },
    async idle() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

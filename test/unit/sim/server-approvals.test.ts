// `--approvals server` in the simulator: red actions go to an approval source
// (here one the test answers in place of the server's queue) instead of the
// simulated approver, the run waits for the decisions, and the released
// actions carry the approval in their chain; denied ones are refused.
import { describe, expect, it } from "vitest";
import type { ApprovalOutcome, ApprovalRequest } from "@/lib/guard/approvals.ts";
import type { SimApprovals } from "@/lib/sim/server-approvals.ts";
import { autoApprovalReason } from "@/lib/sim/server-approvals.ts";
import { createRun } from "@/lib/sim/runner.ts";
import { memorySink, recordsFromSpans } from "@/lib/sim/sink.ts";
import type { World } from "@/lib/sim/world.ts";

const HOUR = 3_600_000;

function answering(decide: (request: ApprovalRequest, world: World) => ApprovalOutcome): { approvals: SimApprovals; filed: ApprovalRequest[]; bind(w: World): void } {
  let world: World | null = null;
  const filed: ApprovalRequest[] = [];
  return {
    filed,
    bind: (w) => (world = w),
    approvals: {
      source: {
        async decide(request) {
          filed.push(request);
          // Decided later, in real time, as a person would: after the scheduler has moved on.
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (world === null) throw new Error("world not bound");
          return decide(request, world);
        },
      },
      registry: (snapshot) => ({ current: () => snapshot, refresh: async () => {} }),
      idle: async () => {},
    },
  };
}

/** A virtual procurement run where every order is red, its world bound to the answering source. */
async function runWith(q: ReturnType<typeof answering>) {
  const { sink, exporter } = memorySink();
  const run = createRun({ scenario: "procurement", seed: "unit", namespace: "u", duration: 4 * HOUR, params: { threshold: 1 }, clock: { mode: "virtual" }, sink, serverApprovals: q.approvals });
  q.bind(run.world);
  const result = await run.start();
  return { run, result, records: recordsFromSpans(exporter.getFinishedSpans()) };
}

describe("simulator with a server approval queue", () => {
  it("files every red purchase order and releases it with the approval in its chain", async () => {
    const q = answering((request, world) => {
      const approval = world.agent("approver").guard.approve(request);
      return { decision: "approved", record: approval };
    });
    const { run, records } = await runWith(q);
    const red = records.filter((r) => r.kind === "action" && r.class === "red");
    expect(q.filed.length).toBeGreaterThan(0);
    expect(red.map((r) => r.id).sort()).toEqual(q.filed.map((f) => f.action).sort());
    for (const action of red) {
      expect(action.authority).toHaveLength(2);
      const approval = records.find((r) => r.id === action.authority?.[1]);
      expect(approval).toMatchObject({ kind: "approval", agent: run.world.agent("approver").id });
    }
    // The released actions are in the ledger, so the ground truth counts them.
    expect(red.every((r) => run.world.ledger.all().some((e) => e.id === r.id))).toBe(true);
  });

  it("refuses the actions an on-call denies, and labels auto-approvals as the simulator's", async () => {
    const q = answering(() => ({ decision: "denied", by: "oncall.sam", reason: "not today" }));
    const { result, records } = await runWith(q);
    expect(q.filed.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.kind === "action" && r.class === "red")).toEqual([]);
    expect(result.truth.counts.refused.approval_denied).toBe(q.filed.length);
    expect(autoApprovalReason("sim-oncall")).toMatch(/^\[simulator auto-approver\].*sim-oncall.*no human/);
  });
});

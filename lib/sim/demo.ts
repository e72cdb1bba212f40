// The demo: a live procurement fleet (or any scenario) against a running
// Firebreak, with a fault every half hour of simulated time, so a new user
// sees verified traffic, flagged records and spreading corruption within a
// minute. It runs until stopped, then writes its ground truth.
//
// `npm run demo` starts Firebreak and this together (scripts/demo.ts).
// `npm start -- --demo` can call startDemo() once the collector is up.
import { randomBytes } from "node:crypto";
import { ControlPlanePolicy } from "../guard/control-plane-policy.ts";
import { FAULTS, type FaultName } from "./faults/catalog.ts";
import type { FaultSpec } from "./faults/schedule.ts";
import type { GroundTruth } from "./ground-truth.ts";
import { defaultTruthPath, writeGroundTruth } from "./ground-truth-file.ts";
import { registerFleetViaApi } from "./register.ts";
import { ENFORCED_GATE } from "./chaos.ts";
import { createRun } from "./runner.ts";
import { simServerApprovals } from "./server-approvals.ts";
import { otlpSink } from "./sink.ts";
import { REGISTRY_SETTLE_MS, waitForFirebreak, type FirebreakTarget } from "./target.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Lasting faults end after this, so the next one is seen on its own. */
const LASTING = new Set<FaultName>(["poisoned-feed", "feedback-loop", "agent-crash"]);

/** One fault every `every` ms of simulated time from `start`, cycling through every fault, until `until`. */
export function demoFaults(start: number, every: number, until: number): FaultSpec[] {
  const out: FaultSpec[] = [];
  const order: FaultName[] = ["spoof", "poisoned-feed", "replay", "forged-signature", "key-compromise", "capability-abuse", "injection", "downgrade", "fan-out-storm", "broken-authority", "memory-violation", "feedback-loop", "agent-crash"];
  for (let at = start, i = 0; at < until; at += every, i++) {
    const fault = order[i % order.length] as FaultName;
    const variants = FAULTS[fault].variants;
    // Alternate variants on later laps, so every one shows up eventually.
    const variant = variants[Math.floor(i / order.length) % variants.length]?.name;
    out.push({
      fault,
      at,
      ...(variant !== undefined ? { variant } : {}),
      ...(LASTING.has(fault) ? { duration: 20 * MIN } : {}),
      ...(fault === "fan-out-storm" ? { count: 10 } : {}),
    });
  }
  return out;
}

/**
 * What the demo prints when a feed is poisoned: how to stop the agent that
 * reads it, from the dashboard or with one API call, so a new user can watch
 * a kill switch stop a cascade. The token is named, never printed.
 */
export function killSwitchHint(apiBase: string, agent: string): string[] {
  const base = apiBase.replace(/\/+$/, "");
  const body = JSON.stringify({ scope: "agent", agent, reason: "its supplier feed is poisoned (demo)" });
  return [
    `demo: ${agent} now reads a poisoned feed and passes bad prices downstream. Stop it with a kill switch:`,
    `demo:   in the dashboard: ${base}/control -> Kill -> agent ${agent} (signed in as on-call or admin)`,
    `demo:   or: curl -X POST ${base}/api/v1/kill-switches -H "authorization: Bearer $FIREBREAK_TOKEN" -H "content-type: application/json" -d '${body}'`,
    `demo:   its guard refuses everything within a second: its records stop arriving (lift it at ${base}/control)`,
  ];
}

/** Agents of `fleet` killed in `next` but not in `before`, and those no longer killed. */
export function killChanges(fleet: ReadonlySet<string>, before: ReadonlySet<string>, next: readonly string[]): { killed: string[]; lifted: string[] } {
  const now = new Set(next.filter((a) => fleet.has(a)));
  return { killed: [...now].filter((a) => !before.has(a)), lifted: [...before].filter((a) => !now.has(a)) };
}

export interface DemoOptions {
  target: FirebreakTarget;
  scenario?: string;
  /** Simulated ms per real ms; 60 = one simulated minute per second. */
  speed?: number;
  seed?: string;
  namespace?: string;
  /**
   * Who decides red actions. Default "server": they wait in the approval
   * queue for a person at /approvals (undecided ones expire and are refused,
   * as in production). "auto": a simulated on-call approves each one as soon
   * as allowed. "local": the simulated approver signs, no queue.
   */
  approvals?: "server" | "auto" | "local";
  /** How long to wait for Firebreak to answer; default 5 minutes. */
  startTimeoutMs?: number;
  /** Where the ground truth goes; default test-output/ground-truth/<scenario>-<namespace>.json */
  out?: string;
  log?: (line: string) => void;
}

export interface DemoHandle {
  readonly namespace: string;
  /** Stops the fleet, writes the ground truth, and resolves with its path. */
  stop(): Promise<string | null>;
  /** Settles when the demo ends by itself (it does not, short of 30 simulated days) or fails. */
  readonly done: Promise<GroundTruth | null>;
}

export function startDemo(options: DemoOptions): DemoHandle {
  const log = options.log ?? (() => {});
  const scenario = options.scenario ?? "procurement";
  const namespace = options.namespace ?? "demo";
  const seed = options.seed ?? randomBytes(6).toString("hex");
  const speed = options.speed ?? 60;
  const abort = new AbortController();
  let truthFile: string | null = null;

  const done = (async (): Promise<GroundTruth | null> => {
    await waitForFirebreak(options.target, options.startTimeoutMs ?? 300_000, abort.signal);
    const duration = 30 * DAY;
    let lastHour = 0;
    const sink = otlpSink(options.target.collector, options.target.token);
    // The fleet obeys the control plane: a kill switch tripped in the
    // dashboard, or a breaker the engine opens, stops the traffic it covers.
    let control: ControlPlanePolicy | null = null;
    let lastError = "";
    const mode = options.approvals ?? "server";
    const serverApprovals =
      mode === "local"
        ? undefined
        : simServerApprovals({ baseUrl: options.target.apiBase, token: options.target.token, autoApprover: mode === "auto" ? "sim-oncall" : null, log });
    const run = createRun({
      ...(serverApprovals ? { serverApprovals } : {}),
      // Actions check their lineage first: one descending from what Firebreak has contained is refused.
      lineage: () => (control === null ? null : { source: control.lineage(), gate: ENFORCED_GATE }),
      policy: (caps) =>
        (control = new ControlPlanePolicy({
          baseUrl: options.target.apiBase,
          token: options.target.token,
          caps,
          onError: (err) => {
            if (err.message !== lastError) log(`demo: control plane: ${err.message}`);
            lastError = err.message;
          },
        })),
      scenario,
      seed,
      namespace,
      duration,
      faults: demoFaults(20 * MIN, 30 * MIN, duration),
      clock: { mode: "live", speed },
      sink,
      allowUnattested: options.target.allowUnattested,
      ...(options.target.registrar ? { registrar: options.target.registrar } : {}),
      signal: abort.signal,
      onProgress: (simTime, records) => {
        const hour = Math.floor(simTime / (60 * MIN));
        if (hour > lastHour) log(`demo: ${hour} simulated hour(s), ${records} records`);
        lastHour = hour;
      },
      onFaultFired: (fault) => {
        log(`demo: fault ${fault.id} ${fault.spec.fault}/${fault.variant.name} hits ${fault.target} (${fault.variant.detection === "door" ? "the door should flag it" : "only an engine can see it"})`);
        if (fault.spec.fault === "poisoned-feed" && fault.originAgent !== "") for (const line of killSwitchHint(options.target.apiBase, fault.originAgent)) log(line);
      },
    });
    const policy = control as ControlPlanePolicy | null;
    if (policy === null) throw new Error("the run did not build its policy source");
    abort.signal.addEventListener("abort", () => void policy.close(), { once: true });
    // Say when a kill switch reaches this fleet's guards: the moment its traffic stops.
    const fleetIds = new Set(run.fleet.entries.map((e) => e.id));
    let killed = new Set<string>();
    policy.subscribe((snapshot) => {
      const change = killChanges(fleetIds, killed, snapshot.killedAgents);
      for (const agent of change.killed) log(`demo: kill switch on ${agent} reached its guard (policy version ${snapshot.version}): it sends, receives and acts no more`);
      for (const agent of change.lifted) log(`demo: the kill switch on ${agent} was lifted: its traffic resumes`);
      killed = new Set(snapshot.killedAgents.filter((a) => fleetIds.has(a)));
    });
    await policy.start(30_000);
    log(policy.status() === "unreachable" ? "demo: the control plane has not answered yet; guards refuse until it does" : `demo: guards obey the control plane (policy version ${policy.current().version}, ${policy.stats().transport})`);
    log("demo: actions check their lineage first: yellow ones wait for the engine's word, red ones are checked again once approved");
    await registerFleetViaApi({ baseUrl: options.target.apiBase, token: options.target.token }, run.fleet);
    await new Promise((r) => setTimeout(r, REGISTRY_SETTLE_MS));
    log(`demo: ${run.fleet.entries.length} agents of scenario ${scenario} as ${namespace}.*, seed ${seed}, ${speed}x; a fault every 30 simulated minutes`);
    const result = await run.start().finally(() => policy.close());
    await sink.shutdown();
    truthFile = options.out ?? defaultTruthPath(result.truth);
    await writeGroundTruth(truthFile, result.truth);
    log(`demo: ground truth in ${truthFile}`);
    return result.truth;
  })();

  return {
    namespace,
    done,
    async stop() {
      abort.abort();
      try {
        await done;
      } catch (err) {
        if ((err as Error).message !== "aborted") throw err;
      }
      return truthFile;
    },
  };
}

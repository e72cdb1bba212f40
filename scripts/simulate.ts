// `npm run simulate -- [options]`: one scenario, with a fault schedule,
// against a running Firebreak (or offline with --dry-run). Writes the run's
// ground truth and, against Firebreak, prints what the door flagged.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { freshNamespace, parseCaps, parseDurationFlag, parseParams, parseSpeed } from "../lib/sim/cli.ts";
import { apiConnection } from "../lib/sim/connection.ts";
import { formatDuration } from "../lib/sim/duration.ts";
import { parseFaultArg } from "../lib/sim/faults/schedule.ts";
import { defaultTruthPath, writeGroundTruth } from "../lib/sim/ground-truth-file.ts";
import { chaosRow, formatTable, NO_ENGINE } from "../lib/sim/report.ts";
import { createRun } from "../lib/sim/runner.ts";
import { scenarioByName, SCENARIOS } from "../lib/sim/scenarios/index.ts";
import { fetchSettled, scoreRun } from "../lib/sim/score.ts";
import { memorySink, recordsFromSpans } from "../lib/sim/sink.ts";
import { parseSimEnv, resolveTarget, waitForFirebreak } from "../lib/sim/target.ts";
import { simServerApprovals } from "../lib/sim/server-approvals.ts";

const HELP = `npm run simulate -- [options]

  --scenario NAME      ${SCENARIOS.map((s) => s.name).join(" | ")} (default procurement)
  --seed TEXT          reproduces a run (default: random, printed)
  --namespace TEXT     agent id prefix (default: <scenario>-<random>); repeat it with the seed to repeat a run
  --duration 4h        simulated time to cover (default: the scenario's)
  --speed 3600         simulated seconds per real second, or "max" (default 3600: an hour a second)
  --fault SPEC         name@time[:target][,variant=..,count=..,duration=..,factor=..,delay=..]; repeatable
  --no-faults          clean traffic only (default: the scenario's demo schedule when no --fault is given)
  --param NAME=VALUE   scenario parameter, e.g. --param agents=1000 --param fanOut=5; repeatable
  --caps SPEC          guard caps for the fleet, e.g. maxFanOut=3,maxChainDepth=5 (default: generous, see docs)
  --receive MODE       enforce (agents drop what their guard refuses; default) | observe (they act on it anyway)
  --out FILE           ground-truth file (default test-output/ground-truth/<scenario>-<namespace>.json)
  --dry-run            no Firebreak: virtual time, records kept in memory
  --records FILE       with --dry-run: also write the records as JSON lines
  --api URL            Firebreak API (default http://localhost:$PORT, 3000)
  --endpoint URL       collector (default http://localhost:$FIREBREAK_COLLECTOR_PORT/v1/traces, 4318)
  --token TOKEN        admin token (default FIREBREAK_TOKEN, or .firebreak/admin-token)
  --no-score           do not wait for and print the door's verdicts
  --approvals MODE     local (a simulated approver signs; default) | server (red actions wait in Firebreak's
                       approval queue, /approvals in the dashboard)
  --auto-approve NAME  with --approvals server: a simulated on-call NAME approves each request once allowed,
                       labelled as the simulator's in the audit trail (so nothing waits for a human)

Faults: poisoned-feed spoof forged-signature replay injection downgrade capability-abuse
broken-authority memory-violation fan-out-storm feedback-loop key-compromise agent-crash
(docs/simulator.md lists variants and what each one does).`;

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "procurement" },
    seed: { type: "string" },
    namespace: { type: "string" },
    duration: { type: "string" },
    speed: { type: "string", default: "3600" },
    fault: { type: "string", multiple: true, default: [] },
    "no-faults": { type: "boolean", default: false },
    param: { type: "string", multiple: true, default: [] },
    receive: { type: "string", default: "enforce" },
    caps: { type: "string" },
    out: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    records: { type: "string" },
    api: { type: "string" },
    endpoint: { type: "string" },
    token: { type: "string" },
    "no-score": { type: "boolean", default: false },
    approvals: { type: "string", default: "local" },
    "auto-approve": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  const scenario = scenarioByName(values.scenario);
  const receive = values.receive;
  if (receive !== "enforce" && receive !== "observe") throw new Error(`--receive must be enforce or observe, got ${JSON.stringify(receive)}`);
  const faults = values["no-faults"] ? [] : values.fault.length > 0 ? values.fault.map(parseFaultArg) : scenario.defaults.faults.map(parseFaultArg);
  const seed = values.seed ?? Math.floor(Math.random() * 1e9).toString(36);
  const namespace = values.namespace ?? freshNamespace(scenario.name === "software-delivery" ? "delivery" : scenario.name);
  const duration = values.duration !== undefined ? parseDurationFlag("duration", values.duration) : undefined;
  const params = parseParams(values.param);
  const dry = values["dry-run"];
  const env = parseSimEnv(process.env);
  const target = dry ? null : resolveTarget({ api: values.api, endpoint: values.endpoint, token: values.token }, env);
  const conn = target ? apiConnection(target) : null;
  if (values.approvals !== "local" && values.approvals !== "server") throw new Error(`--approvals must be local or server, got ${JSON.stringify(values.approvals)}`);
  if (values.approvals === "server" && !target) throw new Error("--approvals server needs a running Firebreak: leave out --dry-run");
  if (values["auto-approve"] !== undefined && values.approvals !== "server") throw new Error("--auto-approve goes with --approvals server");
  const serverApprovals =
    values.approvals === "server" && target
      ? simServerApprovals({ baseUrl: target.apiBase, token: target.token, autoApprover: values["auto-approve"] ?? null, log: (line) => console.log(line) })
      : undefined;
  const memory = dry ? memorySink() : null;
  const sink = memory?.sink ?? conn?.sink();
  if (!sink) throw new Error("no sink");

  let lastHour = 0;
  const run = createRun({
    scenario,
    seed,
    namespace,
    params,
    faults,
    ...(duration !== undefined ? { duration } : {}),
    clock: dry ? { mode: "virtual" } : { mode: "live", speed: parseSpeed(values.speed) },
    sink,
    receiveMode: receive,
    ...(values.caps !== undefined ? { caps: parseCaps(values.caps) } : {}),
    allowUnattested: target?.allowUnattested ?? true,
    ...(serverApprovals ? { serverApprovals } : {}),
    ...(target?.registrar ? { registrar: target.registrar } : {}),
    onProgress: (t, n) => {
      const hour = Math.floor(t / 3_600_000);
      if (hour > lastHour) console.log(`[sim] ${hour}h simulated, ${n} records`);
      lastHour = hour;
    },
  });
  console.log(`[sim] ${scenario.name}: ${run.fleet.entries.length} agents as ${namespace}.*, seed ${seed}, ${formatDuration(run.duration)} simulated, ${faults.length} fault(s)`);
  if (target && conn) {
    await waitForFirebreak(target, 30_000);
    await conn.register(run.fleet);
    await conn.registryReady();
    console.log(`[sim] registered with ${target.apiBase}; sending to ${target.collector}`);
  }
  const started = Date.now();
  const { truth, world } = await run.start();
  // Read the kept records before shutdown: an in-memory exporter forgets them then.
  const kept = memory ? recordsFromSpans(memory.exporter.getFinishedSpans()) : [];
  await sink.shutdown();
  const file = values.out ?? defaultTruthPath(truth);
  await writeGroundTruth(file, truth);
  console.log(`[sim] ${truth.counts.records} records in ${((Date.now() - started) / 1000).toFixed(1)} s (${truth.counts.clean} clean, ${truth.counts.injected} injected, ${truth.counts.corrupted} corrupted, ${truth.counts.downstream} downstream)`);
  if (sink.stats.failed > 0) console.log(`[sim] WARNING: ${sink.stats.failed} spans could not be exported: ${sink.stats.lastError ?? ""}`);
  console.log(`[sim] ground truth: ${file}`);
  if (memory && values.records) {
    await writeFile(values.records, kept.map((r) => `${JSON.stringify(r)}\n`).join(""));
    console.log(`[sim] records: ${values.records}`);
  }
  if (!conn || values["no-score"] || truth.faults.length === 0) return;
  const stored = await fetchSettled(conn.verdicts, truth, { timeoutMs: 60_000 });
  const score = scoreRun(truth, stored, (h) => world.emittedAt.get(h));
  const rows = score.faults.map((f, i) => chaosRow(scenario.name, f, truth.faults[i]?.corrupted.length ?? 0, score, null, NO_ENGINE.available));
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`[sim] clean records flagged: ${score.clean.flagged} of ${score.clean.total}; missing at Firebreak: ${score.missing}; still pending: ${score.pending}`);
}

main().catch((err: unknown) => {
  console.error(`[sim] ${(err as Error).message}`);
  process.exit(1);
});

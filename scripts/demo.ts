// `npm run demo`: starts Firebreak (npm start) and, once it answers, a live
// simulated fleet with a fault every half hour of simulated time, so the
// dashboard fills with real data within a minute. Ctrl-C stops both and
// writes the demo's ground truth. --attach uses a Firebreak already running.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseSpeed } from "../lib/sim/cli.ts";
import { startDemo, type DemoHandle } from "../lib/sim/demo.ts";
import { SCENARIOS, scenarioByName } from "../lib/sim/scenarios/index.ts";
import { parseSimEnv, resolveTarget, waitForTokenFile } from "../lib/sim/target.ts";

const HELP = `npm run demo -- [options]

  --attach           do not start Firebreak; use the one already running
  --scenario NAME    ${SCENARIOS.map((s) => s.name).join(" | ")} (default procurement)
  --speed 60         simulated seconds per real second (default 60: a simulated minute per second)
  --seed TEXT        reproduces the demo's fleet and traffic
  --namespace TEXT   agent id prefix (default demo)
  --out FILE         ground-truth file written on exit
  --api URL / --endpoint URL / --token TOKEN   as for npm run simulate`;

const { values } = parseArgs({
  options: {
    attach: { type: "boolean", default: false },
    scenario: { type: "string", default: "procurement" },
    speed: { type: "string", default: "60" },
    seed: { type: "string" },
    namespace: { type: "string", default: "demo" },
    out: { type: "string" },
    api: { type: "string" },
    endpoint: { type: "string" },
    token: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

const log = (line: string): void => console.log(`[demo] ${line}`);
let firebreak: ChildProcess | null = null;
let demo: DemoHandle | null = null;
let stopping = false;

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  scenarioByName(values.scenario);
  const speed = parseSpeed(values.speed);
  const env = parseSimEnv(process.env);
  if (!values.attach) {
    const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
    firebreak = spawn(tsx, ["scripts/start.ts"], { stdio: "inherit", env: process.env });
    firebreak.once("exit", (code) => {
      firebreak = null;
      if (!stopping) {
        log(`Firebreak exited (code ${code}); stopping the demo`);
        void stop(code ?? 1);
      }
    });
  }
  const token = values.token ?? env.FIREBREAK_TOKEN ?? (await waitForTokenFile(env.FIREBREAK_DATA_DIR, 120_000));
  const target = resolveTarget({ api: values.api, endpoint: values.endpoint, token }, env);
  log(`waiting for Firebreak at ${target.apiBase} (the first start builds the dashboard: a minute or two)`);
  demo = startDemo({
    target,
    scenario: values.scenario,
    speed,
    namespace: values.namespace,
    // A first start builds the dashboard, which takes long on a busy machine; if the start fails, its exit stops the demo anyway.
    startTimeoutMs: values.attach ? 300_000 : 30 * 60_000,
    log,
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  });
  demo.done.then(
    () => void stop(0),
    (err: unknown) => {
      if ((err as Error).message === "aborted") return;
      log(`the demo failed: ${(err as Error).message}`);
      void stop(1);
    },
  );
  log(`open ${target.apiBase} and watch the records arrive; Ctrl-C stops everything`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const file = await demo?.stop().catch((err: unknown) => {
    log(`could not write the ground truth: ${(err as Error).message}`);
    return null;
  });
  if (file) log(`ground truth: ${file}`);
  const child = firebreak;
  if (child && child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  }
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
main().catch((err: unknown) => {
  console.error(`[demo] ${(err as Error).message}`);
  void stop(1);
});

// npm run bench:guard -- [--chunks N] [--rounds R]
//
// What the guard adds to one record, against the Ed25519 work it cannot
// avoid, both measured in this run on this machine:
//   send    = guard.send(): policy decision, depth and fan-out books, id and
//             nonce, payload JSON and canonical form, self-check (contract,
//             capability, protocol), Ed25519 sign, one span through the
//             guard's default BatchSpanProcessor
//   receive = guard.receive(): the collector's checks (canonical form,
//             Ed25519 verify, skew, contract, capability, protocol), replay
//             cache, depth, policy decision, one receipt span
// against raw node:crypto sign / verify of the same signing input with cached
// KeyObjects. Spans go to a counting exporter, not a network: this measures
// the guard, not OTLP transport (which is batched and off the caller's path).
// The four loops run interleaved in chunks of 64 records, so noise from other
// work on the machine falls on all of them alike; each round reports per
// record CPU time (process.cpuUsage, so time the process spent descheduled
// on a busy machine is not counted) and wall time; the table shows medians.
// CPU time still rises with the load of other processes on the same cores
// (shared caches), more for the guard's JavaScript than for the crypto, so
// the machine's load average is printed and kept beside the figures.
import { sign, verify } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createGuard, type Guard } from "../lib/guard/guard.ts";
import { generateGuardKeys, registryEntry } from "../lib/guard/keys.ts";
import { LocalPolicy } from "../lib/guard/policy.ts";
import { registryAgent } from "../lib/guard/registry-source.ts";
import { privateKeyFromSeed, publicKeyFromRaw } from "../lib/protocol/keys.ts";
import { signingInput } from "../lib/protocol/canonical.ts";
import type { WireRecord } from "../lib/protocol/record.ts";
import { parseSignature } from "../lib/protocol/sign.ts";
import { AgentInput } from "../lib/registry/schema.ts";
import type { RegistrySnapshot } from "../lib/registry/types.ts";
import { CountingExporter } from "./lib/counting-exporter.ts";
import { percentile } from "./lib/stats.ts";

const { values: args } = parseArgs({
  options: {
    chunks: { type: "string", default: "40" },
    rounds: { type: "string", default: "9" },
    out: { type: "string", default: "bench-output/guard.json" },
  },
});
const CHUNK = 64;
const CHUNKS = Number(args.chunks);
const ROUNDS = Number(args.rounds);
const GOAL = 1.3;

const PAYLOAD = { sku: "A-1", unit_price: 12.5, currency: "EUR", qty: 3, note: "restock before the weekend" };
const CONTRACT = {
  type: "object",
  required: ["sku", "unit_price", "currency"],
  properties: { sku: { type: "string" }, unit_price: { type: "number" }, currency: { type: "string" }, qty: { type: "integer" }, note: { type: "string" } },
};

interface Party {
  guard: Guard;
  exporter: CountingExporter;
}

function setup(): { sender: Party; receiver: Party; gateway: Party; snapshot: RegistrySnapshot } {
  const keys = { gateway: generateGuardKeys("gateway-k1"), sender: generateGuardKeys("sender-k1"), receiver: generateGuardKeys("receiver-k1") };
  const entries = [
    registryEntry({ agentId: "gateway", kind: "gateway", keyId: keys.gateway.keyId, publicKey: keys.gateway.publicKey, capabilities: [{ intent: "PriceQuote", to: ["sender"] }] }),
    registryEntry({ agentId: "sender", keyId: keys.sender.keyId, publicKey: keys.sender.publicKey, capabilities: [{ intent: "PriceQuote", to: ["receiver"] }], protocols: { a2a: "0.3" } }),
    registryEntry({ agentId: "receiver", keyId: keys.receiver.keyId, publicKey: keys.receiver.publicKey }),
  ];
  const snapshot: RegistrySnapshot = {
    agents: new Map(entries.map((e) => [e.id, registryAgent(AgentInput.parse(e), true)])),
    contracts: new Map([["PriceQuote", { intent: "PriceQuote", schema: CONTRACT }]]),
    allowUnattested: false,
  };
  // One parent spawns every benchmarked message, so the fan-out cap is lifted for the run.
  const policy = new LocalPolicy({ caps: { maxFanOut: Number.MAX_SAFE_INTEGER } });
  const party = (id: keyof typeof keys): Party => {
    const exporter = new CountingExporter();
    const guard = createGuard({
      agentId: id,
      keys: { keyId: keys[id].keyId, privateKey: keys[id].privateKey },
      registry: snapshot,
      policy,
      exporter,
      batch: { maxQueueSize: 8192, maxExportBatchSize: 512 },
    });
    return { guard, exporter };
  };
  return { gateway: party("gateway"), sender: party("sender"), receiver: party("receiver"), snapshot };
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Cost {
  /** CPU time of the process, µs: what the work cost, whatever else the machine was doing. */
  cpu: number;
  /** Wall time, µs. */
  wall: number;
}

type Loop = "rawSign" | "guardSend" | "rawVerify" | "guardReceive";

/** Cost of `CHUNK` calls of `op`, added to `into`. */
function chunk(into: Cost, op: (i: number) => void): void {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < CHUNK; i++) op(i);
  const spent = process.cpuUsage(cpu);
  into.wall += Number(process.hrtime.bigint() - wall) / 1000;
  into.cpu += spent.user + spent.system;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown cpu"}), node ${process.version}`);
  console.log(`${ROUNDS} rounds x ${CHUNK * CHUNKS} records per loop, interleaved in chunks of ${CHUNK}; spans go to a counting exporter (no network)`);
  const { gateway, sender, receiver } = setup();
  const request = gateway.guard.request("restock A-1");
  const task = gateway.guard.send("sender", "PriceQuote", PAYLOAD, { parents: [request] });
  if (!sender.guard.receive(task).accepted) throw new Error("setup: the sender refused the gateway's message");

  // Raw baselines work on the very bytes a guard signs and checks: one of its records.
  const sample = sender.guard.send("receiver", "PriceQuote", PAYLOAD, { parents: [task] });
  const data = signingInput(sample);
  const secret = privateKeyFromSeed(generateGuardKeys("raw").privateKey);
  const publicKey = publicKeyFromRaw(sender.guard.publicKey);
  const parsed = parseSignature(sample.signature ?? "");
  if ("error" in parsed) throw new Error(parsed.error);
  if (!verify(null, data, publicKey, parsed.sig)) throw new Error("setup: the sample record does not verify");

  const rounds: Record<Loop, Cost>[] = [];
  let refused = 0;
  const sent: WireRecord[] = new Array<WireRecord>(CHUNK);
  for (let round = -1; round < ROUNDS; round++) {
    const cost = { rawSign: { cpu: 0, wall: 0 }, guardSend: { cpu: 0, wall: 0 }, rawVerify: { cpu: 0, wall: 0 }, guardReceive: { cpu: 0, wall: 0 } };
    for (let c = 0; c < CHUNKS; c++) {
      chunk(cost.rawSign, () => sign(null, data, secret));
      chunk(cost.guardSend, (i) => (sent[i] = sender.guard.send("receiver", "PriceQuote", PAYLOAD, { parents: [task] })));
      chunk(cost.rawVerify, () => {
        if (!verify(null, data, publicKey, parsed.sig)) throw new Error("raw verify failed");
      });
      chunk(cost.guardReceive, (i) => {
        if (!receiver.guard.receive(sent[i] as WireRecord).accepted) refused++;
      });
      // Between chunks, as between an agent's bursts: the batch processor's promises settle.
      await yieldToLoop();
    }
    // Round -1 warms the JIT and is not reported.
    if (round >= 0) rounds.push(cost);
  }
  await Promise.all([sender.guard.flush(), receiver.guard.flush()]);
  const spansOf = (g: Guard): number => g.stats().recordsEmitted + g.stats().receiptsEmitted;
  const expectedSender = spansOf(sender.guard);
  const expectedReceiver = spansOf(receiver.guard);
  if (refused > 0) throw new Error(`${refused} benchmarked records were refused: the receive loop did not measure the accepting path`);
  if (sender.exporter.exported !== expectedSender || receiver.exporter.exported !== expectedReceiver) {
    throw new Error(`spans were dropped: sender ${sender.exporter.exported}/${expectedSender}, receiver ${receiver.exporter.exported}/${expectedReceiver}`);
  }

  const perRecord = (loop: Loop, what: keyof Cost): number[] => rounds.map((r) => r[loop][what] / (CHUNK * CHUNKS));
  const med = (xs: number[]): number => percentile(xs, 0.5);
  const ratios = (guard: Loop, raw: Loop, what: keyof Cost): number[] => rounds.map((r) => r[guard][what] / r[raw][what]);
  const figures = (what: keyof Cost) => {
    const f = {
      rawSignUs: med(perRecord("rawSign", what)),
      guardSendUs: med(perRecord("guardSend", what)),
      rawVerifyUs: med(perRecord("rawVerify", what)),
      guardReceiveUs: med(perRecord("guardReceive", what)),
    };
    return {
      ...f,
      sendRatio: f.guardSendUs / f.rawSignUs,
      receiveRatio: f.guardReceiveUs / f.rawVerifyUs,
      /** The same, round by round: how much the ratio moved while the machine's load did. */
      sendRatioRounds: ratios("guardSend", "rawSign", what),
      receiveRatioRounds: ratios("guardReceive", "rawVerify", what),
    };
  };
  const cpu = figures("cpu");
  const wall = figures("wall");
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    recordsPerLoopPerRound: CHUNK * CHUNKS,
    rounds: ROUNDS,
    signingInputBytes: data.length,
    exporter: "counting (no network), through the guard's default BatchSpanProcessor",
    measure: "median over rounds of per-record CPU time (process.cpuUsage); ratio = guard median / raw median",
    loadAverage: { before: loadBefore, after: loadavg() },
    goal: GOAL,
    ...cpu,
    wall,
    spansExported: sender.exporter.exported + receiver.exporter.exported,
    perRound: rounds,
  };
  const line = (name: string, raw: number, guard: number, ratio: number): string =>
    `| ${name.padEnd(8)} | ${raw.toFixed(1).padStart(7)} | ${guard.toFixed(1).padStart(8)} | ${(guard - raw).toFixed(1).padStart(11)} | ${ratio.toFixed(2).padStart(5)}x |`;
  console.log("");
  console.log("CPU time per record (median of rounds):");
  console.log("| per record | raw µs | guard µs | overhead µs | ratio |");
  console.log("|----------|---------|----------|-------------|--------|");
  console.log(line("send", cpu.rawSignUs, cpu.guardSendUs, cpu.sendRatio));
  console.log(line("receive", cpu.rawVerifyUs, cpu.guardReceiveUs, cpu.receiveRatio));
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}x`;
  console.log(`per-round ratios (CPU): send ${range(cpu.sendRatioRounds)}, receive ${range(cpu.receiveRatioRounds)}; load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")}`);
  console.log(`wall time: send ${wall.guardSendUs.toFixed(1)} µs vs ${wall.rawSignUs.toFixed(1)} (${wall.sendRatio.toFixed(2)}x), receive ${wall.guardReceiveUs.toFixed(1)} µs vs ${wall.rawVerifyUs.toFixed(1)} (${wall.receiveRatio.toFixed(2)}x)`);
  console.log("");
  console.log(`goal: under ${GOAL}x raw Ed25519 — send ${cpu.sendRatio <= GOAL ? "met" : "MISSED"}, receive ${cpu.receiveRatio <= GOAL ? "met" : "MISSED"}`);
  console.log(`spans exported: ${result.spansExported}, none dropped`);
  mkdirSync("bench-output", { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  await Promise.all([gateway.guard.shutdown(), sender.guard.shutdown(), receiver.guard.shutdown()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

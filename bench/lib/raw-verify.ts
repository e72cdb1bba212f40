// The machine's raw Ed25519 verification capacity: every core verifying
// pre-computed signatures with cached key objects, nothing else.
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
const msgs = Array.from({ length: 64 }, (_, i) => Buffer.from(JSON.stringify({ v: 1, kind: "message", id: "m" + i, payload: { unit_price: i } }).repeat(3)));
const sigs = msgs.map((m) => crypto.sign(null, m, privateKey));
const end = Date.now() + workerData.ms;
let n = 0;
while (Date.now() < end) {
  for (let i = 0; i < 64; i++) if (!crypto.verify(null, msgs[i], publicKey, sigs[i])) throw new Error("verify failed");
  n += 64;
}
parentPort.postMessage(n);
`;

export async function rawVerifyCapacity(threads: number, ms: number): Promise<number> {
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER, { eval: true, workerData: { ms } });
          w.once("message", (n: number) => resolve(n));
          w.once("error", reject);
        }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0) / (ms / 1000);
}

// `npm run front -- http://127.0.0.1:4319 http://127.0.0.1:4320 ...`: a
// round-robin front over several collectors on this machine, listening on
// FIREBREAK_FRONT_PORT (default 4318), for trying a multi-collector setup
// locally. Production puts an OpenTelemetry Collector in front (docs/deploy.md).
import { startRoundRobinFront } from "../lib/process/round-robin-front.ts";

const backends = process.argv.slice(2);
if (backends.length === 0) {
  console.error("Give the collectors' base URLs: npm run front -- http://127.0.0.1:4319 http://127.0.0.1:4320");
  process.exit(2);
}
const front = await startRoundRobinFront(backends, { port: Number(process.env.FIREBREAK_FRONT_PORT ?? 4318), host: process.env.FIREBREAK_FRONT_HOST ?? "127.0.0.1" });
console.log(`[firebreak] front: ${front.url}/v1/traces -> ${backends.join(", ")} (round robin)`);
console.log(`READY ${front.port}`);
const stop = (): void => void front.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

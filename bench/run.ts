// npm run bench: every benchmark in turn, each printing its own table and
// writing bench-output/<name>.json; docs/benchmarks.md records the latest.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// Each with its own flags (`npm run bench:<name> -- --help`); the control
// plane's routes import React Server Components code, hence its condition.
const benches: { file: string; node?: string[] }[] = [
  { file: "bench/ingest.ts" },
  { file: "bench/guard.ts" },
  { file: "bench/engine-judge.ts" },
  { file: "bench/evidence.ts" },
  { file: "bench/lineage.ts" },
  { file: "bench/collectors.ts" },
  { file: "bench/storage.ts" },
  { file: "bench/fleet-counts.ts", node: ["--conditions=react-server"] },
  { file: "bench/control.ts", node: ["--conditions=react-server"] },
  { file: "bench/ui.ts" },
].filter((b) => existsSync(b.file));
let failed = 0;
for (const { file, node = [] } of benches) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [...node, "--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

// npm run bench: every benchmark in turn, each printing its own table and
// writing bench-output/<name>.json; docs/benchmarks.md records the latest.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const benches = ["bench/ingest.ts", "bench/guard.ts", "bench/lineage.ts"].filter((f) => existsSync(f));
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file, ...process.argv.slice(2)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

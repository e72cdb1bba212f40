// Where a page's main thread spends its time, for `bench:ui -- --profile`:
// the V8 sampling profiler over the DevTools protocol, folded into self time
// per function. The figures say which code to read first; they are samples,
// not measurements to compare between runs.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  what: string;
  ms: number;
}

/** Self time per function, largest first; `(idle)` is the thread waiting (network, timers). */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const file = url.replace(/^.*\/_next\/static\//, "").replace(/^https?:\/\/[^/]+/, "");
    const what = url ? `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}:${columnNumber + 1}` : functionName;
    totals.set(what, (totals.get(what) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([what, ms]) => ({ what, ms })).sort((a, b) => b.ms - a.ms);
}

/** Starts sampling the page's main thread; the returned function stops it and gives the self times. */
export async function startCpuProfile(page: Page): Promise<() => Promise<SelfTime[]>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
  return async () => {
    const { profile } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
    await cdp.detach();
    return selfTimes(profile);
  };
}

export function printSelfTimes(label: string, times: readonly SelfTime[], top = 18): void {
  const total = times.reduce((s, t) => s + t.ms, 0);
  console.log(`\n${label}: main thread ${Math.round(total)} ms sampled, top self time:`);
  for (const t of times.slice(0, top)) console.log(`  ${t.ms.toFixed(0).padStart(6)} ms  ${t.what}`);
}

/** Self time per function in each profile a process's threads wrote to `dir` (node --cpu-prof), busiest thread first. */
export function printProfileDir(dir: string, label: string, top = 25): void {
  const sum = (times: readonly SelfTime[]): number => times.reduce((s, t) => s + t.ms, 0);
  const threads = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => ({ f, times: selfTimes(JSON.parse(readFileSync(path.join(dir, f), "utf8")) as CpuProfile).filter((t) => t.what !== "(idle)") }))
    .sort((a, b) => sum(b.times) - sum(a.times));
  for (const t of threads) printSelfTimes(`${label} ${t.f}`, t.times, top);
}

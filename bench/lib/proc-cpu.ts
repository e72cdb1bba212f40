// CPU seconds (user + system, all threads) used by a process and everything
// it started, from /proc: where a benchmark's time went, by process.
import { readdirSync, readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields follow the last ')'.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** CPU seconds of `root` and all its descendants alive now. */
export function treeCpuSeconds(root: number): number {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.set(Number(name), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let ticks = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    ticks += all.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS;
}

/** CPU seconds of each thread of one process, by thread id, with its name (main thread: tid = pid). */
export function threadCpuSeconds(pid: number): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), { name, seconds: (Number(f[11]) + Number(f[12])) / TICKS });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** µs per record by thread between two samples, busiest first: the main thread, then each other thread (workers, GC helpers, libuv) by name and id. */
export function threadCpuPerRecord(pid: number, a: ReturnType<typeof threadCpuSeconds>, b: ReturnType<typeof threadCpuSeconds>, records: number): string {
  const byName = new Map<string, number>();
  for (const [tid, t] of b) {
    const used = t.seconds - (a.get(tid)?.seconds ?? 0);
    const name = tid === pid ? "main thread" : `${t.name}#${tid}`;
    byName.set(name, (byName.get(name) ?? 0) + used);
  }
  return [...byName.entries()]
    .filter(([, s]) => (s * 1e6) / records >= 1)
    .sort((x, y) => y[1] - x[1])
    .map(([name, s]) => `${name} ${Math.round((s * 1e6) / records)}`)
    .join(", ");
}

// What Linux says of the calling thread in /proc/thread-self/stat: its
// nice value (thread-priority.ts) and its CPU time, so a worker thread can
// say what it used (process.cpuUsage() counts every thread together).
import { readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc's CPU times on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * The stat fields after the command name, the state first; null where
 * /proc does not say (not Linux). The name may hold spaces and
 * parentheses, so the fields are counted from its last ')'.
 */
export function threadStatFields(): string[] | null {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** User and system CPU seconds the calling thread has used, or null where /proc does not say. */
export function threadCpuSeconds(): number | null {
  const f = threadStatFields();
  if (f === null) return null;
  // utime and stime: the 12th and 13th fields after the name.
  const ticks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : null;
}

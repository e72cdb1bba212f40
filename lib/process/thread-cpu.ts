// CPU time of the calling thread (Linux: /proc/thread-self/stat), so a
// worker thread can say what it used: process.cpuUsage() counts every
// thread of the process together.
import { readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc's CPU times on Linux. */
const TICKS_PER_SECOND = 100;

/** User and system CPU seconds the calling thread has used, or null where /proc does not say (not Linux). */
export function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    // Fields follow the command name's last ')': utime and stime are the 12th and 13th from there.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

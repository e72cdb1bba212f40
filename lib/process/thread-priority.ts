// A thread's scheduling priority (Linux nice), set from inside the thread.
// On Linux a nice value belongs to each thread (setpriority on a thread id),
// and /proc/thread-self names the calling thread. Elsewhere there is no
// portable way from Node, and the call says so by returning false.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { threadStatFields } from "./thread-stat.ts";

/** The calling thread's id (Linux), or null. */
function threadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Sets the calling thread's nice value (0 to 19: higher yields more); false where it cannot. */
export function niceThisThread(nice: number): boolean {
  const tid = threadId();
  if (tid === null) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/** The calling thread's nice value as the kernel reports it (Linux), or null. */
export function threadNice(): number | null {
  // The 17th field after the command name.
  const f = threadStatFields();
  return f === null ? null : Number(f[16]);
}

// A thread's scheduling priority (Linux nice), set from inside the thread.
// On Linux a nice value belongs to each thread (setpriority on a thread id),
// and /proc/thread-self names the calling thread. Elsewhere there is no
// portable way from Node, and the call says so by returning false.
import { readFileSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";

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
  try {
    // /proc/<tid>/stat: "pid (comm) state ..." with nice the 19th field; comm may hold spaces, so count after its ')'.
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[16]);
  } catch {
    return null;
  }
}

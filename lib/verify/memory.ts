// May this agent read or write this state key? A grant is an exact key or a
// prefix ending in "*"; every agent also owns "<agentId>/...". Keys with "."
// or ".." segments are refused outright: a store that normalizes paths would
// let "me/../you/secret" escape the owner's partition or a prefix grant.
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { RegistryAgent } from "../registry/types.ts";

export function keyIsGranted(key: string, grants: readonly string[], agentId: string): boolean {
  if (key.startsWith(`${agentId}/`)) return true;
  return grants.some((g) => (g.endsWith("*") ? key.startsWith(g.slice(0, -1)) : g === key));
}

export function checkMemory(rec: WireRecord, agent: RegistryAgent): VerdictDetail[] {
  if (rec.kind !== "state.read" && rec.kind !== "state.write") return [];
  const verb = rec.kind === "state.read" ? "read" : "write";
  const key = rec.intent;
  if (key === undefined || key === "") {
    return [{ verdict: "memory_violation", detail: `${rec.kind} names no state key (firebreak.intent)` }];
  }
  if (key.split("/").some((s) => s === "." || s === "..")) {
    return [{ verdict: "memory_violation", detail: `state key ${JSON.stringify(key)} has a "." or ".." segment` }];
  }
  const grants = rec.kind === "state.read" ? agent.memory.read : agent.memory.write;
  if (keyIsGranted(key, grants, agent.id)) return [];
  return [{ verdict: "memory_violation", detail: `agent ${agent.id} may not ${verb} state key ${key}` }];
}

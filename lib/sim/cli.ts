// Small parsers the simulator's scripts share: scenario parameters, speed,
// and a run namespace that does not collide with earlier runs.
import { randomBytes } from "node:crypto";
import { parseDuration } from "./duration.ts";

/** `["agents=1000", "fanOut=5"]` -> { agents: 1000, fanOut: 5 }. */
export function parseParams(list: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    const value = Number(item.slice(eq + 1));
    if (eq <= 0 || item.slice(eq + 1).trim() === "" || !Number.isFinite(value)) throw new Error(`--param ${JSON.stringify(item)}: write it as name=number, e.g. --param agents=1000`);
    out[item.slice(0, eq)] = value;
  }
  return out;
}

/** "max" (or "0"): unpaced; otherwise simulated ms per real ms, e.g. 3600 = one simulated hour per second. */
export function parseSpeed(text: string): number {
  if (text === "max" || text === "0") return Infinity;
  const value = Number(text.replace(/x$/, ""));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--speed must be a positive number (simulated seconds per real second) or "max", got ${JSON.stringify(text)}`);
  return value;
}

export function parseDurationFlag(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`--${name} must be a duration like 90s, 15m, 4h or 2d, got ${JSON.stringify(text)}`);
  return ms;
}

/** A namespace for a run: `<prefix>-<6 hex>`; pass --namespace to repeat one. */
export function freshNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

/** `maxFanOut=3,maxChainDepth=5` -> guard caps for the whole fleet. */
export function parseCaps(text: string): { maxFanOut?: number; maxChainDepth?: number } {
  const out: { maxFanOut?: number; maxChainDepth?: number } = {};
  for (const part of text.split(",")) {
    const [name, raw] = part.split("=");
    const value = Number(raw);
    if ((name !== "maxFanOut" && name !== "maxChainDepth") || raw === undefined || !Number.isInteger(value) || value < 0) {
      throw new Error(`--caps ${JSON.stringify(text)}: write it as maxFanOut=N,maxChainDepth=N (whole numbers)`);
    }
    out[name] = value;
  }
  return out;
}

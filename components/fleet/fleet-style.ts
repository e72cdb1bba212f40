// Prepare, then draw: the words, tones and links of the fleet screens'
// counts, decided here so the overview, the agent page and the tests agree.
import { BREAKER_STATES, type BreakerStateName } from "@/lib/engine/breaker/states.ts";
import type { Tone } from "@/lib/view/format.ts";
import type { WindowKey } from "@/lib/view/window.ts";

export const SEVERITY_ORDER = ["critical", "high", "medium", "low"] as const;
export type SeverityName = (typeof SEVERITY_ORDER)[number];

export const SEVERITY_STYLES: Record<SeverityName, { word: string; tone: Tone; icon: "octagon" | "cross" | "warn" | "dot" }> = {
  critical: { word: "Critical", tone: "bad", icon: "octagon" },
  high: { word: "High", tone: "bad", icon: "cross" },
  medium: { word: "Medium", tone: "warn", icon: "warn" },
  low: { word: "Low", tone: "info", icon: "dot" },
};

/** The incidents list filtered to open incidents of a severity. */
export const incidentsHref = (severity: SeverityName): string => `/incidents?status=open&severity=${severity}`;

/** Worst first, for the fleet's breaker counts. */
export const STATES_WORST_FIRST: readonly BreakerStateName[] = ["FORCED_OPEN", "OPEN", "HALF_OPEN", "METRICS_ONLY", "CLOSED"];

/** The agent graph showing the links in one breaker state. */
export const graphStateHref = (window: WindowKey, state: BreakerStateName): string => {
  const q = new URLSearchParams();
  if (window !== "24h") q.set("window", window);
  q.set("breaker", state);
  return `/graph?${q.toString()}`;
};

export const agentHref = (id: string): string => `/agents/${encodeURIComponent(id)}`;
export const edgeHref = (sender: string, receiver: string): string => `/edges/${encodeURIComponent(sender)}/${encodeURIComponent(receiver)}`;
export const recordHref = (id: string): string => `/records/${encodeURIComponent(id)}`;
export const lineageHref = (id: string): string => `/lineage?record=${encodeURIComponent(id)}`;

/** "impact 60 · reaches 4 agents" ; unscored findings say so. */
export function impactPhrase(impact: number | null, reach: number | null): string {
  if (impact === null || !Number.isFinite(impact)) return "not scored yet";
  const i = impact >= 100 ? Math.round(impact).toLocaleString("en-US") : String(Math.round(impact * 10) / 10);
  const r = reach === null ? "" : ` · reaches ${reach} agent${reach === 1 ? "" : "s"}`;
  return `impact ${i}${r}`;
}

export const isBreakerState = (s: string): s is BreakerStateName => (BREAKER_STATES as readonly string[]).includes(s);

const CAUSE_WORDS: Record<string, string> = {
  failures: "Too many failures",
  anomaly_rate: "Anomaly rate over the limit",
  timer: "Open period ran out",
  review_released: "Released by a reviewer",
  probe_clean: "Probes came back clean",
  probe_failed: "A probe failed",
  forced: "Kill switch",
  released: "Kill switch released",
  dry_run: "Dry run started",
  enforced: "Enforcing again",
  dry_run_trip: "Would have tripped (dry run)",
  reset: "Reset by a person",
};

/** A transition's cause in words; causes added later are humanized, never hidden. */
export function causeLabel(cause: string): string {
  const known = CAUSE_WORDS[cause];
  if (known !== undefined) return known;
  const w = cause.replace(/[_.-]+/g, " ").trim();
  return w === "" ? "Unknown cause" : w.charAt(0).toUpperCase() + w.slice(1);
}

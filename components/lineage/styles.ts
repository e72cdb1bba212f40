// Prepare, then draw: the word, tone and icon of every suspicion reason,
// severity and incident status, decided here so the DAG, the lists, the
// legend and the tests agree. Colour is never the only signal.
import type { Tone } from "@/lib/view/format.ts";

export type StyleIcon = "cross" | "warn" | "shield-off" | "key" | "flag" | "flame" | "dot" | "check" | "eye" | "merge" | "circle";

export interface Look {
  word: string;
  tone: Tone;
  icon: StyleIcon;
}

const SUSPICION: Record<string, Look> = {
  verification: { word: "Failed verification", tone: "bad", icon: "cross" },
  anomaly: { word: "Anomaly finding", tone: "warn", icon: "warn" },
  compromised_agent: { word: "Compromised agent", tone: "bad", icon: "shield-off" },
  compromised_key: { word: "Compromised key", tone: "bad", icon: "key" },
  analyst_mark: { word: "Marked by an analyst", tone: "warn", icon: "flag" },
};

/** Why a record is suspect, as a word; a newer kind is humanized, never hidden. */
export function suspicionLook(kind: string): Look {
  return SUSPICION[kind] ?? { word: humanize(kind), tone: "warn", icon: "warn" };
}

const SEVERITY: Record<string, Look> = {
  critical: { word: "Critical", tone: "bad", icon: "flame" },
  high: { word: "High", tone: "bad", icon: "warn" },
  medium: { word: "Medium", tone: "warn", icon: "warn" },
  low: { word: "Low", tone: "neutral", icon: "dot" },
};

export function severityLook(severity: string): Look {
  return SEVERITY[severity] ?? { word: humanize(severity), tone: "neutral", icon: "dot" };
}

const STATUS: Record<string, Look> = {
  open: { word: "Open", tone: "bad", icon: "circle" },
  acknowledged: { word: "Acknowledged", tone: "info", icon: "eye" },
  resolved: { word: "Resolved", tone: "ok", icon: "check" },
  merged: { word: "Merged", tone: "neutral", icon: "merge" },
};

export function statusLook(status: string): Look {
  return STATUS[status] ?? { word: humanize(status), tone: "neutral", icon: "dot" };
}

/** A node's state in the DAG: suspect on its own, tainted from upstream, or clean. */
export function nodeLook(n: { flagged: boolean; tainted: boolean; agent: string | null }): Look {
  if (n.agent === null) return { word: "Not stored", tone: "neutral", icon: "dot" };
  if (n.flagged) return { word: "Suspect", tone: "bad", icon: "cross" };
  if (n.tainted) return { word: "Tainted", tone: "warn", icon: "warn" };
  return { word: "Clean", tone: "neutral", icon: "check" };
}

const ROLE_WORDS: Record<string, string> = { origin: "Origin", start: "Record asked about", path: "On the path to the origin", descendant: "Downstream" };
export const roleWord = (role: string): string => ROLE_WORDS[role] ?? humanize(role);

/** Detector names as words: semantic_deviation -> Semantic deviation, cap_receivers -> Cap: receivers. */
export function detectorLabel(detector: string): string {
  if (detector.startsWith("cap_")) return `Cap: ${humanize(detector.slice(4)).toLowerCase()}`;
  return humanize(detector);
}

function humanize(s: string): string {
  const words = s.replace(/[_.-]+/g, " ").trim();
  return words === "" ? "Unknown" : words.charAt(0).toUpperCase() + words.slice(1);
}

/** "12 of 40 (30%)"; "none downstream" when there are no decisions. */
export function decisionShareText(d: { total: number; tainted: number; share: number | null }, percent: (s: number | null) => string): string {
  if (d.total === 0 || d.share === null) return "no decisions downstream";
  return `${d.tainted} of ${d.total} (${percent(d.share)})`;
}

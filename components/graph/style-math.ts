// Prepare, then draw: how a link, a lock and a node look, decided by pure
// functions the canvas, the legend and the lists all read. Colour is never
// the only signal: every breaker state also has a dash pattern, an icon and
// a word.
import { scaleSqrt } from "d3";
import type { BreakerStateName } from "@/lib/engine/breaker/states.ts";
import type { Tone } from "@/lib/view/format.ts";
import type { GlyphName } from "./glyphs.ts";

export interface BreakerStyle {
  state: BreakerStateName;
  word: string;
  tone: Tone;
  /** Canvas setLineDash pattern in screen pixels; empty is a solid line. */
  dash: readonly number[];
  /** Drawn at the link's middle; null for the healthy, quiet default. */
  icon: GlyphName | null;
  /** What the dash and icon look like, in words, for the legend. */
  looks: string;
  meaning: string;
}

export const BREAKER_STYLES: Record<BreakerStateName, BreakerStyle> = {
  CLOSED: { state: "CLOSED", word: "Closed", tone: "neutral", dash: [], icon: null, looks: "grey solid line, no icon", meaning: "messages flow" },
  METRICS_ONLY: { state: "METRICS_ONLY", word: "Dry run", tone: "info", dash: [10, 4], icon: "eye", looks: "blue long dashes, eye icon", meaning: "the breaker measures but never blocks" },
  HALF_OPEN: { state: "HALF_OPEN", word: "Half-open", tone: "warn", dash: [5, 4], icon: "half-circle", looks: "amber short dashes, half-filled circle", meaning: "probe messages decide whether it closes" },
  OPEN: { state: "OPEN", word: "Open", tone: "bad", dash: [2, 4], icon: "circle-slash", looks: "red dotted line, slashed circle, countdown", meaning: "tripped: messages blocked until it turns half-open" },
  FORCED_OPEN: { state: "FORCED_OPEN", word: "Forced open", tone: "bad", dash: [12, 3, 2, 3], icon: "octagon-x", looks: "red dash-dot line, stop sign", meaning: "kill switch: blocked until a person releases it" },
};

/** Worst first: the order of the edge list and of drawing (the worst on top). */
export const STATE_SEVERITY: Record<BreakerStateName, number> = { FORCED_OPEN: 4, OPEN: 3, HALF_OPEN: 2, METRICS_ONLY: 1, CLOSED: 0 };

export type LockKind = "solid" | "hollow" | "broken";

export interface LockStyle {
  kind: LockKind;
  word: string;
  tone: Tone;
  glyph: GlyphName;
  looks: string;
}

export const LOCK_STYLES: Record<LockKind, LockStyle> = {
  solid: { kind: "solid", word: "All verified", tone: "ok", glyph: "lock-solid", looks: "filled lock" },
  hollow: { kind: "hollow", word: "Some unverified", tone: "warn", glyph: "lock-hollow", looks: "outlined lock" },
  broken: { kind: "broken", word: "Forged or replayed", tone: "bad", glyph: "lock-broken", looks: "broken lock" },
};

/** Broken beats hollow beats solid; a link that carried nothing has no lock. */
export function lockKind(c: { messages: number; verified: number; forgedOrReplayed: number }): LockKind | null {
  if (!(c.messages > 0)) return null;
  if (c.forgedOrReplayed > 0) return "broken";
  return c.verified >= c.messages ? "solid" : "hollow";
}

export const MIN_LINK_WIDTH = 1;
export const MAX_LINK_WIDTH = 7;

/**
 * Message count -> line width in screen pixels, by area (sqrt) so one busy
 * edge does not flatten the rest; rounded to half pixels so the canvas can
 * draw all links of one width and state as a single path.
 */
export function linkWidthScale(maxMessages: number): (messages: number) => number {
  const max = Number.isFinite(maxMessages) && maxMessages > 0 ? maxMessages : 1;
  const s = scaleSqrt().domain([0, max]).range([MIN_LINK_WIDTH, MAX_LINK_WIDTH]).clamp(true);
  return (messages) => Math.round(s(Number.isFinite(messages) ? Math.max(0, messages) : 0) * 2) / 2;
}

/** Node radius in graph units by messages sent and received. */
export function nodeRadiusScale(maxMessages: number): (messages: number) => number {
  const max = Number.isFinite(maxMessages) && maxMessages > 0 ? maxMessages : 1;
  const s = scaleSqrt().domain([0, max]).range([5, 14]).clamp(true);
  return (messages) => s(Number.isFinite(messages) ? Math.max(0, messages) : 0);
}

/** "half-open in 4m 05s", or "half-open due" once the time has passed. */
export function formatCountdown(untilIso: string | null, now: Date): string | null {
  if (untilIso === null) return null;
  const until = Date.parse(untilIso);
  if (Number.isNaN(until)) return null;
  const s = Math.ceil((until - now.getTime()) / 1000);
  if (s <= 0) return "half-open due";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `half-open in ${h}h ${pad(m)}m` : m > 0 ? `half-open in ${m}m ${pad(sec)}s` : `half-open in ${sec}s`;
}

/** CSS custom property of a tone: the canvas reads the theme's colours through these. */
export const TONE_VAR: Record<Tone, string> = { ok: "--fb-ok", warn: "--fb-warn", bad: "--fb-bad", info: "--fb-info", neutral: "--fb-neutral" };

export interface NodeBadge {
  glyph: GlyphName;
  tone: Tone;
  word: string;
}

/** The badges an agent gets on the graph: killed, unregistered or unattested. */
export function nodeBadges(n: { registered: boolean; attested: boolean; killed: boolean }): NodeBadge[] {
  const out: NodeBadge[] = [];
  if (n.killed) out.push({ glyph: "octagon-x", tone: "bad", word: "Killed" });
  if (!n.registered) out.push({ glyph: "question", tone: "bad", word: "Unregistered" });
  else if (!n.attested) out.push({ glyph: "shield-off", tone: "warn", word: "Unattested" });
  return out;
}

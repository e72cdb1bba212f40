// Replay: where the time slider can go, and how a play step moves it.
import type { WindowKey } from "@/lib/view/window.ts";

/** How far back the slider reaches: a week, the longest window. */
export const REPLAY_SPAN_MS = 7 * 86_400_000;
const STEP_MS: Record<WindowKey, number> = { "1h": 5 * 60_000, "24h": 60 * 60_000, "7d": 6 * 60 * 60_000 };

/** One play step: a twelfth of an hour window, an hour of a day, six hours of a week. */
export function replayStepMs(window: WindowKey): number {
  return STEP_MS[window];
}

/** The next replay time, or null once it reaches the present (play then returns to live). */
export function nextReplayAt(at: string, window: WindowKey, now: Date): string | null {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return null;
  const next = t + replayStepMs(window);
  return next >= now.getTime() ? null : new Date(next).toISOString();
}

/** Slider position in [0, 1] over the replay span ending now; live is 1. */
export function sliderValue(at: string | null, now: Date): number {
  if (at === null) return 1;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return 1;
  return Math.min(1, Math.max(0, 1 - (now.getTime() - t) / REPLAY_SPAN_MS));
}

/** The replay time for a slider position, rounded to the minute; 1 is live (null). */
export function sliderAt(value: number, now: Date): string | null {
  if (!(value < 1)) return null;
  const t = now.getTime() - (1 - Math.max(0, value)) * REPLAY_SPAN_MS;
  return new Date(Math.floor(t / 60_000) * 60_000).toISOString();
}

/** An ISO time as the value of <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(iso: string | null, now: Date): string {
  const d = iso ? new Date(iso) : now;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The browser-zone value of a datetime-local input -> ISO; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (value === "") return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

// The dashboard's time window: view state that lives in the URL (?window=).

export const WINDOW_KEYS = ["1h", "24h", "7d"] as const;
export type WindowKey = (typeof WINDOW_KEYS)[number];
export const DEFAULT_WINDOW_KEY: WindowKey = "24h";

export const WINDOW_LABELS: Record<WindowKey, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
};

/** A search param value -> a window; anything else falls back to the default rather than erroring a shared link. */
export function parseWindowParam(value: string | string[] | undefined): WindowKey {
  const v = Array.isArray(value) ? value[0] : value;
  return (WINDOW_KEYS as readonly string[]).includes(v ?? "") ? (v as WindowKey) : DEFAULT_WINDOW_KEY;
}

/** "in the last hour" etc., for sentences such as empty states. */
export function windowPhrase(key: WindowKey): string {
  return key === "1h" ? "in the last hour" : key === "24h" ? "in the last 24 hours" : "in the last 7 days";
}

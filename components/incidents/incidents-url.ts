// The incidents list's filters, all in the URL so a filtered list can be
// pasted into a ticket. Unknown values fall back to "any" rather than
// breaking a shared link.
import { SEVERITIES, type Severity } from "@/lib/engine/incidents/severity.ts";
import { INCIDENT_STATUSES, type IncidentStatus } from "@/lib/engine/incidents/status.ts";
import { WINDOW_KEYS, type WindowKey } from "@/lib/view/window.ts";

export interface IncidentFilters {
  /** null: every status but merged (the API's default). */
  status: IncidentStatus | null;
  severity: Severity | null;
  /** Active within this window; null: any time. */
  window: WindowKey | null;
}

type Params = { get(name: string): string | null };

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | null => ((list as readonly string[]).includes(v ?? "") ? (v as T) : null);

export function parseIncidentFilters(p: Params): IncidentFilters {
  return { status: oneOf(INCIDENT_STATUSES, p.get("status")), severity: oneOf(SEVERITIES, p.get("severity")), window: oneOf(WINDOW_KEYS, p.get("window")) };
}

export function incidentFiltersSearch(f: IncidentFilters): string {
  const q = new URLSearchParams();
  if (f.status) q.set("status", f.status);
  if (f.severity) q.set("severity", f.severity);
  if (f.window) q.set("window", f.window);
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

const WINDOW_MS: Record<WindowKey, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

/** The API query for the filters at `now`: the window becomes `from`, computed at fetch time so polling moves with the clock. */
export function incidentsApiSearch(f: IncidentFilters, now: number, cursor: string | null, limit: number): string {
  const q = new URLSearchParams();
  if (f.status) q.set("status", f.status);
  if (f.severity) q.set("severity", f.severity);
  if (f.window) q.set("from", new Date(now - WINDOW_MS[f.window]).toISOString());
  q.set("limit", String(limit));
  if (cursor) q.set("cursor", cursor);
  return q.toString();
}

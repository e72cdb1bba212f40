// Who may read /metrics. Metric labels name agents and edges, and the
// gauges say which breakers are open and which kill switches are thrown:
// a map of where the system is weak right now. So by default a bearer token
// is required (a read-only metrics token, or the admin token); ingest keys,
// which every agent holds, are not enough. FIREBREAK_METRICS_PUBLIC=true
// opens it for scrapers on a private network that cannot send a header.
import { createHash, timingSafeEqual } from "node:crypto";

export type MetricsAccess = { public: true } | { public: false; tokens: string[] };

export function metricsAccess(config: { FIREBREAK_METRICS_PUBLIC: boolean; FIREBREAK_METRICS_TOKEN?: string | undefined }, adminToken: string): MetricsAccess {
  if (config.FIREBREAK_METRICS_PUBLIC) return { public: true };
  return { public: false, tokens: [adminToken, ...(config.FIREBREAK_METRICS_TOKEN ? [config.FIREBREAK_METRICS_TOKEN] : [])] };
}

/** Does this Authorization header let its sender read /metrics? */
export function mayReadMetrics(access: MetricsAccess, authorization: string | undefined | null): boolean {
  if (access.public) return true;
  const m = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
  if (!m?.[1]) return false;
  // Digests, not tokens: constant time whatever the lengths.
  const given = digest(m[1]);
  let ok = false;
  for (const t of access.tokens) ok = timingSafeEqual(given, digest(t)) || ok;
  return ok;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

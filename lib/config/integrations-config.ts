import { z } from "zod";

const flag = z.enum(["true", "false"], { error: "must be true or false" }).default("false").transform((v) => v === "true");

/** /metrics and the webhook dispatcher, from the environment. Every one has a safe default. */
export const IntegrationsConfig = z.object({
  /** `true` serves /metrics without a token: only where the port is reachable by the scraper alone. */
  FIREBREAK_METRICS_PUBLIC: flag,
  /** A read-only bearer token for Prometheus; the admin token works too, ingest keys do not. */
  FIREBREAK_METRICS_TOKEN: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
  /** How long the database-derived gauges are reused between scrapes. */
  FIREBREAK_METRICS_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** Edges with a per-edge breaker series at most (firebreak_breaker_state has 5 series per edge). */
  FIREBREAK_METRICS_MAX_EDGES: z.coerce.number().int().min(0).max(20_000).default(500),
  /** `off` leaves webhook delivery to other collectors (the outbox still fills). */
  FIREBREAK_WEBHOOKS: z.enum(["on", "off"]).default("on"),
  FIREBREAK_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  FIREBREAK_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The dashboard's address as users reach it, for links in alerts (e.g. https://firebreak.example.com). */
  FIREBREAK_PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
});
export type IntegrationsConfig = z.output<typeof IntegrationsConfig>;

export function integrationsConfig(env: Record<string, string | undefined>): IntegrationsConfig {
  const parsed = IntegrationsConfig.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid metrics or webhook configuration: ${problems}`);
  }
  return parsed.data;
}

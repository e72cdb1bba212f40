import { z } from "zod";

/** The engine's settings, from the environment. */
export const EngineConfig = z.object({
  /** `off` runs the collector without the engine (another process runs it). */
  FIREBREAK_ENGINE: z.enum(["on", "off"]).default("on"),
  /** Records per evaluation pass. */
  FIREBREAK_ENGINE_BATCH: z.coerce.number().int().min(1).max(100_000).default(2_000),
});
export type EngineConfig = z.infer<typeof EngineConfig>;

export function engineConfig(env: Record<string, string | undefined>): EngineConfig {
  const parsed = EngineConfig.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid engine configuration: ${problems}`);
  }
  return parsed.data;
}

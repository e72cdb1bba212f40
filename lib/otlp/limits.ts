// What one OTLP request may carry. A request over maxSpansPerRequest is
// refused whole (400: the sender must batch smaller); a span over any other
// limit is rejected alone and reported in partial_success.
import { z } from "zod";

/** Deepest nesting accepted for maxAttributeDepth; the converter recurses once per level. */
export const MAX_ATTRIBUTE_DEPTH_CEILING = 64;

export const OtlpLimits = z.object({
  /** Spans in one request, across all resources and scopes. */
  maxSpansPerRequest: z.number().int().positive().default(10_000),
  /** Attributes on one span, and on one resource. */
  maxAttributesPerSpan: z.number().int().positive().default(128),
  /** Length of one string value in characters, of one bytes value in bytes. */
  maxAttributeValueLength: z.number().int().positive().default(64 * 1024),
  /** Nesting of arrayValue/kvlistValue inside one attribute; an array of scalars is depth 1. */
  maxAttributeDepth: z.number().int().nonnegative().max(MAX_ATTRIBUTE_DEPTH_CEILING).default(8),
});
export type OtlpLimits = z.infer<typeof OtlpLimits>;

export const DEFAULT_OTLP_LIMITS: OtlpLimits = Object.freeze(OtlpLimits.parse({}));

// Span attribute values as decoded from OTLP (protobuf or JSON). lib/otlp
// declares the same type; the two are structurally identical on purpose, so
// neither folder has to import the other.

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** The word an error message uses for a value's type: "string", "array", "object", ... */
export function attributeTypeName(value: AttributeValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

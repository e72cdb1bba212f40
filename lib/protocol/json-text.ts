// Checks a payload's JSON text before anyone trusts it: nesting depth, syntax,
// duplicate keys. Depth is measured by a scan over the text, so a hostile
// payload of a million "[" costs one pass and no parse. Duplicate keys are
// refused because JSON.parse keeps the last one while other parsers keep the
// first: the signed form and what a consumer reads would differ.

export const DEFAULT_MAX_JSON_DEPTH = 64;

export type JsonTextProblem =
  | { problem: "too_deep"; message: string }
  | { problem: "not_json"; message: string }
  | { problem: "duplicate_key"; message: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Parses `text` as JSON, refusing nesting deeper than `maxDepth` containers
 * (a scalar is depth 0, `[]` depth 1) and objects with a repeated key.
 */
export function parseJsonText(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): { value: unknown } | JsonTextProblem {
  // One frame per open container: the keys seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let duplicate: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      const frame = stack[stack.length - 1];
      if (expectKey && frame && duplicate === null) {
        const key = escaped ? decodeJsonString(text.slice(start, i + 1)) : text.slice(start + 1, i);
        if (key !== null) {
          if (frame.has(key)) duplicate = key;
          else frame.add(key);
        }
      }
      expectKey = false;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      stack.push(c === OPEN_OBJECT ? new Set<string>() : null);
      if (stack.length > maxDepth) {
        return { problem: "too_deep", message: `nests deeper than ${maxDepth} levels` };
      }
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] instanceof Set;
    } else if (c === COLON) {
      expectKey = false;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: "not_json", message: `is not valid JSON: ${(err as Error).message}` };
  }
  if (duplicate !== null) return { problem: "duplicate_key", message: `has duplicate key ${JSON.stringify(duplicate)}` };
  return { value };
}

function decodeJsonString(quoted: string): string | null {
  try {
    const s: unknown = JSON.parse(quoted);
    return typeof s === "string" ? s : null;
  } catch {
    // Malformed: JSON.parse of the whole text reports it.
    return null;
  }
}

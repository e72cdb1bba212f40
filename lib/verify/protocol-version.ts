// firebreak.protocol is "<name>/<version>", e.g. a2a/0.3 or mcp/2025-06-18.
// Versions compare segment by segment, splitting on "." and "-", each segment
// as a whole number; a missing segment counts as 0 (0.3 = 0.3.0 < 0.3.1).
// That orders dotted versions and dated versions alike. A segment that is not
// all digits (1.0-beta) makes the versions incomparable: we do not guess.

export interface ProtocolName {
  name: string;
  version: string;
}

export function parseProtocol(text: string): ProtocolName | null {
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1) return null;
  return { name: text.slice(0, slash), version: text.slice(slash + 1) };
}

const DIGITS = /^\d+$/;

function segments(version: string): string[] | null {
  const parts = version.split(/[.-]/);
  if (!parts.every((p) => DIGITS.test(p))) return null;
  // Compare as digit strings so that no segment is too long for a number.
  return parts.map((p) => p.replace(/^0+(?=\d)/, ""));
}

/** Negative when a < b, 0 when equal, positive when a > b; null when either is not a numeric version. */
export function compareVersions(a: string, b: string): number | null {
  const x = segments(a);
  const y = segments(b);
  if (x === null || y === null) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? "0";
    const q = y[i] ?? "0";
    if (p.length !== q.length) return p.length - q.length;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

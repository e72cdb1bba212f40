// The numeric leaves of a JSON payload by path: {"items":[{"qty":2}]} has
// items[].qty = [2]. Array positions fold into "[]" so the values of every
// element of a list share one baseline. Walked with an explicit stack, with
// bounds on depth and leaves: payloads come from agents we are watching.

export const MAX_PATH_DEPTH = 16;
export const MAX_LEAVES = 256;

export function numericFields(payload: unknown, maxLeaves = MAX_LEAVES): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: payload, path: "", depth: 0 }];
  let leaves = 0;
  while (stack.length > 0 && leaves < maxLeaves) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) continue;
      const list = out.get(path);
      if (list) list.push(value);
      else out.set(path, [value]);
      leaves++;
      continue;
    }
    if (value === null || typeof value !== "object" || depth >= MAX_PATH_DEPTH) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      stack.push({ value: v, path: path === "" ? k : `${path}.${k}`, depth: depth + 1 });
    }
  }
  return out;
}

// Whether the dashboard's production build (.next) is older than its sources.
// `npm start` and the e2e harness rebuild only when it is.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const BUILD_INPUTS = ["app", "components", "lib", "proxy.ts", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

function newestMtime(p: string): number {
  // Iterative walk: no recursion in house traversals.
  let newest = 0;
  const stack = [p];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (!existsSync(cur)) continue;
    const st = statSync(cur);
    if (st.isDirectory()) {
      if (cur.endsWith(`${path.sep}generated`) || cur.endsWith("node_modules")) continue;
      for (const e of readdirSync(cur)) stack.push(path.join(cur, e));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  }
  return newest;
}

/** Why .next must be (re)built, or null when it is current. */
export function staleBuildReason(root: string): string | null {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no build yet";
  const built = statSync(buildId).mtimeMs;
  const changed = BUILD_INPUTS.find((p) => newestMtime(path.join(root, p)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

// zod issues turned into messages that say where the problem is and what to
// fix: `keys[0].publicKey: must decode to exactly 32 bytes ...`.
import type { z } from "zod";
import { badRequest, type FirebreakError } from "../api/errors.ts";

export interface IssueDetail {
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `keys[0].publicKey`, `labels["team name"]`; "" for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && IDENTIFIER.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** One detail per issue. A record key issue names the key and says what is wrong with it. */
export function issueDetails(error: z.ZodError, prefix = ""): IssueDetail[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === "invalid_key") {
      const inner = issue.issues[0]?.message ?? "is not allowed";
      message = `key ${JSON.stringify(String(issue.path.at(-1)))}: ${inner}`;
    }
    const path = formatPath(issue.path);
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, message };
  });
}

/** "path: message; path: message (and 3 more)". At most three, so a bad file does not make a wall of text. */
export function summarize(details: readonly IssueDetail[]): string {
  const shown = details.slice(0, 3).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}

/** `schema.parse`, but failure is a 400 whose message names `what` and each problem's path. */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw invalid(what, issueDetails(parsed.error));
}

export function invalid(what: string, details: IssueDetail[]): FirebreakError {
  return badRequest(`Invalid ${what}: ${summarize(details)}`, details);
}

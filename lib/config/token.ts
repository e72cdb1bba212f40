import "server-only";
import { z } from "zod";
import { FirebreakError } from "../api/errors.ts";

// The admin token of this first cut of auth (accounts come later). The
// launcher (scripts/start.ts) always sets FIREBREAK_TOKEN for the Next
// process; `npm run dev` needs it set by hand.
export const AdminTokenEnv = z
  .string({ error: "FIREBREAK_TOKEN is not set" })
  .trim()
  .min(16, { error: "FIREBREAK_TOKEN must be at least 16 characters long" });

/** The admin token, read from the environment on every call so tests can swap it. */
export function adminToken(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = AdminTokenEnv.safeParse(env.FIREBREAK_TOKEN);
  if (!parsed.success) {
    // 503, not 500: the server is misconfigured, and saying how is safe.
    throw new FirebreakError(
      "unavailable",
      `${parsed.error.issues[0]?.message ?? "FIREBREAK_TOKEN is invalid"}: start the dashboard with \`npm start\`, or set FIREBREAK_TOKEN for \`npm run dev\`.`,
    );
  }
  return parsed.data;
}

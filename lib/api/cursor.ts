// The records list pages by keyset on (ts DESC, seq DESC). The cursor is the
// last row's position, opaque to clients: base64url of a small JSON object.
import { z } from "zod";
import { badRequest } from "./errors.ts";

export interface RecordPosition {
  /** The record timestamp, ISO 8601 with milliseconds (the column's precision). */
  ts: string;
  seq: string;
}

const Position = z.object({
  t: z.iso.datetime({ offset: true }),
  s: z.string().regex(/^\d{1,19}$/),
});

export function encodeCursor(p: RecordPosition): string {
  return Buffer.from(JSON.stringify({ t: p.ts, s: p.seq }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): RecordPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    raw = null;
  }
  const parsed = Position.safeParse(raw);
  if (!parsed.success) {
    throw badRequest("`cursor` is not a cursor this API issued: pass `nextCursor` from the previous page unchanged", [
      { path: "query.cursor", message: "not a valid cursor" },
    ]);
  }
  return { ts: parsed.data.t, seq: parsed.data.s };
}

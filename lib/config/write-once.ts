// Creates a secret file exactly once, even when several processes start on
// the same data folder at the same moment (three `npm run collector` at
// boot): each writes its candidate to a private temporary file and links it
// into place; link fails when the file already exists, so one candidate wins
// and every process reads back the same winner, never a half-written file.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The file's content: the existing one, or `candidate` if this call created it. */
export function writeOnce(file: string, candidate: string): { content: string; created: boolean } {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(tmp, candidate, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return { content: candidate, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return { content: readFileSync(file, "utf8"), created: false };
  } finally {
    unlinkSync(tmp);
  }
}

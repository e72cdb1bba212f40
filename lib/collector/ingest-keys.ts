// Who may send records to the collector: FIREBREAK_TOKEN, the keys in
// FIREBREAK_INGEST_KEYS, and ingest-scoped API tokens from the database
// (one per environment, made on the admin screen). Database answers are
// cached for `ttlMs` (5 s by default), so a revoked key stops working
// within seconds without a query per export request.
import { createHash, timingSafeEqual } from "node:crypto";
import { parseApiToken } from "../accounts/api-token.ts";

/** What the database says about a token hash: is it a live ingest key? */
export type IngestTokenLookup = (hash: string) => Promise<boolean>;

export const DEFAULT_INGEST_TOKEN_TTL_MS = 5_000;
/** Beyond this many cached answers the cache starts over: random garbage must not grow memory. */
const MAX_CACHED = 10_000;

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

export class IngestKeys {
  private readonly staticDigests: Buffer[];
  private readonly cache = new Map<string, { ok: boolean; until: number }>();
  private readonly pending = new Map<string, Promise<"allowed" | "refused" | "unknown">>();

  constructor(
    staticKeys: readonly string[],
    private readonly lookup: IngestTokenLookup | null,
    private readonly ttlMs: number = DEFAULT_INGEST_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.staticDigests = staticKeys.map(digest);
  }

  /** Does this Authorization header carry a key that may send records? An unanswerable lookup counts as no. */
  async allows(header: string | undefined): Promise<boolean> {
    return (await this.check(header)) === "allowed";
  }

  /**
   * The same, telling "no" apart from "cannot say now": with the database away
   * an API-token holder must hear 503 (retry), not 401 (fix your key).
   */
  async check(header: string | undefined): Promise<"allowed" | "refused" | "unknown"> {
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m?.[1]) return "refused";
    const presented = m[1];
    // Compare digests, not keys: constant time and independent of key length.
    const given = digest(presented);
    let ok = false;
    for (const k of this.staticDigests) ok = timingSafeEqual(given, k) || ok;
    if (ok) return "allowed";
    const parsed = parseApiToken(presented);
    if (!parsed || this.lookup === null) return "refused";
    return this.lookupCached(parsed.hash);
  }

  private lookupCached(hash: string): Promise<"allowed" | "refused" | "unknown"> {
    const hit = this.cache.get(hash);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.ok ? "allowed" : "refused");
    const inFlight = this.pending.get(hash);
    if (inFlight) return inFlight;
    const lookup = this.lookup!;
    const p = lookup(hash)
      .then((ok) => {
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(hash, { ok, until: this.now() + this.ttlMs });
        return ok ? ("allowed" as const) : ("refused" as const);
      })
      // The database being away is not an answer: not cached, and the caller says "retry".
      .catch(() => "unknown" as const)
      .finally(() => this.pending.delete(hash));
    this.pending.set(hash, p);
    return p;
  }
}

// Who may send records to the collector: FIREBREAK_TOKEN, the keys in
// FIREBREAK_INGEST_KEYS, and ingest-scoped API tokens from the database
// (one per environment, made on the admin screen). Database answers are
// cached for `ttlMs` (5 s by default), so a revoked key stops working
// within seconds without a query per export request.
//
// A key also says which project (tenant) its records belong to: an API token
// belongs to one project; the configured keys (the admin token and
// FIREBREAK_INGEST_KEYS) send to `default` unless the request names another
// project in the x-firebreak-project header (docs/adr/0015-projects.md).
import { createHash, timingSafeEqual } from "node:crypto";
import { parseApiToken } from "../accounts/api-token.ts";
import { DEFAULT_PROJECT } from "../accounts/project.ts";

/** What the database says about a token hash: the project of a live ingest key, or null. */
export type IngestTokenLookup = (hash: string) => Promise<string | null>;

/** Who may send, and into which project; `fixed`: the key names its own project, the request may not choose. */
export type IngestGrant = { project: string; fixed: boolean };

/** The database could not say (it is away): not a refusal. */
const UNKNOWN: unique symbol = Symbol("unknown");

export const DEFAULT_INGEST_TOKEN_TTL_MS = 5_000;
/** Beyond this many cached answers the cache starts over: random garbage must not grow memory. */
const MAX_CACHED = 10_000;

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

export class IngestKeys {
  private readonly staticDigests: Buffer[];
  private readonly cache = new Map<string, { project: string | null; until: number }>();
  private readonly pending = new Map<string, Promise<string | null | typeof UNKNOWN>>();

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
    return typeof (await this.grant(header)) === "object";
  }

  /**
   * The project this Authorization header's key sends into: `fixed` for an
   * API token (its own project, whatever the request says), not fixed for a
   * configured key (default, or the project the request names). "unknown"
   * when the database cannot answer now: an API-token holder must hear 503
   * (retry), not 401 (fix your key).
   */
  async grant(header: string | undefined): Promise<IngestGrant | "refused" | "unknown"> {
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m?.[1]) return "refused";
    const presented = m[1];
    // Compare digests, not keys: constant time and independent of key length.
    const given = digest(presented);
    let ok = false;
    for (const k of this.staticDigests) ok = timingSafeEqual(given, k) || ok;
    if (ok) return { project: DEFAULT_PROJECT, fixed: false };
    const parsed = parseApiToken(presented);
    if (!parsed || this.lookup === null) return "refused";
    const project = await this.lookupCached(parsed.hash);
    if (project === UNKNOWN) return "unknown";
    return project === null ? "refused" : { project, fixed: true };
  }

  private lookupCached(hash: string): Promise<string | null | typeof UNKNOWN> {
    const hit = this.cache.get(hash);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.project);
    const inFlight = this.pending.get(hash);
    if (inFlight) return inFlight;
    const lookup = this.lookup!;
    const p: Promise<string | null | typeof UNKNOWN> = lookup(hash)
      .then((project): string | null | typeof UNKNOWN => {
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(hash, { project, until: this.now() + this.ttlMs });
        return project;
      })
      // The database being away is not an answer: not cached, and the caller says "retry".
      .catch((): typeof UNKNOWN => UNKNOWN)
      .finally(() => this.pending.delete(hash));
    this.pending.set(hash, p);
    return p;
  }
}

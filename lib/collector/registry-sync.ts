// Keeps the collector's registry snapshot fresh. The registry's version (one
// row, bumped by triggers with every change) is read before each batch is
// judged and once a second besides; the full snapshot is loaded only when it
// changed, then handed to the verification workers. Several collectors on one
// database therefore all judge a batch by a registry at least as new as every
// change committed before the batch arrived, whichever process made it.
import type pg from "pg";
import type { RegistrySnapshot } from "../registry/types.ts";
import { registryVersion } from "../db/registry-version.ts";

export type SnapshotLoader = () => Promise<RegistrySnapshot>;

export class RegistrySync {
  private snapshot: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };
  private version = "";
  private timer: NodeJS.Timeout | null = null;
  /** The version check in flight, and the one queued behind it (see `fresh`). */
  private checking: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Loads run one at a time, so an older snapshot never replaces a newer one. */
  private loading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly load: SnapshotLoader,
    private readonly onChange: (snapshot: RegistrySnapshot) => void,
    private readonly log: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    await this.refresh(true);
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log(`registry: refresh failed, keeping the last snapshot: ${(err as Error).message}`));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  current(): RegistrySnapshot {
    return this.snapshot;
  }

  /**
   * Resolves once the snapshot includes every change committed before this
   * call. Concurrent callers share reads: a check already running may have
   * started before the caller's moment, so the caller waits for the next one,
   * which every request arriving meanwhile shares.
   */
  fresh(): Promise<void> {
    if (!this.checking) {
      // A failed read keeps the last snapshot; if the database is away, storing the batch fails too.
      this.checking = this.refresh().then(
        () => {},
        (err: unknown) => this.log(`registry: version check failed, judging by the last snapshot: ${(err as Error).message}`),
      );
      void this.checking.finally(() => {
        this.checking = null;
      });
      return this.checking;
    }
    this.queued ??= this.checking.then(() => {
      this.queued = null;
      return this.fresh();
    });
    return this.queued;
  }

  /** Reloads when the registry changed (or when forced); returns whether it did. */
  async refresh(force = false): Promise<boolean> {
    const version = await registryVersion(this.pool);
    if (version === this.version && !force) return false;
    const next = this.loading.then(async () => {
      if (version === this.version && !force) return false;
      const snapshot = await this.load();
      this.snapshot = snapshot;
      this.version = version;
      this.onChange(snapshot);
      return true;
    });
    this.loading = next.catch(() => {});
    return next;
  }
}

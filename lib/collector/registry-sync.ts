// Keeps the collector's registry snapshots fresh: one per project, since
// agent ids and keys are per project. The registry's version (one row, bumped
// by triggers with every change to projects, agents, keys or contracts) is
// read before each batch is judged and once a second besides; the snapshots
// are loaded only when it changed, then handed to the verification workers.
// Several collectors on one database therefore all judge a batch by a
// registry at least as new as every change committed before the batch
// arrived, whichever process made it.
import type pg from "pg";
import type { RegistrySnapshot } from "../registry/types.ts";
import { registryVersion } from "../db/registry-version.ts";
import { listProjectIds } from "../db/projects-store.ts";

export type SnapshotLoader = (project: string) => Promise<RegistrySnapshot>;

/** What judges a record of a project that has no agents yet: nothing is known. */
export const EMPTY_SNAPSHOT: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };

export class RegistrySync {
  private snapshots = new Map<string, RegistrySnapshot>();
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
    private readonly onChange: (snapshots: Map<string, RegistrySnapshot>) => void,
    private readonly log: (line: string) => void,
    private readonly intervalMs = 1000,
    private readonly listProjects: () => Promise<string[]> = () => listProjectIds(pool),
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

  /** The registry of one project (empty for a project with no agents, or one created since the last refresh). */
  current(project: string): RegistrySnapshot {
    return this.snapshots.get(project) ?? EMPTY_SNAPSHOT;
  }

  /** Is this a project the collector knows (as of the last refresh)? */
  has(project: string): boolean {
    return this.snapshots.has(project);
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
      const snapshots = new Map<string, RegistrySnapshot>();
      for (const project of await this.listProjects()) snapshots.set(project, await this.load(project));
      this.snapshots = snapshots;
      this.version = version;
      this.onChange(this.snapshots);
      return true;
    });
    this.loading = next.catch(() => {});
    return next;
  }
}

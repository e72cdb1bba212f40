// Keeps the collector's registry snapshots fresh: one per project, since
// agent ids and keys are per project. A cheap fingerprint query runs every
// interval; the snapshots are loaded only when it changed, then handed to
// the verification workers.
import type pg from "pg";
import type { RegistrySnapshot } from "../registry/types.ts";
import { registryFingerprint } from "../db/registry-fingerprint.ts";
import { listProjectIds } from "../db/projects-store.ts";

export type SnapshotLoader = (project: string) => Promise<RegistrySnapshot>;

/** What judges a record of a project that has no agents yet: nothing is known. */
export const EMPTY_SNAPSHOT: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };

export class RegistrySync {
  private snapshots = new Map<string, RegistrySnapshot>();
  private fingerprint = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly load: SnapshotLoader,
    private readonly onChange: (snapshots: Map<string, RegistrySnapshot>) => void,
    private readonly log: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
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

  /** Reloads when the registry changed (or when forced); returns whether it did. */
  async refresh(force = false): Promise<boolean> {
    const fp = await registryFingerprint(this.pool);
    if (fp === this.fingerprint && !force) return false;
    const next = new Map<string, RegistrySnapshot>();
    for (const project of await listProjectIds(this.pool)) next.set(project, await this.load(project));
    this.snapshots = next;
    this.fingerprint = fp;
    this.onChange(this.snapshots);
    return true;
  }
}

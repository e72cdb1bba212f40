// Keeps the collector's registry snapshot fresh. A cheap fingerprint query
// runs every interval; the full snapshot is loaded only when it changed, then
// handed to the verification workers.
import type pg from "pg";
import type { RegistrySnapshot } from "../registry/types.ts";
import { registryFingerprint } from "../db/registry-fingerprint.ts";

export type SnapshotLoader = () => Promise<RegistrySnapshot>;

export class RegistrySync {
  private snapshot: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };
  private fingerprint = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly load: SnapshotLoader,
    private readonly onChange: (snapshot: RegistrySnapshot) => void,
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

  current(): RegistrySnapshot {
    return this.snapshot;
  }

  /** Reloads when the registry changed (or when forced); returns whether it did. */
  async refresh(force = false): Promise<boolean> {
    const fp = await registryFingerprint(this.pool);
    if (fp === this.fingerprint && !force) return false;
    this.snapshot = await this.load();
    this.fingerprint = fp;
    this.onChange(this.snapshot);
    return true;
  }
}

// The fleet's shared state store. Guards read and write values through it
// (GuardOptions.store); the simulator also keeps, per key, the version
// number and the emission that wrote it, so a read can name the write it saw
// as its parent, and the ledger can follow taint through memory. Feeds are
// keys the outside world writes (a supplier price list, a market ticker):
// they have versions but no write record, and a poisoned feed taints the
// reads that see it.
import type { StateStore } from "../guard/index.ts";
import type { Emission } from "./world-types.ts";

export interface StateVersion {
  version: number;
  /** The state.write that made this version; null for a feed update. */
  writer: Emission | null;
  /** Faults that made this value wrong at the source (a poisoned feed). */
  taintedBy: readonly string[];
}

export class SharedMemory {
  private readonly values = new Map<string, unknown>();
  private readonly versions = new Map<string, StateVersion>();

  /** The store handed to every guard. */
  readonly store: StateStore = {
    get: (key) => this.values.get(key),
    set: (key, value) => {
      this.values.set(key, value);
    },
  };

  get(key: string): unknown {
    return this.values.get(key);
  }

  version(key: string): StateVersion | undefined {
    return this.versions.get(key);
  }

  /** Records that `writer` made the next version of `key` (the guard has already stored the value). */
  wrote(key: string, writer: Emission): number {
    const next = (this.versions.get(key)?.version ?? 0) + 1;
    this.versions.set(key, { version: next, writer, taintedBy: [] });
    return next;
  }

  /** The outside world sets a feed value; `taintedBy` names the fault that poisoned it, if any. */
  setFeed(key: string, value: unknown, taintedBy: readonly string[]): number {
    const next = (this.versions.get(key)?.version ?? 0) + 1;
    this.values.set(key, value);
    this.versions.set(key, { version: next, writer: null, taintedBy });
    return next;
  }
}

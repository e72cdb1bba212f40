// Everything the simulated fleet emitted, in order, with what caused it.
// Each emission gets a handle `<id>#<copy>` (copy 0 for the first record
// with an id): a replayed record shares its original's id but not its handle,
// so what an agent did because of the replay stays apart from what it did
// because of the original. Taint is pushed forward as records are added
// (inputs always exist before the record that used them), so the descendants
// of every fault are known without any graph walk at the end.
import type { RecordKind, WireRecord } from "../protocol/record.ts";
import type { Downstream, RecordRef, StateVersionRef, TruthRecord } from "./ground-truth.ts";

export type Handle = string;

export interface LedgerEntry {
  handle: Handle;
  id: string;
  copy: number;
  kind: RecordKind;
  agent: string;
  intent: string | null;
  simTime: number;
  parents: string[];
  /** Handles of the emissions this one was produced from. */
  inputs: Handle[];
  injectedBy: string[];
  corruptedBy: string[];
  /** Faults this emission was made or changed by, or descends from. */
  taint: string[];
  /** For state.write: the key and the version it created. */
  state?: { key: string; version: number };
}

export interface LedgerAdd {
  simTime: number;
  inputs?: readonly Handle[];
  injectedBy?: readonly string[];
  corruptedBy?: readonly string[];
  state?: { key: string; version: number };
}

export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private readonly byHandle = new Map<Handle, LedgerEntry>();
  private readonly copies = new Map<string, number>();

  add(rec: WireRecord, meta: LedgerAdd): LedgerEntry {
    const copy = this.copies.get(rec.id) ?? 0;
    this.copies.set(rec.id, copy + 1);
    const handle = `${rec.id}#${copy}`;
    const inputs = [...new Set(meta.inputs ?? [])];
    const taint = new Set<string>([...(meta.injectedBy ?? []), ...(meta.corruptedBy ?? [])]);
    for (const input of inputs) for (const f of this.byHandle.get(input)?.taint ?? []) taint.add(f);
    const entry: LedgerEntry = {
      handle,
      id: rec.id,
      copy,
      kind: rec.kind,
      agent: rec.agent,
      intent: rec.intent ?? null,
      simTime: meta.simTime,
      parents: [...(rec.parents ?? [])],
      inputs,
      injectedBy: [...(meta.injectedBy ?? [])],
      corruptedBy: [...(meta.corruptedBy ?? [])],
      taint: [...taint].sort(),
      ...(meta.state ? { state: meta.state } : {}),
    };
    this.entries.push(entry);
    this.byHandle.set(handle, entry);
    return entry;
  }

  get(handle: Handle): LedgerEntry | undefined {
    return this.byHandle.get(handle);
  }

  get size(): number {
    return this.entries.length;
  }

  all(): readonly LedgerEntry[] {
    return this.entries;
  }

  /** Is this emission tainted by any fault? */
  tainted(handle: Handle): boolean {
    return (this.byHandle.get(handle)?.taint.length ?? 0) > 0;
  }

  truthRecords(): TruthRecord[] {
    return this.entries.map((e) => ({
      id: e.id,
      copy: e.copy,
      kind: e.kind,
      agent: e.agent,
      intent: e.intent,
      simTime: e.simTime,
      parents: e.parents,
      status: e.injectedBy.length > 0 ? "injected" : e.corruptedBy.length > 0 ? "corrupted" : e.taint.length > 0 ? "downstream" : "clean",
      faults: e.taint,
    }));
  }

  /** What fault `faultId` made, changed and spread to. */
  faultEffects(faultId: string): { injected: RecordRef[]; corrupted: RecordRef[]; origins: LedgerEntry[]; downstream: Downstream } {
    const injected: RecordRef[] = [];
    const corrupted: RecordRef[] = [];
    const origins: LedgerEntry[] = [];
    const downstream: Downstream = { messages: [], stateVersions: [], actions: [], approvals: [], reads: [] };
    for (const e of this.entries) {
      if (!e.taint.includes(faultId)) continue;
      const ref: RecordRef = { id: e.id, copy: e.copy };
      const made = e.injectedBy.includes(faultId);
      const changed = e.corruptedBy.includes(faultId);
      if (made) injected.push(ref);
      if (changed) corrupted.push(ref);
      if (made || changed) {
        const inherited = e.inputs.some((h) => this.byHandle.get(h)?.taint.includes(faultId) === true);
        if (!inherited) origins.push(e);
        continue;
      }
      switch (e.kind) {
        case "message":
          downstream.messages.push(ref);
          break;
        case "action":
          downstream.actions.push(ref);
          break;
        case "approval":
          downstream.approvals.push(ref);
          break;
        case "state.read":
          downstream.reads.push(ref);
          break;
        case "state.write": {
          const version: StateVersionRef | null = e.state ? { key: e.state.key, version: e.state.version, record: e.id } : null;
          if (version) downstream.stateVersions.push(version);
          break;
        }
        case "request":
          break;
      }
    }
    return { injected, corrupted, origins, downstream };
  }
}

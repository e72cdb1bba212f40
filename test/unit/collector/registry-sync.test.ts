// The registry freshness check before each batch: requests arriving while a
// version read is in flight wait for the next read (the one in flight may
// have started before their change committed), and share it.
import { describe, expect, it } from "vitest";
import type pg from "pg";
import { RegistrySync } from "@/lib/collector/registry-sync.ts";
import type { RegistrySnapshot } from "@/lib/registry/types.ts";

function fakePool() {
  const reads: { resolve: (version: string) => void }[] = [];
  const pool = {
    query: () =>
      new Promise((resolve) => {
        reads.push({ resolve: (version: string) => resolve({ rows: [{ version }] }) });
      }),
  } as unknown as pg.Pool;
  return { pool, reads };
}

const empty = (tag: string): RegistrySnapshot => ({ agents: new Map([[tag, undefined as never]]), contracts: new Map(), allowUnattested: false });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("RegistrySync.fresh", () => {
  it("a caller arriving during a read waits for the next one; callers arriving together share it", async () => {
    const { pool, reads } = fakePool();
    let loads = 0;
    const sync = new RegistrySync(pool, async () => empty(`v${++loads}`), () => {}, () => {}, 1000, async () => ["default"]);
    const start = sync.refresh(true);
    reads[0]!.resolve("1");
    await start;
    expect(loads).toBe(1);

    const first = sync.fresh();
    expect(reads).toHaveLength(2);
    // Two more arrive while the first read is in flight: neither may trust it.
    let laterDone = 0;
    const later = [sync.fresh(), sync.fresh()].map((p) => p.then(() => laterDone++));
    reads[1]!.resolve("1");
    await first;
    await tick();
    expect(laterDone).toBe(0);
    expect(reads).toHaveLength(3);
    // The registry changed meanwhile: the shared second read sees it and reloads once.
    reads[2]!.resolve("2");
    await Promise.all(later);
    expect(laterDone).toBe(2);
    expect(loads).toBe(2);
    expect([...sync.current("default").agents.keys()]).toEqual(["v2"]);
  });

  it("a failed read keeps the last snapshot and lets the batch go on", async () => {
    const lines: string[] = [];
    const pool = { query: () => Promise.reject(new Error("connection refused")) } as unknown as pg.Pool;
    const sync = new RegistrySync(pool, async () => empty("x"), () => {}, (l) => lines.push(l), 1000, async () => ["default"]);
    await sync.fresh();
    expect(lines.join("\n")).toContain("connection refused");
  });
});

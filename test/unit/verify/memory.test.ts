import { describe, expect, it } from "vitest";
import { checkMemory, keyIsGranted } from "@/lib/verify/memory.ts";
import { makeRecord } from "@/test/fixtures/records.ts";
import { makeAgent } from "@/test/fixtures/registry.ts";

const agent = makeAgent({ id: "planner", memory: { read: ["orders/*", "config/limits", "*-public"], write: ["drafts/*"] } });
const read = (key: string | undefined) => checkMemory(makeRecord({ kind: "state.read", intent: key }), agent);
const write = (key: string | undefined) => checkMemory(makeRecord({ kind: "state.write", intent: key }), agent);

describe("keyIsGranted", () => {
  it("matches exact keys and * prefixes, and the agent's own partition", () => {
    expect(keyIsGranted("config/limits", ["config/limits"], "a")).toBe(true);
    expect(keyIsGranted("config/limits2", ["config/limits"], "a")).toBe(false);
    expect(keyIsGranted("orders/1", ["orders/*"], "a")).toBe(true);
    expect(keyIsGranted("orders", ["orders/*"], "a")).toBe(false);
    expect(keyIsGranted("anything", ["*"], "a")).toBe(true);
    expect(keyIsGranted("a/notes", [], "a")).toBe(true);
    expect(keyIsGranted("ab/notes", [], "a")).toBe(false);
    expect(keyIsGranted("a", [], "a")).toBe(false);
  });
});

describe("checkMemory", () => {
  it("allows granted reads and writes and the agent's own partition", () => {
    expect(read("orders/42")).toEqual([]);
    expect(read("config/limits")).toEqual([]);
    expect(write("drafts/q1")).toEqual([]);
    expect(write("planner/scratch")).toEqual([]);
    expect(read("planner/scratch")).toEqual([]);
  });

  it("keeps read and write grants apart", () => {
    expect(write("orders/42")).toEqual([{ verdict: "memory_violation", detail: "agent planner may not write state key orders/42" }]);
    expect(read("drafts/q1")).toEqual([{ verdict: "memory_violation", detail: "agent planner may not read state key drafts/q1" }]);
  });

  it("does not let one agent into another's partition", () => {
    expect(read("pricer/secrets")[0]?.verdict).toBe("memory_violation");
  });

  it("refuses dot segments that could escape a partition or a prefix", () => {
    expect(write("planner/../pricer/secrets")).toEqual([{ verdict: "memory_violation", detail: 'state key "planner/../pricer/secrets" has a "." or ".." segment' }]);
    expect(read("orders/./x")[0]?.verdict).toBe("memory_violation");
    expect(read("orders/..")[0]?.verdict).toBe("memory_violation");
    expect(read("orders/..x")).toEqual([]);
  });

  it("flags a state record that names no key", () => {
    expect(read(undefined)).toEqual([{ verdict: "memory_violation", detail: "state.read names no state key (firebreak.intent)" }]);
    expect(write("")[0]?.verdict).toBe("memory_violation");
  });

  it("leaves other kinds alone", () => {
    expect(checkMemory(makeRecord({ kind: "message", intent: "pricer/secrets" }), agent)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { linkTotals, type GroupRow } from "@/lib/db/graph-query.ts";

const group = (sender: string, receivers: string[], messages: number, lastSeen: number, verified = 0, forged = 0): GroupRow => ({
  sender,
  receiver: receivers.length === 1 ? receivers[0]! : null,
  receivers: receivers.length === 1 ? null : receivers,
  messages,
  verified,
  forged,
  last_seen: lastSeen,
});

describe("linkTotals: (sender, receivers) groups spread into links", () => {
  it("adds a lone receiver's group and a group naming it among others, keeping the latest time", () => {
    const t = linkTotals([group("a", ["b"], 3, 1_000, 2, 1), group("a", ["b", "c"], 2, 5_000, 2, 0), group("c", ["a"], 1, 7)]);
    expect([...t.values()]).toEqual([
      { sender: "a", receiver: "b", messages: 5, verified: 4, forged: 1, lastSeen: 5_000 },
      { sender: "a", receiver: "c", messages: 2, verified: 2, forged: 0, lastSeen: 5_000 },
      { sender: "c", receiver: "a", messages: 1, verified: 0, forged: 0, lastSeen: 7 },
    ]);
  });

  it("counts a receiver named twice twice, as unnesting the array does, and a message to nobody on no link", () => {
    const t = linkTotals([group("a", ["b", "b"], 1, 10), group("a", [], 4, 20)]);
    expect([...t.values()]).toEqual([{ sender: "a", receiver: "b", messages: 2, verified: 0, forged: 0, lastSeen: 10 }]);
  });

  it("keeps ids that contain the key's separator characters apart", () => {
    const t = linkTotals([group("a b", ["c"], 1, 1), group("a", ["b c"], 1, 1)]);
    expect(t.size).toBe(2);
  });

  it("is empty for no groups", () => {
    expect(linkTotals([]).size).toBe(0);
  });
});

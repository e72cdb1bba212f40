import { describe, expect, it } from "vitest";
import { linkTotals, type LinkRow } from "@/lib/db/graph-query.ts";

const link = (sender: string, receiver: string, messages: number, lastSeen: number, verified = 0, forged = 0): LinkRow => ({
  sender,
  receiver,
  messages,
  verified,
  forged,
  last_seen: lastSeen,
});

// A receiver named twice counts twice on its link: the statement sums the tallies' `named`
// (test/integration/graph/graph-answer-exact.test.ts checks it against every record).
describe("linkTotals: the statement's link rows by edge key", () => {
  it("keeps each link's counts and latest time", () => {
    const t = linkTotals([link("a", "b", 5, 5_000, 4, 1), link("a", "c", 2, 5_000, 2), link("c", "a", 1, 7)]);
    expect([...t.values()]).toEqual([
      { sender: "a", receiver: "b", messages: 5, verified: 4, forged: 1, lastSeen: 5_000 },
      { sender: "a", receiver: "c", messages: 2, verified: 2, forged: 0, lastSeen: 5_000 },
      { sender: "c", receiver: "a", messages: 1, verified: 0, forged: 0, lastSeen: 7 },
    ]);
  });

  it("keeps ids that contain the key's separator characters apart", () => {
    const t = linkTotals([link("a b", "c", 1, 1), link("a", "b c", 1, 1)]);
    expect(t.size).toBe(2);
  });

  it("is empty for no links", () => {
    expect(linkTotals([]).size).toBe(0);
  });
});

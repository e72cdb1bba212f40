// What the demo says about kill switches: the hint printed when a feed is
// poisoned, and which agents a new policy killed or released.
import { describe, expect, it } from "vitest";
import { KillSwitchBody } from "@/lib/api/control-views.ts";
import { killChanges, killSwitchHint } from "@/lib/sim/demo.ts";

describe("demo kill switch hints", () => {
  it("prints a request the kill-switch route accepts, naming the token without printing it", () => {
    const lines = killSwitchHint("http://localhost:3000/", "demo.price-monitor");
    const text = lines.join("\n");
    expect(text).toContain("http://localhost:3000/control -> Kill -> agent demo.price-monitor");
    const curl = lines.find((l) => l.includes("curl"))!;
    expect(curl).toContain("curl -X POST http://localhost:3000/api/v1/kill-switches ");
    expect(curl).toContain('"authorization: Bearer $FIREBREAK_TOKEN"');
    const body = JSON.parse(/-d '([^']+)'/.exec(curl)![1]!) as unknown;
    expect(KillSwitchBody.parse(body)).toMatchObject({ scope: "agent", agent: "demo.price-monitor" });
  });

  it("tells kills and lifts of the fleet's own agents apart from the rest", () => {
    const fleet = new Set(["d.a", "d.b", "d.c"]);
    expect(killChanges(fleet, new Set(), ["d.a", "other.x"])).toEqual({ killed: ["d.a"], lifted: [] });
    expect(killChanges(fleet, new Set(["d.a"]), ["d.a", "d.b"])).toEqual({ killed: ["d.b"], lifted: [] });
    expect(killChanges(fleet, new Set(["d.a", "d.b"]), ["d.b"])).toEqual({ killed: [], lifted: ["d.a"] });
    expect(killChanges(fleet, new Set(), [])).toEqual({ killed: [], lifted: [] });
  });
});

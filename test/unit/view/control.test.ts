import { describe, expect, it } from "vitest";
import { controlBanner, killQuestion, targetLabel, timeLeft } from "@/lib/view/control.ts";

const none = { killAll: false, pendingKillAll: null, activeCount: 0, forcedCount: 0, quarantinedCount: 0 };

describe("controlBanner", () => {
  it("never says all is flowing while a state key is quarantined", () => {
    expect(controlBanner({ ...none, quarantinedCount: 2 })).toMatchObject({
      tone: "warn",
      icon: "warn",
      word: "STATE QUARANTINED",
      sentence: "2 state keys quarantined: guards refuse to read or write them until an on-call repairs the value and lifts the quarantine. Everything else flows.",
    });
    expect(controlBanner({ ...none, activeCount: 1, quarantinedCount: 1 }).sentence).toBe("1 kill switch and 0 forced breakers in force and 1 state key quarantined; everything else flows.");
  });

  it("has a word, an icon and a tone for every situation, worst first", () => {
    expect(controlBanner(none)).toMatchObject({ tone: "ok", icon: "ok", word: "ALL FLOWING" });
    expect(controlBanner({ ...none, activeCount: 1 })).toMatchObject({ tone: "bad", icon: "warn", word: "PARTLY STOPPED", sentence: "1 kill switch and 0 forced breakers in force; everything else flows." });
    const pending = controlBanner({ ...none, activeCount: 2, pendingKillAll: { requestedBy: "alice", expiresAt: null } });
    expect(pending).toMatchObject({ tone: "warn", icon: "hourglass", word: "CONFIRM NEEDED" });
    expect(pending.sentence).toMatch(/^alice asked to kill every agent\. A second, different on-call must confirm it.* 2 kill switches and 0 forced breakers in force\.$/);
    expect(controlBanner({ ...none, killAll: true, pendingKillAll: { requestedBy: "x", expiresAt: null } })).toMatchObject({ tone: "bad", icon: "stop", word: "ALL STOPPED" });
  });
});

describe("control words", () => {
  it("names targets and asks exactly what will stop", () => {
    expect(targetLabel("edge", "a->b")).toBe("a → b");
    expect(targetLabel("all", "")).toBe("every agent");
    expect(killQuestion("edge", "a->b")).toBe("Stop every message from a to b?");
    expect(killQuestion("label", "cluster=eu")).toMatch(/labelled cluster=eu/);
  });

  it("counts down a pending kill-all and says when it lapsed", () => {
    const now = new Date("2026-12-05T03:00:00Z");
    expect(timeLeft("2026-12-05T03:04:59.500Z", now)).toBe("5:00");
    expect(timeLeft("2026-12-05T03:00:09Z", now)).toBe("0:09");
    expect(timeLeft("2026-12-05T03:00:00Z", now)).toBe("lapsed");
    expect(timeLeft(null, now)).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { daysLabel, retentionInput } from "@/lib/view/retention-format.ts";
import { RetentionBody } from "@/lib/api/retention-views.ts";

describe("the retention field", () => {
  it("sends numbers as numbers, and anything else as typed so the server names the range", () => {
    expect(retentionInput("7")).toBe(7);
    expect(retentionInput(" 30 ")).toBe(30);
    expect(retentionInput("7.5")).toBe(7.5);
    expect(retentionInput("")).toBe("");
    expect(retentionInput("   ")).toBe("   ");
    expect(retentionInput("abc")).toBe("abc");
    expect(retentionInput("1e999")).toBe("1e999");
  });

  it("never sends what JSON turns into null (which would mean: back to the default)", () => {
    for (const text of ["", "NaN", "abc", "Infinity", "-Infinity", "1e999"]) {
      const sent = JSON.parse(JSON.stringify({ retentionDays: retentionInput(text) })) as { retentionDays: unknown };
      expect(sent.retentionDays, text).not.toBeNull();
      const parsed = RetentionBody.safeParse(sent);
      expect(parsed.success, text).toBe(false);
      expect(parsed.error?.issues[0]?.message, text).toMatch(/from 1 to 3650/);
    }
  });

  it("labels days", () => {
    expect([daysLabel(1), daysLabel(7), daysLabel(3650)]).toEqual(["1 day", "7 days", "3650 days"]);
  });
});

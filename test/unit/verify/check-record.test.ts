import { describe, expect, it } from "vitest";
import { checkRecord } from "@/lib/verify/check-record.ts";
import { FIXTURE_NOW, makeRecord, makeSignedRecord } from "@/test/fixtures/records.ts";
import { makeAgent, makeContract, makeSnapshot } from "@/test/fixtures/registry.ts";

const planner = makeAgent({
  id: "planner",
  capabilities: [{ intent: "quote.request", to: ["pricer"] }],
  protocols: { a2a: "0.3" },
});
const contracts = [makeContract("quote.request", { type: "object", required: ["sku"] })];
const snapshot = makeSnapshot([planner], { contracts });
const good = { agent: "planner", to: ["pricer"], payload: '{"sku":"A-1"}' };

describe("checkRecord", () => {
  it("verifies a good record", () => {
    expect(checkRecord(makeSignedRecord(good), snapshot, { now: FIXTURE_NOW })).toEqual([{ verdict: "verified" }]);
  });

  it("collects every finding at once", () => {
    const rec = makeSignedRecord({ ...good, to: ["mallory"], protocol: "a2a/0.2", payload: "{}" });
    const verdicts = checkRecord(rec, snapshot, { now: FIXTURE_NOW + 3_600_000 }).map((v) => v.verdict);
    expect(verdicts).toEqual(["stale", "schema_violation", "capability_violation", "downgrade"]);
  });

  it("skips grant checks for an unknown agent but still checks the contract", () => {
    const verdicts = checkRecord(makeRecord({ agent: "ghost", payload: "{}" }), snapshot, { now: FIXTURE_NOW }).map((v) => v.verdict);
    expect(verdicts).toEqual(["unknown_agent", "unsigned", "schema_violation"]);
  });

  it("applies the registry's attestation policy", () => {
    const unattested = { ...planner, attested: false };
    const lenient = checkRecord(makeSignedRecord(good), makeSnapshot([unattested], { contracts, allowUnattested: true }), { now: FIXTURE_NOW });
    expect(lenient.map((v) => v.verdict)).toEqual(["verified", "unattested_agent"]);
    const strict = checkRecord(makeSignedRecord(good), makeSnapshot([unattested], { contracts }), { now: FIXTURE_NOW });
    expect(strict.map((v) => v.verdict)).toEqual(["unattested_agent"]);
  });
});

// The checks the collector makes at the door (lib/verify/check-record.ts),
// made by a guard: on what it receives, before its agent acts, and on what
// it is about to sign, before it leaves. The same verdict functions, composed
// here so that the grant checks (capability, protocol, memory), which depend
// on the agent's registry entry and a few fields but never on the payload,
// run once per registry snapshot and record shape rather than per record.
// test/unit/guard/local-checks.test.ts holds checkReceived to checkRecord.
import type { ErrorObject, ValidateFunction } from "ajv";
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import { compileContractSchema } from "../registry/json-schema.ts";
import type { RegistryAgent, RegistrySnapshot } from "../registry/types.ts";
import { checkCapability } from "../verify/capability.ts";
import { combineVerdicts } from "../verify/combine.ts";
import { checkContract } from "../verify/contract.ts";
import { checkDowngrade } from "../verify/downgrade.ts";
import { checkIdentityAndSignature } from "../verify/identity.ts";
import { checkMemory } from "../verify/memory.ts";
import { checkSkew } from "../verify/skew.ts";

const MEMO_LIMIT = 1_000;

/** Grant verdicts by snapshot, agent and record shape. */
export class GrantMemo {
  private readonly bySnapshot = new WeakMap<RegistrySnapshot, Map<string, readonly VerdictDetail[]>>();
  // The last answer, checked field by field: an agent mostly sends one shape many times in a row.
  private last: { snapshot: RegistrySnapshot; agent: RegistryAgent; rec: WireRecord; found: readonly VerdictDetail[] } | null = null;

  grants(rec: WireRecord, agent: RegistryAgent, snapshot: RegistrySnapshot): readonly VerdictDetail[] {
    const last = this.last;
    if (last !== null && last.snapshot === snapshot && last.agent === agent && sameShape(last.rec, rec)) return last.found;
    const found = this.lookup(rec, agent, snapshot);
    this.last = { snapshot, agent, rec: { kind: rec.kind, id: "", agent: rec.agent, timestamp: "", intent: rec.intent, protocol: rec.protocol, to: rec.to && [...rec.to] }, found };
    return found;
  }

  private lookup(rec: WireRecord, agent: RegistryAgent, snapshot: RegistrySnapshot): readonly VerdictDetail[] {
    let memo = this.bySnapshot.get(snapshot);
    if (memo === undefined) {
      memo = new Map();
      this.bySnapshot.set(snapshot, memo);
    }
    const key = `${agent.id}\u0000${rec.kind}\u0000${rec.intent ?? "\u0001"}\u0000${rec.protocol ?? "\u0001"}\u0000${rec.to === undefined ? "" : rec.to.join("\u0001")}`;
    let found = memo.get(key);
    if (found === undefined) {
      found = [...checkCapability(rec, agent), ...checkDowngrade(rec, agent), ...checkMemory(rec, agent)];
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, found);
    }
    return found;
  }
}

function sameShape(a: WireRecord, b: WireRecord): boolean {
  if (a.kind !== b.kind || a.agent !== b.agent || a.intent !== b.intent || a.protocol !== b.protocol) return false;
  const x = a.to ?? [];
  const y = b.to ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** checkRecord(rec, snapshot, { now, skewMs }), with the grant checks memoized. */
export function checkReceived(rec: WireRecord, snapshot: RegistrySnapshot, now: number, skewMs: number, memo: GrantMemo): VerdictDetail[] {
  const out = checkIdentityAndSignature(rec, snapshot);
  for (const v of checkSkew(rec, now, skewMs)) out.push(v);
  for (const v of checkContract(rec, snapshot)) out.push(v);
  const agent = snapshot.agents.get(rec.agent);
  if (agent) for (const v of memo.grants(rec, agent, snapshot)) out.push(v);
  return combineVerdicts(out, { allowUnattested: snapshot.allowUnattested });
}

/**
 * What the collector would flag on a record its own agent is about to sign
 * (identity and skew aside). `parsed` is the payload as the collector will
 * parse it, when the caller has it: the text then need not be parsed again.
 */
export function checkOutgoing(rec: WireRecord, snapshot: RegistrySnapshot, memo: GrantMemo, parsed?: { value: unknown }): VerdictDetail[] {
  const out = parsed === undefined ? checkContract(rec, snapshot) : checkContractValue(rec, parsed.value, snapshot);
  const agent = snapshot.agents.get(rec.agent);
  // Not registered (yet): no grants to check; the collector will say unknown_agent.
  if (agent) for (const v of memo.grants(rec, agent, snapshot)) out.push(v);
  return out;
}

type Compiled = { validate: ValidateFunction } | { error: string };
const compiled = new WeakMap<object, Compiled>();

/**
 * checkContract (lib/verify/contract.ts) for a message whose payload is
 * already parsed: the same compiler, the same verdicts, the same details.
 * test/unit/guard/local-checks.test.ts holds the two together.
 */
export function checkContractValue(rec: WireRecord, value: unknown, snapshot: RegistrySnapshot): VerdictDetail[] {
  if (rec.kind !== "message") return [];
  if (rec.intent === undefined || rec.intent === "") return [{ verdict: "unknown_intent", detail: "message names no intent" }];
  const contract = snapshot.contracts.get(rec.intent);
  if (!contract) return [{ verdict: "unknown_intent", detail: `no contract is registered for intent ${rec.intent}` }];
  let c = compiled.get(contract.schema);
  if (c === undefined) {
    try {
      c = { validate: compileContractSchema(contract.schema) };
    } catch (err) {
      c = { error: (err as Error).message };
    }
    compiled.set(contract.schema, c);
  }
  if ("error" in c) return [{ verdict: "unknown_intent", detail: `the contract for intent ${rec.intent} has a schema that does not compile: ${c.error}` }];
  if (rec.payload === undefined) return [{ verdict: "schema_violation", detail: "(root): message has no payload" }];
  if (c.validate(value)) return [];
  const first = c.validate.errors?.[0];
  return [{ verdict: "schema_violation", detail: first ? describe(first) : "(root): payload does not match the contract" }];
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  const extra = error.keyword === "additionalProperties" ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : "";
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

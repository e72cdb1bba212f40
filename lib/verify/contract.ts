// A message's payload against the JSON Schema registered for its intent.
// Compiling a schema costs far more than validating with it, so validators are
// cached: first by the schema object, then by its text, because a registry
// refresh rebuilds equal schemas as new objects.
import type { ErrorObject, ValidateFunction } from "ajv";
import { compileContractSchema } from "../registry/json-schema.ts";
import { BoundedMap } from "../collections/bounded-map.ts";
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { Contract, RegistrySnapshot } from "../registry/types.ts";

type Compiled = { validate: ValidateFunction } | { error: string };

const byObject = new WeakMap<object, Compiled>();
const byText = new BoundedMap<string, Compiled>(1_000);

// One compiler for the registry (which refuses what does not compile) and
// the door (which applies it), so both read a contract the same way.
function compile(contract: Contract): Compiled {
  const hit = byObject.get(contract.schema);
  if (hit) return hit;
  const text = JSON.stringify(contract.schema);
  let compiled = byText.get(text);
  if (!compiled) {
    try {
      compiled = { validate: compileContractSchema(contract.schema) };
    } catch (err) {
      compiled = { error: (err as Error).message };
    }
    byText.set(text, compiled);
  }
  byObject.set(contract.schema, compiled);
  return compiled;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  const extra = error.keyword === "additionalProperties" ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : "";
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

export function checkContract(rec: WireRecord, snapshot: RegistrySnapshot): VerdictDetail[] {
  if (rec.kind !== "message") return [];
  if (rec.intent === undefined || rec.intent === "") return [{ verdict: "unknown_intent", detail: "message names no intent" }];
  const contract = snapshot.contracts.get(rec.intent);
  if (!contract) return [{ verdict: "unknown_intent", detail: `no contract is registered for intent ${rec.intent}` }];
  const compiled = compile(contract);
  if ("error" in compiled) {
    return [{ verdict: "unknown_intent", detail: `the contract for intent ${rec.intent} has a schema that does not compile: ${compiled.error}` }];
  }
  if (rec.payload === undefined) return [{ verdict: "schema_violation", detail: "(root): message has no payload" }];
  let payload: unknown;
  try {
    payload = JSON.parse(rec.payload);
  } catch {
    return [{ verdict: "schema_violation", detail: "(root): payload is not valid JSON" }];
  }
  if (compiled.validate(payload)) return [];
  const first = compiled.validate.errors?.[0];
  return [{ verdict: "schema_violation", detail: first ? describe(first) : "(root): payload does not match the contract" }];
}

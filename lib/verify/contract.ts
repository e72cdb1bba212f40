// A message's payload against the JSON Schema registered for its intent.
// Compiling a schema costs far more than validating with it, so validators are
// cached: first by the schema object, then by its text, because a registry
// refresh rebuilds equal schemas as new objects.
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import type { Contract, RegistrySnapshot } from "../registry/types.ts";

type Compiled = { validate: ValidateFunction } | { error: string };
type Draft = "draft-07" | "2019-09" | "2020-12";

const byObject = new WeakMap<object, Compiled>();
const byText = new Map<string, Compiled>();
const TEXT_CACHE_LIMIT = 1_000;
const compilers = new Map<Draft, Ajv>();

function draftOf(schema: object): Draft {
  const declared = (schema as { $schema?: unknown }).$schema;
  if (typeof declared === "string") {
    if (declared.includes("2020-12")) return "2020-12";
    if (declared.includes("2019-09")) return "2019-09";
  }
  return "draft-07";
}

function compilerFor(draft: Draft): Ajv {
  let ajv = compilers.get(draft);
  if (!ajv) {
    const options = { allErrors: false, strict: false };
    ajv = draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv(options);
    addFormats(ajv);
    compilers.set(draft, ajv);
  }
  return ajv;
}

function compile(contract: Contract): Compiled {
  const hit = byObject.get(contract.schema);
  if (hit) return hit;
  const text = JSON.stringify(contract.schema);
  let compiled = byText.get(text);
  if (!compiled) {
    const ajv = compilerFor(draftOf(contract.schema));
    const schema = JSON.parse(text) as AnySchema;
    try {
      compiled = { validate: ajv.compile(schema) };
    } catch (err) {
      compiled = { error: (err as Error).message };
    } finally {
      // Ajv keeps every compiled schema (and claims its $id); we keep the
      // validators ourselves, so let Ajv forget, or a changed contract with
      // the same $id could never be compiled again.
      ajv.removeSchema(schema);
    }
    if (byText.size >= TEXT_CACHE_LIMIT) {
      const oldest = byText.keys().next();
      if (!oldest.done) byText.delete(oldest.value);
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

// Message contracts are JSON Schema, compiled by Ajv. The registry uses this
// to refuse a contract that does not compile, so a contract it stores is one
// the contract verdict (lib/verify/contract.ts, same dialect rule) can apply.
// docs/adr/0004-registry-attestation-and-json-schema.md says why these choices.
import { Ajv, type Options, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export type SchemaDialect = "draft-07" | "2019-09" | "2020-12";

/** Without `$schema`, draft-07: Ajv's default, and what lib/verify/contract.ts assumes too. */
export const DEFAULT_DIALECT: SchemaDialect = "draft-07";

// A Map, not an object literal: `$schema: "constructor"` must not find Object's.
const DIALECT_URIS = new Map<string, SchemaDialect>([
  ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ["https://json-schema.org/draft/2020-12/schema#", "2020-12"],
  ["https://json-schema.org/draft/2019-09/schema", "2019-09"],
  ["https://json-schema.org/draft/2019-09/schema#", "2019-09"],
  ["http://json-schema.org/draft-07/schema", "draft-07"],
  ["http://json-schema.org/draft-07/schema#", "draft-07"],
]);

// Strict about keywords and formats: a misspelt `requried` or `fromat` would
// otherwise be ignored and the contract would quietly enforce nothing. Lax
// about type and tuple style, which are matters of taste, not of meaning.
const AJV_OPTIONS: Options = {
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
  logger: false,
};

export class ContractSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractSchemaError";
  }
}

/** The dialect a schema asks for with `$schema`; DEFAULT_DIALECT when it does not say. */
export function schemaDialect(schema: object): SchemaDialect | { error: string } {
  const declared = (schema as { $schema?: unknown }).$schema;
  if (declared === undefined) return DEFAULT_DIALECT;
  if (typeof declared !== "string") return { error: "$schema must be a string" };
  const dialect = DIALECT_URIS.get(declared);
  if (dialect === undefined) {
    return {
      error: `unsupported $schema ${JSON.stringify(declared)}: use "http://json-schema.org/draft-07/schema#" (the default when $schema is left out), "https://json-schema.org/draft/2019-09/schema" or "https://json-schema.org/draft/2020-12/schema"`,
    };
  }
  return dialect;
}

/**
 * `x-` keys are the usual way to annotate a schema (OpenAPI does it). Strict
 * mode would refuse them as unknown keywords, so each one found is declared
 * as an annotation that validates nothing. The walk is iterative: a schema is
 * user input and may be deep.
 */
function extensionKeywords(schema: object): Set<string> {
  const found = new Set<string>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith("x-")) found.add(key);
        stack.push(value);
      }
    }
  }
  return found;
}

/**
 * Compiles a contract schema into a validator. Each call gets its own Ajv
 * instance (under a millisecond to make): schemas never share `$id`s, so two
 * contracts that reuse an `$id` cannot collide and nothing accumulates.
 * Throws ContractSchemaError with Ajv's message.
 */
export function compileContractSchema(schema: object): ValidateFunction {
  const dialect = schemaDialect(schema);
  if (typeof dialect !== "string") throw new ContractSchemaError(dialect.error);
  const ajv = dialect === "2020-12" ? new Ajv2020(AJV_OPTIONS) : dialect === "2019-09" ? new Ajv2019(AJV_OPTIONS) : new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  try {
    for (const keyword of extensionKeywords(schema)) ajv.addKeyword(keyword);
    return ajv.compile(schema);
  } catch (err) {
    // Ajv compiles recursively; a schema nested thousands deep runs out of stack.
    if (err instanceof RangeError) throw new ContractSchemaError("the schema is nested too deeply to compile");
    throw new ContractSchemaError(err instanceof Error ? err.message : String(err));
  }
}

/** Why a schema does not compile, or null when it does. */
export function contractSchemaError(schema: object): string | null {
  try {
    compileContractSchema(schema);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

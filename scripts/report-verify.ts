// `npm run report:verify <bundle.json> [-- --public-key <key or file>]`:
// checks an exported incident bundle with no server and no database: the
// DSSE signature, the in-toto subject digest, every record's signature
// against the bundled registry keys, and the audit entries' hash chain.
// Prints each check; exit 0 when all pass, 1 naming the first failure, 2
// when it cannot read its input.
import { readFileSync } from "node:fs";
import { publicKeyArgument } from "../lib/config/instance-public-key.ts";
import { verifyIncidentBundle } from "../lib/reports/verify-bundle.ts";

function main(): number {
  const args = process.argv.slice(2);
  const k = args.findIndex((a) => a === "--public-key" || a.startsWith("--public-key="));
  const keyValue = k < 0 ? undefined : args[k]!.includes("=") ? args[k]!.slice("--public-key=".length) : args[k + 1];
  const file = args.find((a, i) => !a.startsWith("--") && (k < 0 || i !== k + 1));
  if (!file) throw new Error("usage: npm run report:verify <bundle.json> [-- --public-key <base64url key or file>]");
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  let publicKey: string;
  if (keyValue !== undefined) publicKey = publicKeyArgument(keyValue).publicKey;
  else {
    // Without a key given, the bundle's own: it proves integrity, not who signed; say so.
    const named = (raw as { payload?: unknown }).payload;
    const statement = typeof named === "string" ? (JSON.parse(Buffer.from(named, "base64").toString("utf8")) as { predicate?: { instance?: { publicKey?: unknown } } }) : {};
    const embedded = statement.predicate?.instance?.publicKey;
    if (typeof embedded !== "string") throw new Error("the bundle names no instance key: pass --public-key");
    publicKey = publicKeyArgument(embedded).publicKey;
    console.log("note: no --public-key given, using the key the bundle names; compare it with the instance key you obtained out of band");
  }
  const result = verifyIncidentBundle(raw, publicKey);
  for (const c of result.checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.what}: ${c.message}`);
  if (result.firstFailure) {
    console.log(`\nbundle NOT verified: ${result.firstFailure.what}: ${result.firstFailure.message}`);
    return 1;
  }
  const records = result.checks.filter((c) => c.what.startsWith("record ")).length;
  console.log(`\nbundle verified: incident ${result.incidentId}, ${records} records, ${result.checks.length} checks passed`);
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  console.error(`report:verify could not check the bundle: ${(err as Error).message}`);
  process.exit(2);
}

// `npm run audit:verify [-- --public-key <key or file>]`: checks the whole
// audit trail in the database (DATABASE_URL, or the embedded server of the
// data folder): the hash chain from the first entry, and every checkpoint's
// signature and agreement with the chain. Exit 0 when intact, 1 naming the
// first altered, removed or reordered entry, 2 when it cannot check at all.
import pg from "pg";
import { resolveDataDir } from "../lib/config/data-dir.ts";
import { localInstancePublicKey, publicKeyArgument } from "../lib/config/instance-public-key.ts";
import { embeddedUrl } from "../lib/db/embedded-url.ts";
import { describeVerification, verifyAuditLogSnapshot } from "../lib/audit/verify-log.ts";

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<number> {
  const dataDir = resolveDataDir(process.env.FIREBREAK_DATA_DIR);
  const keyArg = option("--public-key");
  const key = keyArg !== undefined ? publicKeyArgument(keyArg) : localInstancePublicKey(dataDir);
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? embeddedUrl(dataDir) });
  await client.connect();
  try {
    const result = await verifyAuditLogSnapshot(client, key);
    console.log(`instance key ${key.keyId}, public key ${key.publicKey} (from ${key.source})`);
    console.log(describeVerification(result));
    return result.intact ? 0 : 1;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit:verify could not check the log: ${(err as Error).message}`);
    process.exit(2);
  },
);

// Lets a Prisma interactive transaction append to the audit trail, so a
// registry change and its audit entry commit together.
import type { Prisma } from "./generated/client.ts";
import type { AuditDb } from "./audit-store.ts";

export function prismaAuditDb(tx: Prisma.TransactionClient): AuditDb {
  return {
    async query<R extends object>(text: string, values: unknown[] = []) {
      return { rows: await tx.$queryRawUnsafe<R[]>(text, ...values) };
    },
  };
}

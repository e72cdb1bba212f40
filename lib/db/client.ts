import "server-only";
import { createPrisma, type PrismaClient } from "./prisma.ts";
import { databaseUrl } from "./url.ts";

// One client per process. Next.js dev reloads modules, so the instance is
// parked on globalThis to avoid leaking a pool per reload.
const globalForPrisma = globalThis as unknown as { firebreakPrisma?: PrismaClient };

export function db(): PrismaClient {
  globalForPrisma.firebreakPrisma ??= createPrisma(databaseUrl(), { max: 10 });
  return globalForPrisma.firebreakPrisma;
}

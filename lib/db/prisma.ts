// Builds a Prisma client for a database URL. Kept apart from client.ts, which
// is `server-only` for Next: the collector, scripts and tests run outside
// Next and make their own clients with this.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export { PrismaClient };

export interface PrismaOptions {
  /** Connections in the pool. */
  max?: number;
}

export function createPrisma(url: string, options: PrismaOptions = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: options.max ?? 10 }) });
}

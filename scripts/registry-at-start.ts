import { createPrisma } from "../lib/db/prisma.ts";
import { applyRegistryFile } from "../lib/registry/service.ts";
import { DEFAULT_PROJECT } from "../lib/accounts/project.ts";

/** FIREBREAK_REGISTRY_FILE: agents and contracts to load before serving, into the default project. */
export async function loadRegistryFileAtStart(databaseUrl: string, file: string | undefined, log: (line: string) => void): Promise<void> {
  if (!file) return;
  const prisma = createPrisma(databaseUrl);
  try {
    const n = await applyRegistryFile(prisma, DEFAULT_PROJECT, file);
    log(`registry: loaded ${n.agents} agent(s) and ${n.contracts} contract(s) from ${file}`);
  } finally {
    await prisma.$disconnect();
  }
}

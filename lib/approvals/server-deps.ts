import "server-only";
import { approvalsConfig } from "../config/approvals-config.ts";
import { instanceKey } from "../config/instance-key.ts";
import { registryConfigFromEnv } from "../config/registry-config.ts";
import { db } from "../db/client.ts";
import { pool } from "../db/pool.ts";
import { loadRegistrySnapshot } from "../registry/service.ts";
import type { ApprovalDeps, DecisionDeps } from "./approval-service.ts";

// What the approval routes run with in the Next server: the shared pool and
// Prisma client, the queue settings and the instance key from the environment.

export function approvalDeps(project: string): ApprovalDeps {
  return { pool: pool(), project, config: approvalsConfig() };
}

export function decisionDeps(project: string): DecisionDeps {
  const prisma = db();
  return { ...approvalDeps(project), prisma, key: instanceKey(), loadSnapshot: () => loadRegistrySnapshot(prisma, project, registryConfigFromEnv()) };
}

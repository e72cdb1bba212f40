import { defineConfig } from "prisma/config";

// Migrations are applied by lib/db/migrate.ts (no engine binary needed);
// this config serves `prisma generate` and editors.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});

// `npm run chaos:loops`: measurements over many chaos seeds (test/seeds), on
// the test harness's embedded PostgreSQL; not part of `npm test`.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default defineConfig({ ...base, test: { ...base.test, include: ["test/seeds/**/*.seeds.ts"], testTimeout: 3_600_000 } });

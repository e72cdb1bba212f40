// What every e2e check uses: the check runner, waits that say what they
// expected, screenshots, and API calls with the run's token. Suites in
// test/e2e/suites/ receive an E2eContext and register their checks with it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import type { BrowserContext, Locator, Page } from "playwright-core";
import type { dashboardScenario } from "../fixtures/dashboard-scenario.ts";
import { ROOT, type Child } from "./harness.ts";
import type { TestProvider } from "../helpers/oidc-provider.ts";

export const TOKEN = `fbk_e2e_${Date.now().toString(36)}_0123456789abcdef`;
export const SCREENSHOTS = path.join(ROOT, "test-output", "screenshots");
export const WAIT_MS = 15_000;

export const results: { name: string; ok: boolean; error?: string }[] = [];

export async function check(name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.push({ name, ok: false, error: message });
    console.log(`  FAIL ${name}\n       ${message.split("\n").join("\n       ")}`);
  }
}

/** Waits until the locator is visible; the description says what was expected when it is not. */
export async function see(locator: Locator, what: string): Promise<void> {
  try {
    await locator.first().waitFor({ state: "visible", timeout: WAIT_MS });
  } catch {
    throw new Error(`expected to see ${what}`);
  }
}

export async function gone(locator: Locator, what: string): Promise<void> {
  try {
    await locator.first().waitFor({ state: "detached", timeout: WAIT_MS });
  } catch {
    throw new Error(`expected ${what} to be absent`);
  }
}

export const row = (page: Page, attr: "data-agent" | "data-edge" | "data-record", key: string): Locator => page.locator(`tr[${attr}="${key}"]`);

export async function shot(page: Page, name: string): Promise<void> {
  // Let the live queries settle so a screenshot never catches a spinner.
  await page.waitForLoadState("networkidle").catch(() => {});
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function apiFetch(baseUrl: string, pathname: string, init: RequestInit & { bearer?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("authorization", `Bearer ${TOKEN}`);
  return fetch(`${baseUrl}${pathname}`, { ...init, headers });
}

/** What a suite gets: a signed-in page on the seeded dashboard, and the database behind it. */
export interface E2eContext {
  base: string;
  page: Page;
  context: BrowserContext;
  /** A client on the dashboard's database (seed what a suite needs). */
  db: pg.Client;
  databaseUrl: string;
  scenario: ReturnType<typeof dashboardScenario>;
  /** Child processes a suite starts are stopped with the rest. */
  children: Child[];
  /** The OpenID Connect provider the dashboard's single sign-on is configured with. */
  idp: TestProvider;
}

/** A suite module's default export. */
export type Suite = (ctx: E2eContext) => Promise<void>;

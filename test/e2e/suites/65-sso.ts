// Single sign-on in the browser: the sign-in page offers the identity
// provider; a person in a mapped group goes there and comes back signed in
// with that group's role (the session cookie is SameSite=Strict, and the
// browser must send it after a sign-on that began on another site); a
// person in no mapped group is sent back to the sign-in page, which says why.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, E2E_INSTANCE_SEED } from "../harness.ts";
import { TOKEN, WAIT_MS, check, see, shot, type E2eContext } from "../kit.ts";

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

export default async function sso({ context, base, idp }: E2eContext): Promise<void> {
  const browser = context.browser();
  if (!browser) throw new Error("the e2e context has no browser");
  const fresh = () => browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, timezoneId: "UTC", locale: "en-US", colorScheme: "light" });

  const signedOut = await fresh();
  const page = await signedOut.newPage();
  try {
    await check("the sign-in page offers single sign-on beside the password form", async () => {
      await page.goto("/login");
      await see(page.getByRole("link", { name: "Sign in with Test IdP" }), "the single sign-on button");
      await see(page.getByText("or with a Firebreak account"), "the divider before the password form");
      await shot(page, "login-sso");
    });

    await check("no secret reaches the browser: not in the page, the scripts it loads, or any built static file", async () => {
      const secrets = { "OIDC client secret": idp.clientSecret, "admin token": TOKEN, "instance key": E2E_INSTANCE_SEED };
      const served: string[] = [await (await page.request.get("/login")).text()];
      const scripts = await page.locator("script[src]").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src));
      for (const src of scripts) served.push(await (await page.request.get(src)).text());
      for (const file of filesUnder(path.join(ROOT, ".next", "static"))) served.push(readFileSync(file, "utf8"));
      assert.ok(scripts.length > 0, "the sign-in page loads scripts");
      for (const [what, value] of Object.entries(secrets)) {
        assert.ok(!served.some((text) => text.includes(value)), `the ${what} is in something the browser can load`);
      }
    });

    await check("a person in a mapped group signs on and lands signed in with that group's role", async () => {
      idp.user = { sub: "e2e-olga", email: "olga@corp.example", groups: ["e2e-oncall"] };
      await page.goto("/login?next=%2Fincidents");
      await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
      await page.waitForURL((u) => u.pathname === "/incidents", { timeout: WAIT_MS });
      await see(page.getByTestId("signed-in-as").filter({ hasText: "olga@corp.example" }), "the provider's user in the sidebar");
      await see(page.getByTestId("signed-in-as").filter({ hasText: "Role: oncall" }), "the mapped role");
    });
  } finally {
    await signedOut.close();
  }

  const stranger = await fresh();
  const page2 = await stranger.newPage();
  try {
    await check("a person in no mapped group is refused, and the sign-in page says what to do", async () => {
      idp.user = { sub: "e2e-pat", email: "pat@corp.example", groups: ["contractors"] };
      await page2.goto("/login");
      await page2.getByRole("link", { name: "Sign in with Test IdP" }).click();
      await page2.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("sso_error") === "no_role", { timeout: WAIT_MS });
      await see(page2.getByRole("alert").filter({ hasText: "none of the groups Firebreak gives a role to" }), "the refusal, in words");
      await shot(page2, "login-sso-refused");
    });
  } finally {
    await stranger.close();
  }
}

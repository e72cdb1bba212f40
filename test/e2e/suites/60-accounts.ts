// Accounts: an admin creates a viewer and an ingest key on /admin (the key
// shown once with a copy button); the viewer signs in with a name and
// password, sees no admin or operate controls, and a change sent straight
// to the API is refused; disabling the viewer ends their session at once.
import assert from "node:assert/strict";
import { WAIT_MS, check, gone, see, shot, type E2eContext } from "../kit.ts";

const VIEWER = { name: "vera", password: "e2e viewer passphrase" };

export default async function accounts({ page, context, base }: E2eContext): Promise<void> {
  await check("the admin screen is in the sidebar for an admin, and lists users and tokens", async () => {
    // Whatever size an earlier suite left the window at, these screens are shot on a desktop.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Admin/ }).click();
    await page.waitForURL((u) => u.pathname === "/admin", { timeout: WAIT_MS });
    await see(page.getByRole("heading", { name: "Users and API tokens" }), "the admin heading");
    await see(page.getByTestId("signed-in-as").filter({ hasText: "Role: admin" }), "the signed-in role in the sidebar");
    await see(page.getByText("No API tokens yet."), "the empty tokens state");
  });

  await check("an admin creates a viewer", async () => {
    await page.getByLabel("New user name").fill(VIEWER.name);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByLabel("First password").fill(VIEWER.password);
    await page.getByRole("button", { name: "Create user" }).click();
    const row = page.locator(`tr[data-user="${VIEWER.name}"]`);
    await see(row.getByText("Active"), "the new viewer, active");
    assert.equal(await row.getByLabel(`Role of ${VIEWER.name}`).inputValue(), "viewer");
  });

  await check("an ingest key is shown once, with a copy button, then listed by its first characters", async () => {
    await page.getByLabel("Token name").fill("prod exporters");
    await page.getByLabel("Scope").selectOption("ingest");
    await page.getByLabel("Environment").fill("prod");
    await page.getByRole("button", { name: "Create token" }).click();
    await see(page.getByTestId("new-token").getByText("Copy it now"), "the copy-it-now notice");
    const secret = (await page.getByTestId("new-token-value").textContent()) ?? "";
    assert.match(secret, /^fbt_[A-Za-z0-9_-]{43}$/);
    await see(page.getByTestId("new-token").getByRole("button", { name: "Copy" }), "the copy button");
    await see(page.locator('tr[data-token="prod exporters"]').getByText(`${secret.slice(0, 12)}…`), "the token listed by its prefix");
    await shot(page, "admin-light");
    await page.getByTestId("new-token").getByRole("button", { name: "Done" }).click();
    await gone(page.getByTestId("new-token"), "the secret, once dismissed");
    assert.equal(await page.getByText(secret).count(), 0, "the secret is not shown again");
  });

  const browser = context.browser();
  assert.ok(browser, "the e2e context has a browser");
  const viewerContext = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, timezoneId: "UTC", locale: "en-US", colorScheme: "light" });
  const vp = await viewerContext.newPage();
  try {
    await check("the login page takes a user name and password", async () => {
      await vp.goto("/login");
      await see(vp.getByLabel("User name"), "the user name field");
      await see(vp.getByRole("button", { name: "Use the admin token instead" }), "the way to use the admin token");
      await shot(vp, "login-password-light");
      await vp.getByLabel("User name").fill(VIEWER.name);
      await vp.getByLabel("Password").fill("not the password at all");
      await vp.getByRole("button", { name: "Sign in", exact: true }).click();
      await see(vp.getByRole("alert").filter({ hasText: "wrong user name or password" }), "the wrong-password message");
    });

    await check("the viewer signs in and sees their role, no Admin screen and no admin controls", async () => {
      await vp.getByLabel("Password").fill(VIEWER.password);
      await vp.getByRole("button", { name: "Sign in", exact: true }).click();
      await vp.waitForURL((u) => u.pathname === "/", { timeout: WAIT_MS });
      await see(vp.getByTestId("signed-in-as").filter({ hasText: VIEWER.name }).filter({ hasText: "Role: viewer" }), "the viewer's name and role");
      assert.equal(await vp.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Admin/ }).count(), 0, "no Admin link for a viewer");
      await vp.goto("/admin");
      await see(vp.getByRole("heading", { name: "Admins only" }), "the admins-only explanation");
      assert.equal(await vp.getByRole("button", { name: /Create user|Create token|Disable|Revoke/ }).count(), 0, "no admin controls");
      await shot(vp, "admin-as-viewer-light");
    });

    await check("the viewer sees no operate controls on the graph", async () => {
      await vp.goto("/graph");
      await vp.waitForLoadState("networkidle").catch(() => {});
      assert.equal(await vp.getByRole("button", { name: /operate|kill|force open|force close|open breaker|close breaker|override/i }).count(), 0);
    });

    await check("a change the viewer sends straight to the API is refused with 403, naming the role needed", async () => {
      const answer = await vp.evaluate(async () => {
        const csrf = /(?:^|;\s*)fb_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
        const res = await fetch("/api/v1/breakers/operate", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: JSON.stringify({ sender: "planner", receiver: "executor", action: "open", reason: "a viewer trying" }),
        });
        return { status: res.status, body: (await res.json()) as { error?: { message?: string } } };
      });
      assert.equal(answer.status, 403);
      assert.match(answer.body.error?.message ?? "", /needs the oncall role; you are signed in as vera \(viewer\)/);
    });

    await check("disabling the viewer ends their session at once", async () => {
      const row = page.locator(`tr[data-user="${VIEWER.name}"]`);
      await page.goto("/admin");
      await row.getByRole("button", { name: "Disable" }).click();
      await see(row.getByText("Disabled"), "the viewer marked disabled");
      // The viewer's page may notice first (its session query gets 401) and go to /login itself, aborting this navigation.
      await vp.goto("/records").catch((err: unknown) => {
        // Chromium reports that as an aborted load, or as this navigation interrupted by the page's own.
        if (!/ERR_ABORTED|interrupted by another navigation/.test(String(err))) throw err;
      });
      await vp.waitForURL((u) => u.pathname === "/login", { timeout: WAIT_MS });
      assert.equal(new URL(vp.url()).searchParams.get("expired"), "1");
    });
  } finally {
    await viewerContext.close();
  }
}

// Projects on the admin screen: an admin creates one, sees its retention
// period (the instance default), is told the allowed range when a value is
// out of it, sets the project's own period, and the change is in the audit
// trail.
import assert from "node:assert/strict";
import { check, see, shot, type E2eContext } from "../kit.ts";

export default async function projects({ page, db }: E2eContext): Promise<void> {
  const row = page.locator('tr[data-project="staging"]');

  await check("an admin creates a project; its retention is the instance default", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/admin");
    await page.getByLabel("Project id").fill("staging");
    await page.getByLabel("Project name").fill("Staging");
    await page.getByRole("button", { name: "Create project" }).click();
    await see(row.getByTestId("retention-staging").filter({ hasText: "30 days" }).filter({ hasText: "Instance default" }), "the new project at the default period");
    await see(page.locator('tr[data-project="default"]').getByText("Instance default"), "the default project's period");
  });

  await check("a period out of range is refused with the allowed range", async () => {
    await row.getByRole("button", { name: "Change retention" }).click();
    const days = page.getByLabel("Days staging keeps its records");
    await days.fill("0");
    await page.getByRole("button", { name: "Save retention" }).click();
    await see(page.getByRole("alert").filter({ hasText: "retention is a whole number of days from 1 to 3650" }), "the range in the error");
    await shot(page, "admin-projects-retention-error-light");
  });

  await check("the admin sets the project's own period; the row shows it and the audit trail has it", async () => {
    await page.getByLabel("Days staging keeps its records").fill("7");
    await page.getByRole("button", { name: "Save retention" }).click();
    await see(row.getByTestId("retention-staging").filter({ hasText: "7 days" }).filter({ hasText: "Own period" }), "the project's own period");
    assert.equal(await page.getByRole("button", { name: "Save retention" }).count(), 0, "the editor closes once saved");
    const audit = await db.query<{ actor: string; detail: { from: number | null; to: number | null } }>(
      `SELECT actor, detail FROM audit_entries WHERE action = 'project.retention' AND target = 'project:staging' ORDER BY seq`,
    );
    assert.equal(audit.rows.length, 1, "one audit entry: the refused value changed nothing");
    assert.deepEqual({ from: audit.rows[0]!.detail.from, to: audit.rows[0]!.detail.to }, { from: null, to: 7 });
    const stored = await db.query<{ retention_days: number }>(`SELECT retention_days FROM project_retention WHERE project_id = 'staging'`);
    assert.equal(stored.rows[0]?.retention_days, 7);
    await page.locator("#projects").scrollIntoViewIfNeeded();
    await shot(page, "admin-projects-light");
  });
}

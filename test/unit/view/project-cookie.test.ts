import { describe, expect, it } from "vitest";
import { projectCookie, projectFromCookies } from "@/lib/view/project-cookie.ts";
import { requestedProject } from "@/lib/accounts/project.ts";

describe("the dashboard's project cookie", () => {
  it("reads the project among other cookies, and falls back to default", () => {
    expect(projectFromCookies("fb_session=abc; fb_project=staging; theme=dark")).toBe("staging");
    expect(projectFromCookies("fb_session=abc")).toBe("default");
    expect(projectFromCookies("")).toBe("default");
  });

  it("refuses a value that is not a project id rather than passing it on", () => {
    expect(projectFromCookies("fb_project=Not%20A%20Slug")).toBe("default");
    expect(requestedProject("../etc")).toBeNull();
    expect(requestedProject("prod-eu-1")).toBe("prod-eu-1");
  });

  it("writes a cookie the API reads back, Secure over https", () => {
    const text = projectCookie("prod", true);
    expect(text).toMatch(/^fb_project=prod; Path=\/; Max-Age=31536000; SameSite=Lax; Secure$/);
    expect(projectFromCookies(text.split(";")[0]!)).toBe("prod");
    expect(projectCookie("prod", false)).not.toMatch(/Secure/);
  });
});

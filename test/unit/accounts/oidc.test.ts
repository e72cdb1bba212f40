import { describe, expect, it } from "vitest";
import { identityFromClaims, oidcSettings, parseRoleMap } from "@/lib/accounts/oidc.ts";
import { ssoErrorMessage, SSO_ERRORS } from "@/lib/view/sso-errors.ts";

const BASE_ENV = {
  FIREBREAK_OIDC_ISSUER: "https://id.corp.example",
  FIREBREAK_OIDC_CLIENT_ID: "firebreak",
  FIREBREAK_OIDC_CLIENT_SECRET: "s3cret",
  FIREBREAK_PUBLIC_URL: "https://firebreak.corp.example/",
  FIREBREAK_OIDC_ROLES: "admin=sec-admins, oncall=sre ,viewer=staff",
};

function settingsOf(env: Record<string, string>) {
  const r = oidcSettings(env);
  if (!("settings" in r)) throw new Error(`expected settings, got ${JSON.stringify(r)}`);
  return r.settings;
}

describe("single sign-on settings", () => {
  it("is off without an issuer", () => {
    expect(oidcSettings({})).toEqual({ off: true });
  });

  it("derives the redirect URI from the public URL and reads the role map", () => {
    const s = settingsOf(BASE_ENV);
    expect(s.redirectUri).toBe("https://firebreak.corp.example/api/v1/session/oidc/callback");
    expect([...s.roleMap]).toEqual([
      ["sec-admins", "admin"],
      ["sre", "oncall"],
      ["staff", "viewer"],
    ]);
    expect(s).toMatchObject({ label: "single sign-on", roleClaim: "groups", defaultRole: null, allowHttp: false });
  });

  it.each([
    [{ FIREBREAK_OIDC_ISSUER: "http://id.corp.example" }, "https://"],
    [{ FIREBREAK_OIDC_ISSUER: "not a url" }, "not a URL"],
    [{ FIREBREAK_OIDC_CLIENT_ID: "" }, "FIREBREAK_OIDC_CLIENT_ID"],
    [{ FIREBREAK_OIDC_CLIENT_SECRET: " " }, "FIREBREAK_OIDC_CLIENT_SECRET"],
    [{ FIREBREAK_PUBLIC_URL: "" }, "FIREBREAK_PUBLIC_URL"],
    [{ FIREBREAK_OIDC_ROLES: "superuser=x" }, '"superuser=x" is not role=group'],
    [{ FIREBREAK_OIDC_ROLES: "" }, "nobody could sign in"],
    [{ FIREBREAK_OIDC_DEFAULT_ROLE: "root" }, 'FIREBREAK_OIDC_DEFAULT_ROLE "root" is not a role'],
  ])("refuses %j, naming what to fix", (override, words) => {
    const r = oidcSettings({ ...BASE_ENV, ...override });
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toContain(words);
  });

  it("accepts plain HTTP only when told to (a provider on localhost)", () => {
    expect(settingsOf({ ...BASE_ENV, FIREBREAK_OIDC_ISSUER: "http://127.0.0.1:9999", FIREBREAK_OIDC_ALLOW_HTTP: "true" }).allowHttp).toBe(true);
  });

  it("keeps the highest role for a group named twice", () => {
    expect(parseRoleMap("viewer=ops,oncall=ops,analyst=ops")).toEqual({ map: new Map([["ops", "oncall"]]) });
  });
});

describe("who an ID token names", () => {
  const s = settingsOf(BASE_ENV);

  it("takes a verified email as the name and the highest mapped group as the role", () => {
    expect(identityFromClaims({ sub: "u1", email: "Ana@Corp.example", email_verified: true, groups: ["staff", "sre", "other"] }, s)).toEqual({
      name: "ana@corp.example",
      role: "oncall",
      groups: ["staff", "sre", "other"],
    });
  });

  it("never names someone by an unverified email", () => {
    expect(identityFromClaims({ sub: "u2", email: "boss@corp.example", email_verified: false, preferred_username: "mallory", groups: ["staff"] }, s)).toMatchObject({ name: "mallory" });
    expect(identityFromClaims({ sub: "U3", groups: "staff sre" }, s)).toMatchObject({ name: "u3", role: "oncall" });
  });

  it("refuses someone in no mapped group, saying which groups would do, unless there is a default role", () => {
    const refused = identityFromClaims({ sub: "u4", groups: ["contractors"] }, s);
    expect(refused).toEqual({ refused: expect.stringContaining("sec-admins, sre, staff") });
    expect(identityFromClaims({ sub: "u4", groups: ["contractors"] }, { ...s, defaultRole: "viewer" })).toMatchObject({ role: "viewer" });
  });

  it("refuses a token without a subject", () => {
    expect(identityFromClaims({ email: "x@corp.example" }, s)).toEqual({ refused: expect.stringContaining("no subject") });
  });
});

describe("what the sign-in page says", () => {
  it("shows fixed text for known codes and nothing for anything else", () => {
    expect(ssoErrorMessage("no_role")).toBe(SSO_ERRORS.no_role);
    expect(ssoErrorMessage(["flow", "token"])).toBe(SSO_ERRORS.flow);
    expect(ssoErrorMessage("Call 555-0100 to reset your password")).toBeNull();
    expect(ssoErrorMessage("toString")).toBeNull();
    expect(ssoErrorMessage(undefined)).toBeNull();
  });
});

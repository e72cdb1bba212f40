// Single sign-on through an OpenID Connect provider: what the environment
// configures, and what an ID token's claims make of a person (their name
// and role). Pure: the flow itself (discovery, PKCE, the code exchange, the
// ID token's signature) is openid-client's, in lib/api/oidc-sign-in.ts.
import { ROLES, type Role } from "./roles.ts";

export interface OidcSettings {
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: <public URL>/api/v1/session/oidc/callback. */
  redirectUri: string;
  /** What the sign-in button says: "Sign in with <label>". */
  label: string;
  scopes: string;
  /** The claim that lists the person's groups (an array of strings, or one string). */
  roleClaim: string;
  /** Group -> role; a person with several mapped groups gets the highest role. */
  roleMap: ReadonlyMap<string, Role>;
  /** The role of someone in none of the mapped groups; null refuses them. */
  defaultRole: Role | null;
  /** Plain-HTTP issuers, for a provider on localhost in development and tests only. */
  allowHttp: boolean;
}

export type OidcSettingsResult = { settings: OidcSettings } | { off: true } | { error: string };

/**
 * Reads FIREBREAK_OIDC_*: off when no issuer is set; an error that names the
 * variable to fix when the configuration is incomplete or wrong, so a bad
 * setting refuses sign-on loudly instead of letting the wrong people in.
 */
export function oidcSettings(env: Readonly<Record<string, string | undefined>>): OidcSettingsResult {
  const issuer = env.FIREBREAK_OIDC_ISSUER?.trim();
  if (!issuer) return { off: true };
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    return { error: `FIREBREAK_OIDC_ISSUER is not a URL: "${issuer}"` };
  }
  const allowHttp = env.FIREBREAK_OIDC_ALLOW_HTTP === "true";
  if (issuerUrl.protocol !== "https:" && !(allowHttp && issuerUrl.protocol === "http:")) {
    return { error: "FIREBREAK_OIDC_ISSUER must be an https:// URL (set FIREBREAK_OIDC_ALLOW_HTTP=true only for a provider on localhost in development)" };
  }
  const clientId = env.FIREBREAK_OIDC_CLIENT_ID?.trim();
  if (!clientId) return { error: "FIREBREAK_OIDC_CLIENT_ID is not set: copy the client id Firebreak was registered with at the provider" };
  const clientSecret = env.FIREBREAK_OIDC_CLIENT_SECRET?.trim();
  if (!clientSecret) return { error: "FIREBREAK_OIDC_CLIENT_SECRET is not set: copy the client secret from the provider" };
  const publicUrl = (env.FIREBREAK_PUBLIC_URL ?? "").trim().replace(/\/+$/, "");
  const redirectUri = env.FIREBREAK_OIDC_REDIRECT_URI?.trim() || (publicUrl ? `${publicUrl}/api/v1/session/oidc/callback` : "");
  if (!redirectUri) {
    return { error: "set FIREBREAK_PUBLIC_URL (the address people open Firebreak at) or FIREBREAK_OIDC_REDIRECT_URI, and register <that>/api/v1/session/oidc/callback at the provider" };
  }
  const roleMap = parseRoleMap(env.FIREBREAK_OIDC_ROLES ?? "");
  if ("error" in roleMap) return roleMap;
  const defaultRole = (env.FIREBREAK_OIDC_DEFAULT_ROLE ?? "").trim();
  if (defaultRole !== "" && !(ROLES as readonly string[]).includes(defaultRole)) {
    return { error: `FIREBREAK_OIDC_DEFAULT_ROLE "${defaultRole}" is not a role: use one of ${ROLES.join(", ")}, or leave it unset to refuse people in no mapped group` };
  }
  if (roleMap.map.size === 0 && defaultRole === "") {
    return { error: 'FIREBREAK_OIDC_ROLES is empty and there is no FIREBREAK_OIDC_DEFAULT_ROLE, so nobody could sign in: map groups to roles, e.g. "admin=firebreak-admins,oncall=sre,viewer=staff"' };
  }
  return {
    settings: {
      issuer,
      clientId,
      clientSecret,
      redirectUri,
      label: env.FIREBREAK_OIDC_LABEL?.trim() || "single sign-on",
      scopes: env.FIREBREAK_OIDC_SCOPES?.trim() || "openid email profile groups",
      roleClaim: env.FIREBREAK_OIDC_ROLE_CLAIM?.trim() || "groups",
      roleMap: roleMap.map,
      defaultRole: defaultRole === "" ? null : (defaultRole as Role),
      allowHttp,
    },
  };
}

/** "admin=a,oncall=b c" -> group -> role. A group named twice keeps its highest role. */
export function parseRoleMap(text: string): { map: Map<string, Role> } | { error: string } {
  const map = new Map<string, Role>();
  for (const part of text.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const role = eq < 0 ? "" : item.slice(0, eq).trim();
    const group = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (!(ROLES as readonly string[]).includes(role) || group === "") {
      return { error: `FIREBREAK_OIDC_ROLES: "${item}" is not role=group (roles: ${ROLES.join(", ")}), e.g. "admin=firebreak-admins,viewer=staff"` };
    }
    map.set(group, higher(map.get(group), role as Role));
  }
  return { map };
}

function higher(a: Role | undefined, b: Role): Role {
  return a !== undefined && ROLES.indexOf(a) > ROLES.indexOf(b) ? a : b;
}

export type ClaimsResult = { name: string; role: Role; groups: string[] } | { refused: string };

/**
 * The person an ID token names: a sign-in name (a verified email, else the
 * preferred user name, else the subject) and the highest role their groups
 * map to. Someone in no mapped group gets the default role, or is refused
 * with a message that says which groups would let them in.
 */
export function identityFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, "roleClaim" | "roleMap" | "defaultRole">): ClaimsResult {
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (sub === "") return { refused: "the identity provider's ID token has no subject (sub)" };
  const email = typeof claims.email === "string" && claims.email_verified === true ? claims.email : "";
  const preferred = typeof claims.preferred_username === "string" ? claims.preferred_username : "";
  const name = (email || preferred || sub).trim().toLowerCase().slice(0, 64);
  const raw = claims[settings.roleClaim];
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === "string") : typeof raw === "string" ? raw.split(/[\s,]+/).filter(Boolean) : [];
  let role: Role | undefined;
  for (const g of groups) {
    const mapped = settings.roleMap.get(g);
    if (mapped) role = higher(role, mapped);
  }
  role ??= settings.defaultRole ?? undefined;
  if (role === undefined) {
    const wanted = [...new Set(settings.roleMap.keys())].join(", ");
    return { refused: `${name} is in none of the groups Firebreak gives a role to (${wanted}): ask an administrator of the identity provider to add you to one` };
  }
  return { name, role, groups };
}

// Roles, least to most: each includes everything the one before it may do.
// Pure and free of server-only imports, so the browser can hide controls
// with the same rule the server enforces.

export const ROLES = ["viewer", "analyst", "oncall", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What each role adds, in the words the admin screen and error messages use. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "reads everything",
  analyst: "viewer, plus annotates incidents, marks records and agents compromised, exports",
  oncall: "analyst, plus kill switches, breaker overrides and approvals",
  admin: "oncall, plus users, tokens, the registry and configuration",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Does `role` include everything `needed` may do? */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The lesser of two roles. */
export function lesserRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

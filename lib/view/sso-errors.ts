// What the sign-in page says when single sign-on was refused. Fixed text by
// code: the URL carries only the code, so nobody can put their own words on
// Firebreak's sign-in page with a crafted link. The audit trail keeps the
// provider's details for the admin.
export const SSO_ERRORS = {
  provider: "The identity provider did not sign you in. Try again; if it keeps failing, ask your identity provider's administrator.",
  flow: "That sign-on expired or was already used. Start again with the button below.",
  token: "The identity provider's answer could not be verified, so you were not signed in. Try again; a Firebreak admin can see why in the audit trail.",
  no_role: "Your account is in none of the groups Firebreak gives a role to. Ask your identity provider's administrator to add you to one.",
  name_taken: "Your name already belongs to another Firebreak account. A Firebreak admin must rename or remove that account first.",
  disabled: "Your Firebreak account is disabled. Ask a Firebreak admin to enable it.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export function ssoErrorMessage(code: string | string[] | undefined): string | null {
  const c = Array.isArray(code) ? code[0] : code;
  return c !== undefined && Object.hasOwn(SSO_ERRORS, c) ? SSO_ERRORS[c as SsoErrorCode] : null;
}

// What an API token may be scoped to. Apart from api-token.ts (which needs
// node:crypto) so the screens can list the scopes: importing api-token.ts in
// the browser bundles a crypto polyfill of about 450 KB into every page.
export const TOKEN_SCOPES = ["read", "ingest", "control"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

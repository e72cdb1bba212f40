// The dashboard's Content-Security-Policy. Scripts run only with this
// response's nonce (Next puts it on its own scripts when it finds it in the
// request's policy header; our two inline scripts read it from x-nonce), and
// what those scripts load ('strict-dynamic'): an injected <script> or an
// inline event handler in a record's payload shown on a page never runs.
// Styles allow inline attributes because server-rendered React writes
// style="..." for positions and widths; a style cannot run code.

export const NONCE_HEADER = "x-nonce";

/** 128 random bits, base64: a fresh one for every page response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The policy for one page response. `dev`: next dev's hot reload evaluates code and talks over a websocket. */
export function contentSecurityPolicy(nonce: string, options: { dev?: boolean } = {}): string {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce)) throw new Error("a CSP nonce is base64 of at least 96 random bits");
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    // The graph's layout runs in a worker built into /_next/static.
    ["worker-src", "'self'"],
    ["connect-src", "'self'", ...(options.dev ? ["ws:"] : [])],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    // Sign-in and sign-out post to this origin; single sign-on leaves by a link, not a form.
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}

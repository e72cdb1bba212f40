// Where to go after signing in. Only paths on this site: an attacker's
// `?next=https://evil.example` or `//evil.example` must not bounce a fresh
// session elsewhere.
export function safeNextPath(value: string | string[] | null | undefined, fallback = "/"): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return fallback;
  // Control characters and backslashes are how browsers get talked into other hosts.
  if (/[\u0000-\u001f\u007f\\]/.test(v)) return fallback;
  if (v === "/login" || v.startsWith("/login?") || v.startsWith("/api/")) return fallback;
  return v;
}

// The client address a sign-in is throttled and audited under. Next fills
// X-Forwarded-For with the socket's peer only when the request has none,
// and a proxy in front appends the peer it saw, so the entry nearest to us
// is the one to trust: FIREBREAK_PROXY_HOPS says how many trusted proxies
// stand in front (0: Next faces clients directly). A client talking to Next
// directly can still set the header itself; the per-account limit holds
// regardless (docs/adr/0008-accounts-and-tokens.md).

export function clientAddress(request: Request, hops: number = proxyHops()): string {
  const chain = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = chain[Math.max(0, chain.length - 1 - hops)] ?? request.headers.get("x-real-ip")?.trim() ?? "";
  // Only what looks like an address, bounded: the value becomes a row key and an audit target.
  return /^[0-9A-Fa-f:.]{2,45}$/.test(picked) ? picked : "unknown";
}

function proxyHops(): number {
  const n = Number(process.env.FIREBREAK_PROXY_HOPS ?? "0");
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

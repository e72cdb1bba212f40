// One POST to a webhook receiver, bounded in time. Redirects are not
// followed: a receiver that answers 3xx has moved, and following it blindly
// would send signed alerts wherever the redirect points.

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  ok: boolean;
}

export async function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read (a little of) the answer so the connection can be reused; receivers' bodies are not kept.
    await res.body?.cancel().catch(() => {});
    const latencyMs = performance.now() - started;
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? `redirect to ${res.headers.get("location") ?? "?"} not followed: update the URL` : `HTTP ${res.status}`;
    return { statusCode: res.status, latencyMs, error, ok };
  } catch (err) {
    const latencyMs = performance.now() - started;
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `timed out after ${timeoutMs} ms`
        : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`;
    return { statusCode: null, latencyMs, error, ok: false };
  }
}

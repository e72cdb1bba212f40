import type { z } from "zod";
import { ApiError } from "./api-error.ts";

// fetch for /api/v1 from the browser: same-origin cookies, the CSRF header on
// changes, error bodies turned into ApiError, and successful bodies checked
// against the view schemas so a mismatch fails loudly, not as a blank table.

const CSRF_COOKIE = "fb_csrf";

function csrfToken(): string | null {
  if (typeof document === "undefined") return null;
  const m = new RegExp(`(?:^|;\\s*)${CSRF_COOKIE}=([^;]*)`).exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall through to a generic message.
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (err && typeof err.message === "string") {
    const details = Array.isArray(err.details) ? (err.details as { path: string; message: string }[]) : [];
    return new ApiError(res.status, typeof err.code === "string" ? err.code : "error", err.message, details);
  }
  return new ApiError(res.status, "http_error", `the server answered ${res.status} ${res.statusText}`.trim());
}

export async function apiRequest<S extends z.ZodType>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  schema: S,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const token = csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network", "cannot reach the Firebreak server: is it still running?");
  }
  if (!res.ok) throw await toApiError(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, "unexpected_response", `the server's answer to ${path} has an unexpected shape`);
  return parsed.data;
}

export const apiGet = <S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.output<S>> =>
  apiRequest("GET", path, schema, { signal });

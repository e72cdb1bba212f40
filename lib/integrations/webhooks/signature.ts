// The signature a receiver checks: HMAC-SHA256 over `${t}.${body}` with the
// webhook's secret, sent as `x-firebreak-signature: t=<unix seconds>,v1=<hex>`.
// The timestamp is inside the MAC so a captured request cannot be replayed
// later than the receiver's tolerance (Stripe's scheme, which receivers know).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-firebreak-signature";
/** Receivers should refuse signatures older than this. */
export const DEFAULT_TOLERANCE_S = 300;

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${mac(secret, body, unixSeconds)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** For receivers (and tests): checks the header against the raw body and the clock. */
export function verifySignature(secret: string, body: string, header: string | null | undefined, nowSeconds: number, toleranceS = DEFAULT_TOLERANCE_S): SignatureCheck {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.split("=", 2).map((s) => s.trim());
    if (k === "t" && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === "v1" && v) v1.push(v);
  }
  if (t === null) return { ok: false, reason: "no t= timestamp in the signature header" };
  if (v1.length === 0) return { ok: false, reason: "no v1= signature in the signature header" };
  if (Math.abs(nowSeconds - t) > toleranceS) return { ok: false, reason: `timestamp ${t} is more than ${toleranceS}s from now` };
  const expected = Buffer.from(mac(secret, body, t), "hex");
  const match = v1.some((sig) => {
    const given = Buffer.from(sig, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true } : { ok: false, reason: "signature does not match the body" };
}

function mac(secret: string, body: string, t: number): string {
  return createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
}

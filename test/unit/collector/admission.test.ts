import { describe, expect, it } from "vitest";
import { Admission, type Ticket } from "@/lib/collector/admission.ts";

const limits = { maxRequests: 2, maxBytes: 1000, retryAfterSeconds: 3 };

describe("admission", () => {
  it("refuses past the request limit with the configured Retry-After, and takes again after a release", () => {
    const a = new Admission(limits);
    const first = a.tryAdmit(10) as Ticket;
    const second = a.tryAdmit(10);
    expect(second.admitted).toBe(true);
    const third = a.tryAdmit(10);
    expect(third).toMatchObject({ admitted: false, reason: "requests", retryAfterSeconds: 3 });
    first.release();
    first.release(); // idempotent: a double release must not free a slot twice
    expect(a.requests).toBe(1);
    expect(a.tryAdmit(10).admitted).toBe(true);
    expect(a.refused).toEqual({ requests: 1, bytes: 0 });
  });

  it("bounds the bytes held, but an idle collector takes one large batch", () => {
    const a = new Admission(limits);
    const big = a.tryAdmit(5000) as Ticket;
    expect(big.admitted).toBe(true);
    expect(a.tryAdmit(1)).toMatchObject({ admitted: false, reason: "bytes" });
    big.release();
    expect(a.bytes).toBe(0);
  });

  it("accounts for the decoded size once the body is read", () => {
    const a = new Admission(limits);
    const t = a.tryAdmit(100) as Ticket;
    t.resize(900);
    expect(a.bytes).toBe(900);
    expect(a.tryAdmit(200)).toMatchObject({ admitted: false, reason: "bytes" });
    t.release();
    t.resize(5000); // after release: ignored
    expect(a.bytes).toBe(0);
    expect(a.requests).toBe(0);
  });
});

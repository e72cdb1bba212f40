// Admission control: a bound on the work the collector holds at once, in
// requests and in body bytes. Past it a request is refused at the door (429 +
// Retry-After) before its body is read, so overload costs almost nothing and
// memory stays bounded whatever the offered load.

export interface AdmissionLimits {
  /** Requests being read, decoded, verified or committed at once. */
  maxRequests: number;
  /** Body bytes held by those requests (declared Content-Length first, then the decoded size). */
  maxBytes: number;
  /** Seconds a refused client is told to wait. */
  retryAfterSeconds: number;
}

export type RefusalReason = "requests" | "bytes";

export interface Refusal {
  admitted: false;
  reason: RefusalReason;
  retryAfterSeconds: number;
  message: string;
}

export interface Ticket {
  admitted: true;
  /** The body turned out to hold this many bytes (after decompression): account for them. */
  resize(bytes: number): void;
  /** The request is finished, whatever its outcome. Idempotent. */
  release(): void;
}

export class Admission {
  requests = 0;
  bytes = 0;
  readonly refused: Record<RefusalReason, number> = { requests: 0, bytes: 0 };

  constructor(readonly limits: AdmissionLimits) {}

  tryAdmit(declaredBytes: number): Ticket | Refusal {
    if (this.requests >= this.limits.maxRequests) {
      return this.refuse("requests", `Collector at capacity (${this.limits.maxRequests} requests in progress). The batch was not read; retry after the delay in Retry-After.`);
    }
    // An idle collector always takes one request, however large (the body limit bounds it): a big batch must not starve forever.
    if (this.requests > 0 && this.bytes + declaredBytes > this.limits.maxBytes) {
      return this.refuse("bytes", `Collector at capacity (${Math.round(this.bytes / 1048576)} MiB of batches in progress). The batch was not read; retry after the delay in Retry-After.`);
    }
    this.requests++;
    let held = Math.max(0, declaredBytes);
    this.bytes += held;
    let released = false;
    return {
      admitted: true,
      resize: (bytes) => {
        if (released) return;
        this.bytes += bytes - held;
        held = bytes;
      },
      release: () => {
        if (released) return;
        released = true;
        this.requests--;
        this.bytes -= held;
      },
    };
  }

  private refuse(reason: RefusalReason, message: string): Refusal {
    this.refused[reason]++;
    return { admitted: false, reason, retryAfterSeconds: this.limits.retryAfterSeconds, message };
  }
}

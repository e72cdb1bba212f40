// Typed errors that carry their HTTP status. Route handlers and the collector
// map them to responses; anything else becomes a generic 500.

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "too_many_requests"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

export class FirebreakError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Where in the input the problem is, e.g. "body.keys[0].publicKey". */
  readonly details: { path: string; message: string }[];

  constructor(code: ErrorCode, message: string, details: { path: string; message: string }[] = []) {
    super(message);
    this.name = "FirebreakError";
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }
}

export const badRequest = (message: string, details?: { path: string; message: string }[]): FirebreakError =>
  new FirebreakError("bad_request", message, details);
export const notFound = (message: string): FirebreakError => new FirebreakError("not_found", message);
export const conflict = (message: string): FirebreakError => new FirebreakError("conflict", message);

/** 429 with Retry-After: the message says when, the header says it to programs. */
export class TooManyRequestsError extends FirebreakError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("too_many_requests", message);
  }
}

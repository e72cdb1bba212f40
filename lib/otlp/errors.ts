// Errors of the OTLP layer. They are FirebreakErrors, so the collector maps
// them to a response without knowing this folder, and a worker can send back
// their `code` as it is.
import { FirebreakError } from "../api/errors.ts";

/** The request as a whole cannot be decoded: answered 400, nothing is stored. */
export class OtlpDecodeError extends FirebreakError {
  constructor(message: string) {
    super("bad_request", message);
    this.name = "OtlpDecodeError";
  }
}

export type OtlpBodyErrorCode = "bad_request" | "payload_too_large" | "unsupported_media_type";

/** The body could not be read: corrupt gzip (400), too large (413), unknown encoding or type (415). */
export class OtlpBodyError extends FirebreakError {
  constructor(code: OtlpBodyErrorCode, message: string) {
    super(code, message);
    this.name = "OtlpBodyError";
  }
}

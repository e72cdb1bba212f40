// Reading an OTLP/HTTP body: the content type picks the decoder, the content
// encoding may be gzip. Nothing here ever holds more than maxBytes: a gzip
// bomb is stopped at the first inflated chunk past the limit.
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import { OtlpBodyError } from "./errors.ts";

export type BodyFormat = "protobuf" | "json";

const MEDIA_TYPES: Record<string, BodyFormat> = {
  "application/x-protobuf": "protobuf",
  "application/protobuf": "protobuf",
  "application/json": "json",
};

/** The decoder for a Content-Type header; parameters such as charset are ignored. */
export function parseContentType(header: string | undefined): BodyFormat {
  const media = (header ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const format = MEDIA_TYPES[media];
  if (format) return format;
  const got = media === "" ? "no Content-Type" : `Content-Type ${JSON.stringify(media.slice(0, 100))}`;
  throw new OtlpBodyError(
    "unsupported_media_type",
    `${got}: send application/x-protobuf (OTLP/HTTP protobuf) or application/json (OTLP/JSON)`,
  );
}

export interface ReadBodyOptions {
  /** Limit on the body both as received and after gunzip. */
  maxBytes: number;
  /** The Content-Encoding header: absent, "identity" or "gzip". */
  contentEncoding?: string | undefined;
}

type Encoding = "identity" | "gzip";

function parseContentEncoding(header: string | undefined): Encoding {
  const v = (header ?? "").trim().toLowerCase();
  if (v === "" || v === "identity") return "identity";
  if (v === "gzip" || v === "x-gzip") return "gzip";
  throw new OtlpBodyError(
    "unsupported_media_type",
    `Content-Encoding ${JSON.stringify(v.slice(0, 100))} is not supported: send gzip or no Content-Encoding`,
  );
}

/**
 * The whole body, gunzipped when the encoding says so. Throws OtlpBodyError:
 * 413 past maxBytes, 400 for a corrupt or truncated gzip stream, 415 for
 * another encoding. On failure the rest of a stream is drained and discarded,
 * so the caller can still answer on the same connection.
 */
export async function readRequestBody(source: Readable | Uint8Array, opts: ReadBodyOptions): Promise<Buffer> {
  let encoding: Encoding;
  try {
    encoding = parseContentEncoding(opts.contentEncoding);
  } catch (e) {
    if (!(source instanceof Uint8Array)) source.resume();
    throw e;
  }
  const sink = encoding === "gzip" ? new GunzipSink(opts.maxBytes) : new CollectSink(opts.maxBytes);
  if (source instanceof Uint8Array) {
    sink.write(Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength));
    return sink.end();
  }
  return pump(source, sink);
}

function tooLarge(maxBytes: number, what: string): OtlpBodyError {
  return new OtlpBodyError(
    "payload_too_large",
    `the ${what} is larger than ${maxBytes} bytes; export smaller batches`,
  );
}

interface Sink {
  /** Takes one received chunk; throws OtlpBodyError past the limit. */
  write(chunk: Buffer): void;
  /** Resolves once everything written is processed, with the full body. */
  end(): Promise<Buffer>;
  /** Whether the sink wants the source paused; drained() resolves when it does not. */
  backpressure(): boolean;
  drained(): Promise<void>;
  destroy(): void;
}

class CollectSink implements Sink {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}
  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) throw tooLarge(this.maxBytes, "body");
    this.chunks.push(chunk);
  }
  end(): Promise<Buffer> {
    return Promise.resolve(Buffer.concat(this.chunks, this.size));
  }
  backpressure(): boolean {
    return false;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  destroy(): void {
    this.chunks.length = 0;
  }
}

/**
 * Streams compressed chunks through zlib and counts what comes out. zlib
 * inflates one output chunk at a time; the first chunk past the limit destroys
 * the stream, so a bomb never costs more than maxBytes plus one chunk.
 */
class GunzipSink implements Sink {
  private readonly gunzip = zlib.createGunzip({ chunkSize: 64 * 1024 });
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private inflated = 0;
  private failure: OtlpBodyError | null = null;
  private readonly done: Promise<Buffer>;

  constructor(private readonly maxBytes: number) {
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.gunzip.on("data", (chunk: Buffer) => {
        if (this.failure) return;
        this.inflated += chunk.length;
        if (this.inflated > this.maxBytes) {
          this.fail(tooLarge(this.maxBytes, "decompressed body"));
          return;
        }
        this.chunks.push(chunk);
      });
      this.gunzip.on("error", (err: Error) => {
        this.fail(new OtlpBodyError("bad_request", `the gzip body is corrupt: ${err.message}`));
      });
      this.gunzip.on("end", () => resolve(Buffer.concat(this.chunks, this.inflated)));
      this.gunzip.on("close", () => {
        if (this.failure) reject(this.failure);
      });
    });
    // The caller may stop listening after the first failure; never leave an unhandled rejection.
    this.done.catch(() => {});
  }

  private fail(err: OtlpBodyError): void {
    if (this.failure) return;
    this.failure = err;
    this.chunks.length = 0;
    this.gunzip.destroy();
  }

  write(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    this.received += chunk.length;
    if (this.received > this.maxBytes) {
      this.fail(tooLarge(this.maxBytes, "body"));
      throw this.failure;
    }
    this.gunzip.write(chunk);
  }

  end(): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    this.gunzip.end();
    return this.done;
  }

  backpressure(): boolean {
    return this.gunzip.writableNeedDrain;
  }

  drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.gunzip.off("drain", done);
        this.gunzip.off("close", done);
        resolve();
      };
      this.gunzip.on("drain", done);
      this.gunzip.on("close", done);
    });
  }

  destroy(): void {
    this.fail(new OtlpBodyError("bad_request", "the body was not read"));
  }

  /** Rejects as soon as the sink fails, even while the source is still sending. */
  failed(): Promise<never> {
    return this.done.then(() => new Promise<never>(() => {}));
  }
}

/**
 * Feeds a stream into a sink with backpressure. Listens to "data" rather than
 * iterating: leaving a for-await loop destroys the stream, and with it the
 * socket the error response has to go out on.
 */
function pump(source: Readable, sink: Sink): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const cleanup = (): void => {
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
      source.off("aborted", onAborted);
      source.off("close", onClose);
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      sink.destroy();
      // Discard whatever is still coming so the connection can carry the answer.
      source.resume();
      reject(err);
    };
    const onData = (chunk: Buffer | string): void => {
      try {
        sink.write(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      } catch (err) {
        fail(err);
        return;
      }
      if (sink.backpressure()) {
        source.pause();
        void sink.drained().then(() => {
          if (!settled) source.resume();
        });
      }
    };
    const onEnd = (): void => {
      if (settled) return;
      cleanup();
      sink.end().then(
        (body) => {
          settled = true;
          resolve(body);
        },
        (err: unknown) => {
          settled = true;
          reject(err);
        },
      );
    };
    const onError = (err: Error): void => fail(new OtlpBodyError("bad_request", `the request body could not be read: ${err.message}`));
    const onAborted = (): void => fail(new OtlpBodyError("bad_request", "the client aborted the request"));
    // A destroyed stream may close without "end" or "error"; never wait forever.
    const onClose = (): void => fail(new OtlpBodyError("bad_request", "the request body ended before it was complete"));
    if (sink instanceof GunzipSink) sink.failed().catch(fail);
    source.on("data", onData);
    source.on("end", onEnd);
    source.on("error", onError);
    source.on("aborted", onAborted);
    source.on("close", onClose);
  });
}

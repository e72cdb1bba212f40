import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { parseContentType, readRequestBody } from "@/lib/otlp/body.ts";
import { OtlpBodyError } from "@/lib/otlp/errors.ts";

const MiB = 1024 * 1024;

/** Deterministic bytes (a small LCG), so a failure reproduces. */
function seededBytes(n: number, seed = 42): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** `total` bytes of zeros, produced a chunk at a time; `produced()` says how many so far. */
function zeros(total: number, chunk = MiB): { stream: Readable; produced: () => number } {
  const block = Buffer.alloc(chunk);
  let produced = 0;
  function* gen(): Generator<Buffer> {
    while (produced < total) {
      produced += block.length;
      yield block;
    }
  }
  return { stream: Readable.from(gen(), { objectMode: false }), produced: () => produced };
}

/** Streams a gzip of `total` zero bytes; never holds the inflated data. */
async function gzipOfZeros(total: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const gzip = zeros(total).stream.pipe(zlib.createGzip({ level: 9 }));
  for await (const part of gzip) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** A readable that hands out `data` in pieces of `size` bytes. */
function chunked(data: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return Readable.from(pieces, { objectMode: false });
}

/** Sends `data` in pieces of `size` bytes, one per turn of the event loop, like a slow client. */
function trickle(data: Buffer, size: number): { stream: Readable; sent: () => number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      setImmediate(() => {
        const piece = data.subarray(offset, offset + size);
        offset += piece.length;
        this.push(piece.length > 0 ? piece : null);
      });
    },
  });
  return { stream, sent: () => offset };
}

async function bodyError(promise: Promise<unknown>): Promise<OtlpBodyError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof OtlpBodyError) return e;
    throw e;
  }
  throw new Error("expected an OtlpBodyError");
}

describe("parseContentType", () => {
  const ok: [string, "protobuf" | "json"][] = [
    ["application/x-protobuf", "protobuf"],
    ["application/protobuf", "protobuf"],
    ["application/json", "json"],
    ["application/json; charset=utf-8", "json"],
    ["Application/JSON ;charset=UTF-8", "json"],
    ["  application/x-protobuf  ", "protobuf"],
  ];
  for (const [header, format] of ok) {
    it(`reads ${JSON.stringify(header)} as ${format}`, () => expect(parseContentType(header)).toBe(format));
  }

  const bad: (string | undefined)[] = [undefined, "", "text/plain", "application/grpc", "application/jsonx", "multipart/form-data"];
  for (const header of bad) {
    it(`refuses ${JSON.stringify(header)} with 415`, () => {
      let err: unknown;
      try {
        parseContentType(header);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OtlpBodyError);
      expect((err as OtlpBodyError).status).toBe(415);
      expect((err as OtlpBodyError).message).toMatch(/send application\/x-protobuf .* or application\/json/);
    });
  }
});

describe("readRequestBody", () => {
  const payload = seededBytes(100_000);

  it("returns an identity body as it is, from a buffer or a stream", async () => {
    expect(await readRequestBody(payload, { maxBytes: MiB })).toEqual(payload);
    expect(await readRequestBody(chunked(payload, 999), { maxBytes: MiB, contentEncoding: "identity" })).toEqual(payload);
  });

  it("accepts a body of exactly maxBytes", async () => {
    expect((await readRequestBody(payload, { maxBytes: payload.length })).length).toBe(payload.length);
  });

  it("refuses an identity body over maxBytes with 413", async () => {
    const err = await bodyError(readRequestBody(payload, { maxBytes: payload.length - 1 }));
    expect(err.status).toBe(413);
    expect(err.message).toBe(`the body is larger than ${payload.length - 1} bytes; export smaller batches`);
  });

  it("refuses an oversized stream with 413 and drains the rest", async () => {
    const source = zeros(64 * MiB, 64 * 1024);
    const err = await bodyError(readRequestBody(source.stream, { maxBytes: MiB }));
    expect(err.status).toBe(413);
    // The remainder is read and dropped, so the connection could carry the answer.
    await finished(source.stream);
  });

  it("gunzips a body, from a buffer or a stream, whatever the chunking", async () => {
    const gz = zlib.gzipSync(payload);
    expect(await readRequestBody(gz, { maxBytes: MiB, contentEncoding: "gzip" })).toEqual(payload);
    expect(await readRequestBody(chunked(gz, 97), { maxBytes: MiB, contentEncoding: "gzip" })).toEqual(payload);
    expect(await readRequestBody(chunked(gz.subarray(0, 3000), 1), { maxBytes: MiB, contentEncoding: "gzip" }).catch(() => "partial")).toBe("partial");
  });

  it("accepts concatenated gzip members", async () => {
    const gz = Buffer.concat([zlib.gzipSync(payload.subarray(0, 10)), zlib.gzipSync(payload.subarray(10))]);
    expect(await readRequestBody(gz, { maxBytes: MiB, contentEncoding: "gzip" })).toEqual(payload);
  });

  for (const encoding of ["GZIP", " x-gzip "]) {
    it(`accepts Content-Encoding ${JSON.stringify(encoding)}`, async () => {
      expect(await readRequestBody(zlib.gzipSync(payload), { maxBytes: MiB, contentEncoding: encoding })).toEqual(payload);
    });
  }

  it("refuses a gzip body whose compressed size is already over maxBytes", async () => {
    const gz = zlib.gzipSync(seededBytes(4096));
    const err = await bodyError(readRequestBody(gz, { maxBytes: 1024, contentEncoding: "gzip" }));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^the body is larger than 1024 bytes/);
  });

  describe("a gzip bomb (200 MiB of zeros)", () => {
    let bomb: Buffer;
    beforeAll(async () => {
      bomb = await gzipOfZeros(200 * MiB);
    });

    it("is small on the wire", () => {
      expect(bomb.length).toBeLessThan(MiB);
    });

    it("is refused with 413 from a buffer, holding no more than the limit", async () => {
      const before = process.memoryUsage().arrayBuffers;
      const err = await bodyError(readRequestBody(bomb, { maxBytes: 4 * MiB, contentEncoding: "gzip" }));
      expect(err.status).toBe(413);
      expect(err.message).toBe(`the decompressed body is larger than ${4 * MiB} bytes; export smaller batches`);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
    });

    it("is refused from a stream before the sender has finished sending it", async () => {
      const source = trickle(bomb, 1024);
      let sentAtRefusal = -1;
      const err = await bodyError(
        readRequestBody(source.stream, { maxBytes: 4 * MiB, contentEncoding: "gzip" }).finally(() => {
          sentAtRefusal = source.sent();
        }),
      );
      expect(err.status).toBe(413);
      // 4 MiB of zeros is about 4 KiB of gzip: a few chunks are enough.
      expect(sentAtRefusal).toBeGreaterThan(0);
      expect(sentAtRefusal).toBeLessThan(bomb.length / 4);
      await finished(source.stream);
    });

    it("is refused while the compressor is still producing it", async () => {
      const zero = zeros(200 * MiB);
      const source = zero.stream.pipe(zlib.createGzip());
      const err = await bodyError(readRequestBody(source, { maxBytes: 4 * MiB, contentEncoding: "gzip" }));
      expect(err.status).toBe(413);
      expect(zero.produced()).toBeLessThan(100 * MiB);
      source.destroy();
      zero.stream.destroy();
    });
  });

  it("refuses bytes that are not gzip with 400", async () => {
    const err = await bodyError(readRequestBody(seededBytes(1000), { maxBytes: MiB, contentEncoding: "gzip" }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^the gzip body is corrupt: /);
  });

  it("refuses a gzip stream corrupted in the middle with 400", async () => {
    const gz = zlib.gzipSync(seededBytes(50_000));
    const corrupt = Buffer.concat([gz.subarray(0, 100), seededBytes(200, 7), gz.subarray(300)]);
    const err = await bodyError(readRequestBody(chunked(corrupt, 64), { maxBytes: MiB, contentEncoding: "gzip" }));
    expect(err.status).toBe(400);
  });

  it("refuses a truncated gzip body with 400", async () => {
    const gz = zlib.gzipSync(payload);
    const err = await bodyError(readRequestBody(gz.subarray(0, gz.length - 10), { maxBytes: MiB, contentEncoding: "gzip" }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/unexpected end of file/);
  });

  it("refuses an empty gzip body with 400", async () => {
    expect((await bodyError(readRequestBody(Buffer.alloc(0), { maxBytes: MiB, contentEncoding: "gzip" }))).status).toBe(400);
  });

  for (const encoding of ["br", "deflate", "zstd", "gzip, br"]) {
    it(`refuses Content-Encoding ${JSON.stringify(encoding)} with 415 and drains the stream`, async () => {
      const source = chunked(payload, 1000);
      const err = await bodyError(readRequestBody(source, { maxBytes: MiB, contentEncoding: encoding }));
      expect(err.status).toBe(415);
      expect(err.message).toMatch(/send gzip or no Content-Encoding/);
      await finished(source);
    });
  }

  it("refuses a stream that fails midway with 400", async () => {
    const source = new Readable({ read() {} });
    const result = bodyError(readRequestBody(source, { maxBytes: MiB }));
    source.push(Buffer.from("partial"));
    source.destroy(new Error("socket hang up"));
    const err = await result;
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/socket hang up/);
  });
});

/**
 * A zlib stream (RFC 1950) inflated as it arrives: its header and its Adler-32 are checked, and
 * no piece of input can make more than a bounded amount of output at once.
 *
 * @module
 */
import { Inflate } from "../deps/inflate.ts";
import { FormatError } from "../errors.ts";

/** Input is inflated this many bytes at a time, so one call makes at most ~1032× that. */
const SLICE_BYTES = 16384;
const ADLER_BASE = 65521;
/** Bytes that can be summed before the Adler-32 sums must be reduced (zlib's NMAX). */
const ADLER_RUN = 5552;

/**
 * Inflates a zlib stream given in pieces ({@link ZlibStream.push}), handing each piece of output
 * to `onData` as it is made; {@link ZlibStream.finish} checks that the stream ended with the
 * right checksum.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { ZlibStream } from "./zlib_stream.ts";
 * // zlib of "hello" (stored block), then its Adler-32
 * const stream = new Uint8Array([
 *   0x78, 0x01, 0x01, 0x05, 0x00, 0xfa, 0xff, 104, 101, 108, 108, 111, 0x06, 0x2c, 0x02, 0x15,
 * ]);
 * const out: number[] = [];
 * const zlib = new ZlibStream((piece) => out.push(...piece));
 * zlib.push(stream.subarray(0, 5));
 * zlib.push(stream.subarray(5));
 * zlib.finish();
 * deepStrictEqual(new TextDecoder().decode(new Uint8Array(out)), "hello");
 * ```
 */
export class ZlibStream {
  readonly #onData: (piece: Uint8Array) => void;
  readonly #inflate: Inflate;
  /** The first two bytes, until both are known. */
  #header: number[] = [];
  /** The last four bytes pushed so far: at the end, the stored Adler-32. */
  readonly #tail = new Uint8Array(4);
  #pushed = 0;
  #sumA = 1;
  #sumB = 0;

  /** Starts a stream whose output goes to `onData` (each piece is valid only during the call). */
  constructor(onData: (piece: Uint8Array) => void) {
    this.#onData = onData;
    this.#inflate = new Inflate((piece: Uint8Array) => {
      this.#addToChecksum(piece);
      if (piece.length > 0) this.#onData(piece);
    });
  }

  /** Inflates the next piece of the stream. */
  push(data: Uint8Array): void {
    let at = 0;
    while (this.#header.length < 2 && at < data.length) this.#header.push(data[at++]);
    if (this.#header.length < 2) return this.#remember(data);
    if (this.#pushed < 2) this.#checkHeader();
    this.#remember(data);
    for (; at < data.length; at += SLICE_BYTES) {
      this.#run(data.subarray(at, Math.min(data.length, at + SLICE_BYTES)), false);
    }
  }

  /** Ends the stream: it must be complete and its Adler-32 must match the output. */
  finish(): void {
    if (this.#pushed < 6) throw new FormatError("image data is truncated (zlib stream too short)");
    this.#run(new Uint8Array(0), true);
    const t = this.#tail;
    const stored = ((t[0] << 24) | (t[1] << 16) | (t[2] << 8) | t[3]) >>> 0;
    const computed = ((this.#sumB << 16) | this.#sumA) >>> 0;
    if (stored !== computed) {
      throw new FormatError("image data is damaged (zlib checksum mismatch)");
    }
  }

  #checkHeader(): void {
    const [cmf, flg] = this.#header;
    if ((cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) {
      throw new FormatError("image data is corrupt (bad zlib header)");
    }
    if (flg & 32) throw new FormatError("image data is corrupt (zlib preset dictionary)");
  }

  #remember(data: Uint8Array): void {
    const keep = Math.min(4, data.length);
    this.#tail.copyWithin(0, keep);
    this.#tail.set(data.subarray(data.length - keep), 4 - keep);
    this.#pushed += data.length;
  }

  #run(slice: Uint8Array, final: boolean): void {
    try {
      this.#inflate.push(slice, final);
    } catch (e) {
      if (e instanceof FormatError) throw e;
      throw new FormatError(`image data is corrupt (deflate: ${(e as Error).message})`);
    }
  }

  #addToChecksum(piece: Uint8Array): void {
    let a = this.#sumA;
    let b = this.#sumB;
    for (let at = 0; at < piece.length; at += ADLER_RUN) {
      const end = Math.min(piece.length, at + ADLER_RUN);
      for (let i = at; i < end; i++) {
        a += piece[i];
        b += a;
      }
      a %= ADLER_BASE;
      b %= ADLER_BASE;
    }
    this.#sumA = a;
    this.#sumB = b;
  }
}

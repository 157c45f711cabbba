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

/** Options of {@link ZlibStream}. */
export interface ZlibStreamOptions {
  /**
   * The stream's preset dictionary (RFC 1950's FDICT): the stream must name it (its Adler-32)
   * in its header. Without one, a stream that needs a dictionary is refused.
   */
  dictionary?: Uint8Array;
}

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
  readonly #dictionary?: Uint8Array;
  /** The header's bytes (two, and the dictionary's Adler-32 with a dictionary), until known. */
  #header: number[] = [];
  #headerBytes = 2;
  /** The last four bytes pushed so far: at the end, the stored Adler-32. */
  readonly #tail = new Uint8Array(4);
  #pushed = 0;
  #sumA = 1;
  #sumB = 0;

  /** Starts a stream whose output goes to `onData` (each piece is valid only during the call). */
  constructor(onData: (piece: Uint8Array) => void, options: ZlibStreamOptions = {}) {
    this.#onData = onData;
    this.#dictionary = options.dictionary;
    const output = (piece: Uint8Array) => {
      [this.#sumA, this.#sumB] = adler32Sums(this.#sumA, this.#sumB, piece);
      if (piece.length > 0) this.#onData(piece);
    };
    this.#inflate = options.dictionary
      ? new Inflate({ dictionary: options.dictionary }, output)
      : new Inflate(output);
  }

  /** Inflates the next piece of the stream. */
  push(data: Uint8Array): void {
    let at = 0;
    while (this.#header.length < this.#headerBytes && at < data.length) {
      this.#header.push(data[at++]);
      if (this.#header.length === 2) this.#checkHeader();
      else if (this.#header.length === 6) this.#checkDictionary();
    }
    this.#remember(data);
    if (this.#header.length < this.#headerBytes) return;
    for (; at < data.length; at += SLICE_BYTES) {
      this.#run(data.subarray(at, Math.min(data.length, at + SLICE_BYTES)), false);
    }
  }

  /** Ends the stream: it must be complete and its Adler-32 must match the output. */
  finish(): void {
    if (this.#pushed < this.#headerBytes + 4) {
      throw new FormatError("image data is truncated (zlib stream too short)");
    }
    this.#run(new Uint8Array(0), true);
    const stored = bigEndian32(this.#tail, 0);
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
    if ((flg & 32) !== 0 && this.#dictionary === undefined) {
      throw new FormatError("image data is corrupt (zlib preset dictionary)");
    }
    if ((flg & 32) === 0 && this.#dictionary !== undefined) {
      throw new FormatError("data is corrupt (zlib stream without its preset dictionary)");
    }
    if (this.#dictionary !== undefined) this.#headerBytes = 6;
  }

  #checkDictionary(): void {
    const [a, b] = adler32Sums(1, 0, this.#dictionary!);
    if (bigEndian32(new Uint8Array(this.#header), 2) !== ((b << 16) | a) >>> 0) {
      throw new FormatError("data is corrupt (zlib stream of another preset dictionary)");
    }
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
}

/** The Adler-32 sums (`a`, `b`) after `bytes`, from sums `a` and `b`. */
function adler32Sums(a: number, b: number, bytes: Uint8Array): [number, number] {
  for (let at = 0; at < bytes.length; at += ADLER_RUN) {
    const end = Math.min(bytes.length, at + ADLER_RUN);
    for (let i = at; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return [a, b];
}

/** The big-endian u32 at `at`. */
function bigEndian32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

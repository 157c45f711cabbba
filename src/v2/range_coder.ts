/**
 * A carry-less binary range coder with a 32-bit state and byte output.
 *
 * The state is an interval `[low, high]` of 32-bit integers. Coding a bit with 12-bit
 * probability `p` (of a 1, 1…4095) splits it at `mid = low + ((high − low) >>> 12) · p`; with
 * 16-bit probabilities (1…65535; coders 12 and 13), at
 * `mid = low + ((high − low) >>> 16) · p + (((high − low) & 65535) · p >>> 16)`, within one of
 * `low + ⌊(high − low) · p / 2^16⌋`. A 1 keeps `[low, mid]`, a 0 keeps `[mid + 1, high]`. While the top bytes of `low` and `high`
 * agree, that byte is output and both are shifted left by 8 (`high` shifting in ones). The
 * encoder ends with one byte, the top byte of the least multiple of 2^24 that is at least `low`
 * (it lies in the interval, as the top bytes of `low` and `high` differ), and the decoder reads
 * the three bytes after a stream's end as zeros; streams of image files before version 4, and of
 * model payloads, end with the four bytes of `low` instead (big-endian). A stream is read exactly
 * when the decoder has read none or three bytes past its end; else it is damaged.
 *
 * @module
 */
import { FormatError } from "../errors.ts";

// The state is kept as 32-bit patterns in signed integers (the engine would hold unsigned values
// above 2^31 as doubles): `x ^ SIGN` turns unsigned order into signed order.
const SIGN = 0x80000000 | 0;
/** Bytes the decoder reads past the end of a stream that ends with one byte, as zeros. */
const IMPLIED_END_BYTES = 3;

/** `low + ((high − low) >>> 12) · p` of unsigned 32-bit `low ≤ high`, as a 32-bit pattern. */
function splitPoint(low: number, high: number, p: number): number {
  return (low + Math.imul((high - low) >>> 12, p)) | 0;
}

/**
 * The split of `[low, high]` for a 16-bit `p`: the range's top and bottom 16 bits times `p`,
 * each shifted down (the second product is below 2^32), as a 32-bit pattern.
 */
function splitPoint16(low: number, high: number, p: number): number {
  const range = high - low;
  return (low + Math.imul(range >>> 16, p) + (Math.imul(range & 0xffff, p) >>> 16)) | 0;
}

/**
 * The bits of the probabilities a range coder is given.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type RangeCoderOptions, RangeDecoder, RangeEncoder } from "./range_coder.ts";
 * const options: RangeCoderOptions = { probabilityBits: 16 };
 * const encoder = new RangeEncoder(options);
 * for (let i = 0; i < 1000; i++) encoder.encode(1, 65530); // a near-certain 1 costs near nothing
 * const bytes = encoder.finish();
 * strictEqual(bytes.length, 1);
 * const decoder = new RangeDecoder(bytes, options);
 * for (let i = 0; i < 1000; i++) strictEqual(decoder.decode(65530), 1);
 * decoder.finish();
 * ```
 */
export interface RangeCoderOptions {
  /**
   * 12 (1…4095; the default: coders 0 to 11, value tables and model payloads) or 16
   * (1…65535; coders 12 and 13).
   */
  probabilityBits?: 12 | 16;
}

/**
 * Encodes binary decisions into bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { RangeEncoder } from "./range_coder.ts";
 * const encoder = new RangeEncoder();
 * encoder.encode(1, 3000);
 * encoder.encode(0, 3000);
 * strictEqual(encoder.finish().length, 1);
 * ```
 */
export class RangeEncoder {
  #low = 0;
  #high = -1;
  #bytes = new Uint8Array(1 << 16);
  #length = 0;
  readonly #wide: boolean;

  /** Starts an empty stream of decisions with probabilities of `options.probabilityBits`. */
  constructor(options: RangeCoderOptions = {}) {
    this.#wide = options.probabilityBits === 16;
  }

  /**
   * Codes `bit` (0 or 1) whose probability of being 1 is `p` / 4096 (`p` in 1…4095), or
   * `p` / 65536 (1…65535) with 16-bit probabilities.
   */
  encode(bit: number, p: number): void {
    const mid = this.#wide
      ? splitPoint16(this.#low, this.#high, p)
      : splitPoint(this.#low, this.#high, p);
    if (bit) this.#high = mid;
    else this.#low = (mid + 1) | 0;
    while (((this.#low ^ this.#high) & 0xff000000) === 0) {
      this.#put(this.#high >>> 24);
      this.#low <<= 8;
      this.#high = (this.#high << 8) | 255;
    }
  }

  #put(byte: number): void {
    if (this.#length === this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes[this.#length++] = byte;
  }

  /**
   * Writes the final bytes, one (image streams) or the four of `low` (model payloads, whose bytes
   * stay those of earlier versions), and returns the coded bytes. The encoder must not be used
   * after.
   */
  finish(endBytes: 1 | 4 = 1): Uint8Array {
    if (endBytes === 4) {
      for (let shift = 24; shift >= 0; shift -= 8) this.#put((this.#low >>> shift) & 255);
    } else {
      const top = this.#low >>> 24;
      this.#put((this.#low & 0xffffff) === 0 ? top : top + 1);
    }
    return this.#bytes.slice(0, this.#length);
  }
}

/**
 * Decodes the binary decisions written by {@link RangeEncoder}, given the same probabilities.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { RangeDecoder, RangeEncoder } from "./range_coder.ts";
 * const encoder = new RangeEncoder();
 * encoder.encode(1, 3000);
 * const decoder = new RangeDecoder(encoder.finish());
 * strictEqual(decoder.decode(3000), 1);
 * decoder.finish();
 * ```
 */
export class RangeDecoder {
  #low = 0;
  #high = -1;
  #code = 0;
  #bytes: Uint8Array;
  #position = 0;
  readonly #wide: boolean;

  /** Starts decoding `bytes`, coded with probabilities of `options.probabilityBits`. */
  constructor(bytes: Uint8Array, options: RangeCoderOptions = {}) {
    this.#bytes = bytes;
    this.#wide = options.probabilityBits === 16;
    for (let i = 0; i < 4; i++) this.#code = (this.#code << 8) | this.#next();
  }

  #next(): number {
    const at = this.#position++;
    if (at < this.#bytes.length) return this.#bytes[at];
    if (at - this.#bytes.length >= IMPLIED_END_BYTES) {
      throw new FormatError("v2 stream is truncated");
    }
    return 0;
  }

  /** Decodes one bit whose probability of being 1 is `p` (as {@link RangeEncoder.encode}). */
  decode(p: number): number {
    const mid = this.#wide
      ? splitPoint16(this.#low, this.#high, p)
      : splitPoint(this.#low, this.#high, p);
    let bit: number;
    if ((this.#code ^ SIGN) <= (mid ^ SIGN)) {
      bit = 1;
      this.#high = mid;
    } else {
      bit = 0;
      this.#low = (mid + 1) | 0;
    }
    while (((this.#low ^ this.#high) & 0xff000000) === 0) {
      this.#low <<= 8;
      this.#high = (this.#high << 8) | 255;
      this.#code = (this.#code << 8) | this.#next();
    }
    return bit;
  }

  /**
   * Checks that the stream was read exactly, up to its end or to three bytes past it; throws if
   * bytes are left over or it ended inside its final bytes.
   */
  finish(): void {
    const past = this.#position - this.#bytes.length;
    if (past < 0) throw new FormatError("v2 stream has trailing bytes");
    if (past !== 0 && past !== IMPLIED_END_BYTES) {
      throw new FormatError("v2 stream ends inside its final bytes (damaged)");
    }
  }
}

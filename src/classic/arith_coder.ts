/**
 * The classic binary arithmetic coder: 32-bit, bit-serial, with pending (underflow) bits and
 * 12-bit probabilities, exactly as `classic-v1.md` specifies.
 *
 * @module
 */

import { FormatError } from "../errors.ts";

const TOP = 0xffffffff;
const HALF = 0x80000000;
const QUARTER = 0x40000000;
const THREE_QUARTERS = 0xc0000000;
/** The total of a classic probability: `p0` is in units of 1/4096. */
export const PROB_TOTAL = 4096;
/** `1 / 4096`: multiplying by it is exact, and cheaper than dividing. */
const INV_TOTAL = 1 / PROB_TOTAL;
/**
 * Bits past the stream's end the decoder may read: it reads 32 bits ahead, and the encoder's
 * flush writes at least 2 bits past the last decision's, so an intact stream is never read
 * further.
 */
const READ_AHEAD_PAST_END = 32;

/**
 * Encodes binary decisions into a byte stream.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ClassicDecoder, ClassicEncoder } from "./arith_coder.ts";
 * const enc = new ClassicEncoder();
 * enc.encode(1, 2048);
 * enc.encode(0, 4000);
 * const dec = new ClassicDecoder(enc.finish());
 * strictEqual(dec.decode(2048), 1);
 * strictEqual(dec.decode(4000), 0);
 * ```
 */
export class ClassicEncoder {
  #low = 0;
  #high = TOP;
  #pending = 0;
  #out = new Uint8Array(4096);
  #outLen = 0;
  #byte = 0;
  #bitCount = 0;

  #pushBit(bit: number): void {
    this.#byte = (this.#byte << 1) | bit;
    if (++this.#bitCount === 8) {
      if (this.#outLen === this.#out.length) {
        const grown = new Uint8Array(this.#out.length * 2);
        grown.set(this.#out);
        this.#out = grown;
      }
      this.#out[this.#outLen++] = this.#byte;
      this.#byte = 0;
      this.#bitCount = 0;
    }
  }

  #emit(bit: number): void {
    this.#pushBit(bit);
    for (; this.#pending > 0; this.#pending--) this.#pushBit(1 - bit);
  }

  /** Codes `bit` (0 or 1) given `p0`, the probability of a 0 in 1/4096 units (1…4095). */
  encode(bit: number, p0: number): void {
    let low = this.#low;
    let high = this.#high;
    const zw = Math.floor((high - low + 1) * p0 * INV_TOTAL);
    if (bit === 0) high = low + zw - 1;
    else low = low + zw;
    for (;;) {
      if (high < HALF) {
        this.#emit(0);
      } else if (low >= HALF) {
        this.#emit(1);
        low -= HALF;
        high -= HALF;
      } else if (low >= QUARTER && high < THREE_QUARTERS) {
        this.#pending++;
        low -= QUARTER;
        high -= QUARTER;
      } else {
        break;
      }
      low *= 2;
      high = high * 2 + 1;
    }
    this.#low = low;
    this.#high = high;
  }

  /** Flushes the final bits and returns the stream. The encoder must not be used afterwards. */
  finish(): Uint8Array {
    this.#pending++;
    this.#emit(this.#low < QUARTER ? 0 : 1);
    while (this.#bitCount !== 0) this.#pushBit(0);
    return this.#out.slice(0, this.#outLen);
  }
}

/**
 * Decodes the binary decisions of a stream written by {@link ClassicEncoder}, given the same
 * sequence of probabilities. Bits past the end of the stream read as 0, as far as the decoder's
 * look-ahead reaches; reading further means the stream is damaged.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ClassicDecoder } from "./arith_coder.ts";
 * const dec = new ClassicDecoder(new Uint8Array([0x80]));
 * strictEqual(dec.decode(2048), 1);
 * ```
 */
export class ClassicDecoder {
  #data: Uint8Array;
  #bitPos = 0;
  #low = 0;
  #high = TOP;
  #code = 0;
  /** Renormalization steps so far: each is one bit of the encoder's output. */
  #steps = 0;
  /** Underflow steps since the last emitted bit: the encoder's pending count. */
  #pending = 0;

  /** Starts decoding `stream`. */
  constructor(stream: Uint8Array) {
    this.#data = stream;
    for (let i = 0; i < 32; i++) this.#code = this.#code * 2 + this.#nextBit();
  }

  #nextBit(): number {
    const pos = this.#bitPos++;
    const byte = pos >>> 3;
    if (byte < this.#data.length) return (this.#data[byte] >>> (7 - (pos & 7))) & 1;
    // The encoder's stream ends at most 30 bits before the decoder's look-ahead does.
    if (pos >= this.#data.length * 8 + READ_AHEAD_PAST_END) {
      throw new FormatError("coded stream is damaged (it ends too early)");
    }
    return 0;
  }

  /** Bits of the stream read so far, including the 32 read ahead at the start. */
  get bitsRead(): number {
    return this.#bitPos;
  }

  /** Returns the next bit, given `p0`, the probability of a 0 in 1/4096 units (1…4095). */
  decode(p0: number): number {
    let low = this.#low;
    let high = this.#high;
    let code = this.#code;
    const range = high - low + 1;
    const zw = Math.floor(range * p0 * INV_TOTAL);
    let bit: number;
    // The spec's `floor(((code − low + 1) × 4096 − 1) / range) < p0`, without the division:
    // for an integer p0, floor(a / range) < p0 exactly when a < p0 × range (all below 2^53).
    if ((code - low + 1) * PROB_TOTAL - 1 < p0 * range) {
      bit = 0;
      high = low + zw - 1;
    } else {
      bit = 1;
      low = low + zw;
    }
    for (;;) {
      if (high < HALF) {
        this.#pending = 0;
      } else if (low >= HALF) {
        low -= HALF;
        high -= HALF;
        code -= HALF;
        this.#pending = 0;
      } else if (low >= QUARTER && high < THREE_QUARTERS) {
        low -= QUARTER;
        high -= QUARTER;
        code -= QUARTER;
        this.#pending++;
      } else {
        break;
      }
      this.#steps++;
      low *= 2;
      high = high * 2 + 1;
      code = code * 2 + this.#nextBit();
    }
    this.#low = low;
    this.#high = high;
    this.#code = code;
    return bit;
  }

  /**
   * After the last decision: tells whether the stream is exactly the one the encoder writes for
   * the decisions decoded. Every bit before the encoder's final flush is forced by the decoding
   * itself (all values in the final interval share them); this checks the rest: the flushed bits
   * (an emitted bit and the pending bits after it), the zero padding, and the length.
   */
  endsExactly(): boolean {
    const emittedAt = this.#steps - this.#pending;
    const totalBits = this.#steps + 2;
    if (this.#data.length !== Math.ceil(totalBits / 8)) return false;
    const last = this.#low < QUARTER ? 0 : 1;
    for (let pos = emittedAt; pos < this.#data.length * 8; pos++) {
      const expected = pos === emittedAt ? last : pos < totalBits ? 1 - last : 0;
      if (((this.#data[pos >>> 3] >>> (7 - (pos & 7))) & 1) !== expected) return false;
    }
    return true;
  }
}

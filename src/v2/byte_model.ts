/**
 * A context-mixing compressor for bytes that are not pixels: the headers, tags, cards and tables
 * of the files an archive keeps, and files kept whole (parts methods 4 and 5 of
 * `docs/format-v2.md`, whose §"The byte model" defines every integer of it). Each byte is coded
 * as 8 binary decisions, most significant bit first, by the v2 range coder with 12-bit
 * probabilities: an order-0 table, seven hashed contexts (the last 1, 2, 3, 4 and 6 bytes, and two
 * sparse ones) and a match model (the byte that followed the last occurrence of the last 6 bytes)
 * are mixed by three neurons and a final one, and refined by an APM on the last byte. Integers
 * only: the same bytes on every machine and runtime.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { maxDecisions } from "../stream_bound.ts";
import { RangeDecoder, RangeEncoder } from "./range_coder.ts";
import { APM_CELLS, BIAS_INPUT, fillApmCells } from "./kernel_layout.ts";
import { SQUASH_TABLE, STRETCH_TABLE } from "./squash.ts";
import { INITIAL_SLOT, updateSlot } from "./state_map.ts";

/**
 * The most bytes the byte model codes in one stream: longer parts are compressed with zlib, and a
 * reader refuses a longer stream of the byte model (its decoding time is bounded by this).
 */
export const BYTE_MODEL_MAX_BYTES = 1 << 22;
/**
 * The hashed contexts: the last 1, 2, 3, 4 and 6 bytes, the two before the last, and the fourth
 * and eighth last (the same place in the 4- and 8-byte numbers before: binary tables and images).
 */
const HASHED_CONTEXTS = 7;
/** Network inputs: order 0, the hashed contexts, the match model, the bias. */
const MATCH_INPUT = 1 + HASHED_CONTEXTS;
const BIAS_AT = MATCH_INPUT + 1;
const INPUTS = BIAS_AT + 1;
/** Bytes a match must share before the match model predicts from it. */
const MATCH_MIN_BYTES = 6;
/** The most bytes a new match is checked back over (its length to start with). */
const MATCH_CHECK_BYTES = 32;
/** The longest match length the match model tells apart. */
const MATCH_MAX_CLASS = 15;
/** Slot count limits: hashed and order-0 slots, match slots. */
const SLOT_LIMIT = 127;
const MATCH_SLOT_LIMIT = 1023;
/** Learning rates (in 16ths) of the first-layer neurons and the final one. */
const FIRST_RATE = 14;
const FINAL_RATE = 4;
/** The APM's rate (shift) and its contexts (the last byte, the bits so far). */
const APM_RATE = 6;
const APM_CONTEXTS = 1 << 16;
/** Start weights (65536 is 1): each first-layer input, each first-layer output in the final neuron. */
const FIRST_START_WEIGHT = 16384;
const FINAL_START_WEIGHT = 32768;
/**
 * The first-layer neurons' weight sets: by the bits of the byte so far (c0), by match class and
 * expected bit, by the last byte; the final neuron's by bit position.
 */
const NEURON_SETS = [256, 2 * (MATCH_MAX_CLASS + 1), 256];
const NEURONS = NEURON_SETS.length;
const FINAL_INPUTS = NEURONS + 1;
const FINAL_SETS = 8;

/** Slots of the hashed table for `bytes` bytes of history: 64 a byte, 2^12 … 2^22. */
function hashBitsFor(bytes: number): number {
  let bits = 12;
  while (bits < 22 && 2 ** bits < bytes * 64) bits++;
  return bits;
}

function hashPair(a: number, b: number): number {
  let k = Math.imul(a ^ Math.imul(b + 1, 0x9e3779b1), 0x85ebca6b);
  k ^= k >>> 13;
  k = Math.imul(k, 0xc2b2ae35);
  return k ^ (k >>> 16);
}

/** The byte model's state: what it has seen and learnt. */
class ByteModel {
  readonly #history: Uint8Array;
  #length = 0;
  readonly #order0 = new Int32Array(256).fill(INITIAL_SLOT);
  readonly #hashed: Int32Array;
  readonly #hashShift: number;
  readonly #match = new Int32Array(2 * (MATCH_MAX_CLASS + 1)).fill(INITIAL_SLOT);
  readonly #matchTable: Int32Array;
  readonly #matchMask: number;
  readonly #weights = new Int32Array(NEURON_SETS.reduce((a, b) => a + b) * INPUTS);
  /** Where each neuron's sets begin in `#weights`. */
  readonly #neuronAt = new Int32Array(NEURONS);
  readonly #final = new Int32Array(FINAL_SETS * FINAL_INPUTS);
  readonly #apm = new Uint16Array(APM_CONTEXTS * APM_CELLS);
  readonly #inputs = new Int32Array(INPUTS);
  readonly #finalInputs = new Int32Array(FINAL_INPUTS);
  /** Per first-layer neuron: the offset of the set used, its output probability. */
  readonly #selected = new Int32Array(NEURONS);
  readonly #neuronP = new Int32Array(NEURONS);
  readonly #slotAt = new Int32Array(1 + HASHED_CONTEXTS);
  readonly #contexts = new Int32Array(HASHED_CONTEXTS);
  readonly #buckets = new Int32Array(HASHED_CONTEXTS);
  #c0 = 1;
  #bit = 7;
  #c4 = 0;
  #c8 = 0;
  #matchPointer = 0;
  #matchLength = 0;
  #matchSlot = -1;
  #setFinal = 0;
  #pMixed = 2048;
  #apmCell = 0;

  /** A model for `dictionary.length + bytes` bytes; it first learns `dictionary`. */
  constructor(bytes: number, dictionary: Uint8Array) {
    const total = dictionary.length + bytes;
    this.#history = new Uint8Array(total);
    const hashBits = hashBitsFor(total);
    this.#hashed = new Int32Array(2 ** hashBits).fill(INITIAL_SLOT);
    this.#hashShift = 32 - (hashBits - 4);
    const matchBits = Math.max(10, hashBits - 4);
    this.#matchTable = new Int32Array(2 ** matchBits);
    this.#matchMask = 2 ** matchBits - 1;
    for (let k = 1; k < NEURONS; k++) {
      this.#neuronAt[k] = this.#neuronAt[k - 1] + NEURON_SETS[k - 1] * INPUTS;
    }
    for (let w = 0; w < this.#weights.length; w += INPUTS) {
      this.#weights.fill(FIRST_START_WEIGHT, w, w + BIAS_AT);
    }
    for (let s = 0; s < FINAL_SETS; s++) {
      this.#final.fill(FINAL_START_WEIGHT, s * FINAL_INPUTS, s * FINAL_INPUTS + NEURONS);
    }
    fillApmCells(this.#apm);
    this.#inputs[BIAS_AT] = BIAS_INPUT;
    this.#finalInputs[NEURONS] = BIAS_INPUT;
    this.#startByte();
    for (let i = 0; i < dictionary.length; i++) {
      const byte = dictionary[i];
      for (let b = 7; b >= 0; b--) {
        this.p();
        this.update((byte >> b) & 1);
      }
    }
  }

  /** Contexts of a new byte: the hashes, the match. */
  #startByte(): void {
    const c4 = this.#c4;
    const contexts = this.#contexts;
    contexts[0] = hashPair(c4 & 0xff, 1);
    contexts[1] = hashPair(c4 & 0xffff, 2);
    contexts[2] = hashPair(c4 & 0xffffff, 3);
    contexts[3] = hashPair(c4, 4);
    contexts[4] = hashPair(c4 ^ Math.imul(this.#c8 & 0xffff, 0x2545f491), 6);
    contexts[5] = hashPair((c4 >>> 8) & 0xffff, 7);
    contexts[6] = hashPair((c4 >>> 24) | ((this.#c8 >>> 16) & 0xff00), 8);
    const n = this.#length;
    const history = this.#history;
    if (this.#matchLength > 0 && history[this.#matchPointer] === (c4 & 0xff)) {
      this.#matchLength++;
      this.#matchPointer++;
    } else {
      this.#matchLength = 0;
    }
    if (n >= MATCH_MIN_BYTES) {
      const at = contexts[4] & this.#matchMask;
      if (this.#matchLength === 0) {
        const candidate = this.#matchTable[at];
        if (candidate > 0) {
          let length = 0;
          while (
            length < MATCH_CHECK_BYTES && length < candidate &&
            history[candidate - 1 - length] ===
              history[n - 1 - length]
          ) length++;
          if (length >= MATCH_MIN_BYTES) {
            this.#matchLength = length;
            this.#matchPointer = candidate;
          }
        }
      }
      this.#matchTable[at] = n;
    }
    this.#startNibble();
  }

  /** Buckets of the hashed contexts for the nibble that starts now. */
  #startNibble(): void {
    const c0 = this.#c0;
    for (let j = 0; j < HASHED_CONTEXTS; j++) {
      this.#buckets[j] = (hashPair(this.#contexts[j], c0) >>> this.#hashShift) << 4;
    }
  }

  /** The probability (1…4095, in 4096ths) that the next bit is 1. */
  p(): number {
    const c0 = this.#c0;
    const inputs = this.#inputs;
    const slotAt = this.#slotAt;
    slotAt[0] = c0;
    inputs[0] = STRETCH_TABLE[this.#order0[c0] >>> 20];
    // The node within the nibble's buckets: 1 followed by the nibble's bits so far (1…15).
    const since = (1 << ((this.#bit & 3) ^ 3)) - 1;
    const index = this.#bit >= 4 ? c0 : (c0 & since) | (since + 1);
    for (let j = 0; j < HASHED_CONTEXTS; j++) {
      const at = this.#buckets[j] + index;
      slotAt[1 + j] = at;
      inputs[1 + j] = STRETCH_TABLE[this.#hashed[at] >>> 20];
    }
    let matchClass = 0;
    this.#matchSlot = -1;
    inputs[MATCH_INPUT] = 0;
    if (this.#matchLength > 0) {
      const predicted = this.#history[this.#matchPointer] | 256;
      if (predicted >>> (this.#bit + 1) === c0) {
        const expected = (predicted >>> this.#bit) & 1;
        const length = Math.min(this.#matchLength, MATCH_MAX_CLASS);
        this.#matchSlot = 2 * length + expected;
        matchClass = this.#matchSlot;
        inputs[MATCH_INPUT] = STRETCH_TABLE[this.#match[this.#matchSlot] >>> 20];
      }
    }
    const selected = this.#selected;
    const neuronAt = this.#neuronAt;
    selected[0] = neuronAt[0] + c0 * INPUTS;
    selected[1] = neuronAt[1] + matchClass * INPUTS;
    selected[2] = neuronAt[2] + (this.#c4 & 0xff) * INPUTS;
    const finalInputs = this.#finalInputs;
    const f = this.#final;
    const s = FINAL_INPUTS * this.#bit;
    this.#setFinal = s;
    let sum = Math.imul(BIAS_INPUT, f[s + NEURONS]) >> 8;
    for (let k = 0; k < NEURONS; k++) {
      const d = this.#dot(selected[k]);
      this.#neuronP[k] = SQUASH_TABLE[d + 2048];
      finalInputs[k] = d;
      sum += Math.imul(d, f[s + k]) >> 8;
    }
    sum >>= 8;
    const dF = sum > 2047 ? 2047 : sum < -2047 ? -2047 : sum;
    this.#pMixed = SQUASH_TABLE[dF + 2048];
    const z = STRETCH_TABLE[this.#pMixed] + 2048;
    const w = z & 127;
    const cell = (((this.#c4 & 0xff) << 8) | c0) * APM_CELLS + (z >> 7);
    this.#apmCell = cell + (w >> 6);
    const apm = this.#apm;
    const refined = (apm[cell] * (128 - w) + apm[cell + 1] * w) >> 11;
    const p = (this.#pMixed + 3 * refined + 2) >> 2;
    return p < 1 ? 1 : p > 4095 ? 4095 : p;
  }

  #dot(set: number): number {
    const weights = this.#weights;
    const inputs = this.#inputs;
    let sum = 0;
    for (let i = 0; i < INPUTS; i++) sum += Math.imul(inputs[i], weights[set + i]) >> 8;
    sum >>= 8;
    return sum > 2047 ? 2047 : sum < -2047 ? -2047 : sum;
  }

  #train(set: number, p: number, target: number, rate: number): void {
    const e = ((target - p) * rate) >> 4;
    if (e > -8 && e < 8) return;
    const weights = this.#weights;
    const inputs = this.#inputs;
    for (let i = 0; i < INPUTS; i++) {
      weights[set + i] = (weights[set + i] + (Math.imul(inputs[i], e) >> 10)) | 0;
    }
  }

  /** Learns the coded bit (the one {@link ByteModel.p} predicted). */
  update(bit: number): void {
    const target = bit << 12;
    updateSlot(this.#order0, this.#c0, bit, SLOT_LIMIT);
    for (let j = 1; j <= HASHED_CONTEXTS; j++) {
      updateSlot(this.#hashed, this.#slotAt[j], bit, SLOT_LIMIT);
    }
    if (this.#matchSlot >= 0) updateSlot(this.#match, this.#matchSlot, bit, MATCH_SLOT_LIMIT);
    for (let k = 0; k < NEURONS; k++) {
      this.#train(this.#selected[k], this.#neuronP[k], target, FIRST_RATE);
    }
    const e = ((target - this.#pMixed) * FINAL_RATE) >> 4;
    if (e <= -8 || e >= 8) {
      const f = this.#final;
      const s = this.#setFinal;
      const inputs = this.#finalInputs;
      for (let i = 0; i < FINAL_INPUTS; i++) {
        f[s + i] = (f[s + i] + (Math.imul(inputs[i], e) >> 10)) | 0;
      }
    }
    const apm = this.#apm;
    const cell = this.#apmCell;
    apm[cell] += ((bit ? 65535 : 0) - apm[cell]) >> APM_RATE;
    this.#c0 = (this.#c0 << 1) | bit;
    if (this.#bit > 0) {
      this.#bit--;
      if (this.#bit === 3) this.#startNibble();
      return;
    }
    const byte = this.#c0 & 255;
    this.#history[this.#length++] = byte;
    this.#c8 = (this.#c8 << 8) | (this.#c4 >>> 24);
    this.#c4 = (this.#c4 << 8) | byte;
    this.#c0 = 1;
    this.#bit = 7;
    this.#startByte();
  }
}

/**
 * Compresses `raw` with the byte model (at most {@link BYTE_MODEL_MAX_BYTES}), which with
 * `options.dictionary` first learns those bytes (the parts of another file, as a preset
 * dictionary).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, ok } from "node:assert/strict";
 * import { compressBytes, expandBytes } from "./byte_model.ts";
 * const raw = new TextEncoder().encode("SIMPLE  =                    T ".repeat(100));
 * const packed = compressBytes(raw);
 * ok(packed.length < 60);
 * deepStrictEqual(expandBytes(packed, raw.length), raw);
 * ```
 */
export function compressBytes(
  raw: Uint8Array,
  options: { dictionary?: Uint8Array } = {},
): Uint8Array {
  if (raw.length > BYTE_MODEL_MAX_BYTES) {
    throw new RangeError(`the byte model codes at most ${BYTE_MODEL_MAX_BYTES} bytes`);
  }
  const model = new ByteModel(raw.length, options.dictionary ?? new Uint8Array(0));
  const encoder = new RangeEncoder();
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      encoder.encode(bit, model.p());
      model.update(bit);
    }
  }
  return encoder.finish();
}

/**
 * Expands `rawBytes` bytes that {@link compressBytes} compressed into `data` (with the same
 * `options.dictionary`). A length above {@link BYTE_MODEL_MAX_BYTES}, or more than `data` can
 * hold, is refused before anything is allocated.
 *
 * @throws {FormatError} for a stream too short for `rawBytes`, truncated or with trailing bytes.
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { compressBytes, expandBytes } from "./byte_model.ts";
 * const dictionary = new TextEncoder().encode("BITPIX  =                   16");
 * const raw = new TextEncoder().encode("BITPIX  =                    8");
 * deepStrictEqual(expandBytes(compressBytes(raw, { dictionary }), raw.length, { dictionary }), raw);
 * throws(() => expandBytes(new Uint8Array(2), 1e6));
 * ```
 */
export function expandBytes(
  data: Uint8Array,
  rawBytes: number,
  options: { dictionary?: Uint8Array } = {},
): Uint8Array {
  if (rawBytes > BYTE_MODEL_MAX_BYTES) {
    throw new FormatError(
      `byte model stream of ${rawBytes} bytes: at most ${BYTE_MODEL_MAX_BYTES}`,
    );
  }
  if (data.length === 0 || rawBytes * 8 > maxDecisions(data.length)) {
    throw new FormatError(`byte model stream of ${data.length} bytes cannot hold ${rawBytes}`);
  }
  const model = new ByteModel(rawBytes, options.dictionary ?? new Uint8Array(0));
  const decoder = new RangeDecoder(data);
  const raw = new Uint8Array(rawBytes);
  for (let i = 0; i < rawBytes; i++) {
    let byte = 0;
    for (let b = 7; b >= 0; b--) {
      const bit = decoder.decode(model.p());
      model.update(bit);
      byte |= bit << b;
    }
    raw[i] = byte;
  }
  decoder.finish();
  return raw;
}

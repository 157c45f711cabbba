/**
 * Packed tiles (`docs/format-v2.md`): a tile that uses only some of the values between its least
 * and its greatest may be coded as the indices of its values among those it uses, in order
 * (fewer bit planes, and neighbouring values next to each other). Its value table then opens the
 * tile's stream: the least value and the span to the greatest (varints), and whether each value
 * between them is used, coded as bits with an adaptive probability per pattern of the five bits
 * before (the first value counts as used), in a range-coded block whose length (a varint)
 * precedes it.
 *
 * @module
 */
import { ByteReader, ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import { RangeDecoder, RangeEncoder } from "./range_coder.ts";

/** A tile is packed only if it uses at most this share of the values from its least to its greatest. */
const PACKING_MAX_FILL = { used: 15, of: 16 };
/** Each table bit's probability is chosen by this many bits before it. */
const TABLE_CONTEXT_BITS = 5;
/** Table bit probabilities move by 1/2^this of the distance to the coded bit. */
const TABLE_RATE = 4;

/**
 * The values a tile of `samples` uses, in order, when it may be packed: at least two, and at
 * most 15/16 of those from its least to its greatest; else `undefined`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { packableValues } from "./value_table.ts";
 * deepStrictEqual(packableValues(new Uint16Array([0, 40, 40, 200])), new Uint16Array([0, 40, 200]));
 * strictEqual(packableValues(new Uint16Array([3, 4, 5, 6])), undefined); // all used
 * ```
 */
export function packableValues(samples: Uint16Array): Uint16Array | undefined {
  const used = new Uint8Array(65536);
  let least = 65535;
  let greatest = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    used[v] = 1;
    if (v < least) least = v;
    if (v > greatest) greatest = v;
  }
  let count = 0;
  for (let v = least; v <= greatest; v++) count += used[v];
  const span = greatest - least + 1;
  if (count < 2 || count * PACKING_MAX_FILL.of > span * PACKING_MAX_FILL.used) return undefined;
  const values = new Uint16Array(count);
  for (let v = least, k = 0; v <= greatest; v++) if (used[v]) values[k++] = v;
  return values;
}

/**
 * `samples` packed: each replaced by its index in `values` (which must hold every one of them,
 * in order).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { packSamples } from "./value_table.ts";
 * const values = new Uint16Array([0, 40, 200]);
 * deepStrictEqual(packSamples(new Uint16Array([200, 0, 40]), values), new Uint16Array([2, 0, 1]));
 * ```
 */
export function packSamples(samples: Uint16Array, values: Uint16Array): Uint16Array {
  const index = new Uint16Array(values[values.length - 1] + 1);
  for (let k = 0; k < values.length; k++) index[values[k]] = k;
  const packed = new Uint16Array(samples.length);
  for (let i = 0; i < samples.length; i++) packed[i] = index[samples[i]];
  return packed;
}

/**
 * Replaces each index in `indices` by its value in `values`, in place.
 *
 * @throws {FormatError} when an index is beyond the table (a damaged tile).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { unpackSamples } from "./value_table.ts";
 * const samples = new Uint16Array([2, 0, 1]);
 * unpackSamples(samples, new Uint16Array([0, 40, 200]));
 * deepStrictEqual(samples, new Uint16Array([200, 0, 40]));
 * ```
 */
export function unpackSamples(indices: Uint16Array, values: Uint16Array): void {
  const count = values.length;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k >= count) {
      throw new FormatError(`packed tile holds index ${k} of a table of ${count} values (damaged)`);
    }
    indices[i] = values[k];
  }
}

/** The adaptive bit probabilities of a table's used-bits, one per context, 12-bit. */
function tableProbabilities(): Uint16Array {
  return new Uint16Array(1 << TABLE_CONTEXT_BITS).fill(2048);
}

/** `p` after coding `bit` with it (it stays within 15…4081). */
function adapt(p: number, bit: number): number {
  return bit ? p + ((4096 - p) >> TABLE_RATE) : p - (p >> TABLE_RATE);
}

/**
 * The bytes of a value table (`values`: at least two, in order), which open a packed tile's
 * stream.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readValueTable, writeValueTable } from "./value_table.ts";
 * const values = new Uint16Array([3, 5, 6, 9]);
 * const bytes = writeValueTable(values);
 * deepStrictEqual(readValueTable(bytes, 255), { values, end: bytes.length });
 * ```
 */
export function writeValueTable(values: Uint16Array): Uint8Array {
  const least = values[0];
  const greatest = values[values.length - 1];
  const encoder = new RangeEncoder();
  const p = tableProbabilities();
  const mask = p.length - 1;
  let history = 1;
  for (let v = least + 1, k = 1; v < greatest; v++) {
    const bit = values[k] === v ? 1 : 0;
    k += bit;
    const context = history & mask;
    encoder.encode(bit, p[context]);
    p[context] = adapt(p[context], bit);
    history = (history << 1) | bit;
  }
  const block = encoder.finish();
  const w = new ByteWriter();
  w.varint(least);
  w.varint(greatest - least);
  w.varint(block.length);
  w.bytes(block);
  return w.finish();
}

/**
 * Reads the value table that opens a packed tile's `stream` (of an image whose samples are at
 * most `maxValue`): its values, and where the coder's stream starts.
 *
 * @throws {FormatError} when the table is malformed or goes beyond `maxValue`.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { readValueTable, writeValueTable } from "./value_table.ts";
 * throws(() => readValueTable(writeValueTable(new Uint16Array([3, 300])), 255), /beyond/);
 * ```
 */
export function readValueTable(
  stream: Uint8Array,
  maxValue: number,
): { values: Uint16Array; end: number } {
  const r = new ByteReader(stream);
  const least = r.varint("least value");
  const span = r.varint("value span");
  if (span < 1 || least + span > maxValue) {
    throw new FormatError(
      `value table ${least}…${least + span} is empty or beyond maxval ${maxValue}`,
    );
  }
  const blockLength = r.varint("value table length");
  const block = r.bytes(blockLength, "value table");
  const decoder = new RangeDecoder(block);
  const p = tableProbabilities();
  const mask = p.length - 1;
  const used = new Uint16Array(span + 1);
  used[0] = least;
  let count = 1;
  let history = 1;
  for (let v = least + 1; v < least + span; v++) {
    const context = history & mask;
    const bit = decoder.decode(p[context]);
    p[context] = adapt(p[context], bit);
    history = (history << 1) | bit;
    if (bit) used[count++] = v;
  }
  decoder.finish();
  used[count++] = least + span;
  return { values: used.slice(0, count), end: stream.length - r.remaining };
}

/**
 * A file's parts besides its pixels as an archive stores them: compressed when that is smaller,
 * with zlib or with the byte model (`v2/byte_model.ts`, context mixing) — on their own, or with
 * the first bytes of another file's parts as the stream's preset dictionary (a series of files
 * whose headers differ in a few fields then costs little more than one) — with their uncompressed
 * length and the CRC-32 of the bytes stored (which the archive reader checks), expanded never past
 * the length stored.
 *
 * @module
 */
import type { ByteSpan } from "../bytes.ts";
import { crc32 } from "../crc32.ts";
import { zlibDeflate } from "../deps/zlib_deflate.ts";
import { FormatError } from "../errors.ts";
import { ZlibStream } from "../image/zlib_stream.ts";
import { BYTE_MODEL_MAX_BYTES, compressBytes, expandBytes } from "../v2/byte_model.ts";

/**
 * The most bytes one byte of DEFLATE data can inflate to (a 258-byte match in 2 bits); also
 * the most bytes of repeated parts an archive may hold per byte (`v2/container.ts`).
 */
export const MAX_INFLATE_RATIO = 1032;
/** Bytes of a preset dictionary: DEFLATE's window. */
const DICTIONARY_BYTES = 32768;

/**
 * Stored parts: compressed (`method` 1, zlib; 4, the byte model; 2 and 5, the same with a preset
 * dictionary: the {@link partsDictionary} of the parts of another entry, `dictionaryEntry`) or not
 * (0), or another entry's (3, `sameAsEntry`), with the length of the uncompressed bytes and the
 * CRC-32 of the bytes stored.
 *
 * @example
 * ```ts
 * import type { StoredParts } from "./stored_parts.ts";
 * const parts: StoredParts = { method: 0, rawBytes: 1, crc: 0xd202ef8d, data: new Uint8Array(1) };
 * ```
 */
export interface StoredParts {
  /**
   * 0 stored, 1 zlib, 2 zlib with a preset dictionary, 3 another entry's parts, 4 the byte
   * model, 5 the byte model with a preset dictionary.
   */
  method: number;
  /** With methods 2 and 5: the archive entry whose parts give the dictionary. */
  dictionaryEntry?: number;
  /** With method 3: the archive entry whose parts these are, byte for byte (no data stored). */
  sameAsEntry?: number;
  /** Bytes of the parts uncompressed. */
  rawBytes: number;
  /** CRC-32 of `data`. */
  crc: number;
  /** The bytes as stored. */
  data: Uint8Array;
  /**
   * Where the bytes are in an archive read from a `ByteSource` (a file): they are then left there
   * (`data` is empty) until the parts are expanded.
   */
  stored?: ByteSpan;
}

/** Parts up to this length are always tried with the byte model. */
const SMALL_PARTS_BYTES = 65536;
/** Longer parts are tried with the byte model when zlib's output is at most this share of them. */
const INCOMPRESSIBLE_SHARE = 0.95;

/** The parts methods that take another entry's parts as their dictionary. */
export const DICTIONARY_METHODS: readonly number[] = [2, 5];
/** The parts methods of parts stored on their own (which a repeat, method 3, may name). */
export const OWN_METHODS: readonly number[] = [0, 1, 4];

/**
 * Parts compressed on their own: zlib's stream (level 9) and, where the byte model is tried on
 * them (parts of at most {@link BYTE_MODEL_MAX_BYTES}; of more than 64 KiB, only if zlib makes
 * them at least 5 % smaller), the byte model's.
 *
 * @example
 * ```ts
 * import type { OwnCompressions } from "./stored_parts.ts";
 * const own: OwnCompressions = { zlib: new Uint8Array([0x78, 0xda, 3, 0, 0, 0, 0, 1]) };
 * ```
 */
export interface OwnCompressions {
  /** zlib's stream, level 9. */
  zlib: Uint8Array;
  /** The byte model's stream, where it is tried. */
  modelled?: Uint8Array;
}

/** Whether the byte model is tried on `raw` bytes of parts that zlib compressed to `zlib`. */
function triesByteModel(raw: number, zlib: number): boolean {
  // Bytes zlib cannot shrink are mostly compressed already (JPEG data, archives): the byte model
  // (about 1 MB/s) is tried on them only when they are small.
  return raw <= BYTE_MODEL_MAX_BYTES &&
    (raw <= SMALL_PARTS_BYTES || zlib <= INCOMPRESSIBLE_SHARE * raw);
}

/**
 * Compresses bytes with the byte model, after a dictionary if given (in some thread).
 *
 * @example
 * ```ts
 * import type { ByteModelCompressor } from "./stored_parts.ts";
 * import { compressBytes } from "../v2/byte_model.ts";
 * const here: ByteModelCompressor = (raw, dictionary) =>
 *   Promise.resolve(compressBytes(raw, { dictionary }));
 * ```
 */
export type ByteModelCompressor = (raw: Uint8Array, dictionary?: Uint8Array) => Promise<Uint8Array>;

/**
 * The byte model in this thread.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { COMPRESS_HERE, EXPAND_HERE } from "./stored_parts.ts";
 * const raw = new TextEncoder().encode("BSCALE  = 1.0 ".repeat(20));
 * deepStrictEqual(await EXPAND_HERE(await COMPRESS_HERE(raw), raw.length), raw);
 * ```
 */
export const COMPRESS_HERE: ByteModelCompressor = (raw, dictionary) =>
  Promise.resolve(compressBytes(raw, { dictionary }));

/**
 * Compresses parts on their own ({@link OwnCompressions}), the byte model run by `compress`
 * (by default in this thread; an archive writer hands it to its workers).
 *
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert/strict";
 * import { compressOnTheirOwn } from "./stored_parts.ts";
 * const own = await compressOnTheirOwn(new TextEncoder().encode("NAXIS   = 2 ".repeat(100)));
 * ok(own.modelled !== undefined && own.modelled.length < own.zlib.length);
 * strictEqual((await compressOnTheirOwn(new Uint8Array(0))).modelled?.length, 1);
 * ```
 */
export async function compressOnTheirOwn(
  raw: Uint8Array,
  compress: ByteModelCompressor = COMPRESS_HERE,
): Promise<OwnCompressions> {
  const zlib = zlibDeflate(raw);
  if (!triesByteModel(raw.length, zlib.length)) return { zlib };
  return { zlib, modelled: await compress(raw) };
}

/**
 * Stores parts: on their own by zlib and, where it is tried, the byte model (`options.own`, or
 * compressed here); with `dictionary` (the {@link partsDictionary} of entry `entry`'s parts) also
 * zlib with it as the preset dictionary and, where that made zlib's stream smaller, the byte model
 * with it; the smallest of them kept, unless none is smaller than the parts. The byte model runs
 * where `options.compress` runs it (by default in this thread).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { partsDictionary, storeParts } from "./stored_parts.ts";
 * strictEqual((await storeParts(new Uint8Array(1000))).method, 4);
 * strictEqual((await storeParts(new Uint8Array([7]))).method, 0);
 * const header = (n: number) => new TextEncoder().encode(`SIMPLE = T / slice ${n} `.repeat(40));
 * const second = await storeParts(header(2), { dictionary: partsDictionary(header(1)), entry: 0 });
 * strictEqual(second.method, 5);
 * strictEqual(second.dictionaryEntry, 0);
 * ```
 */
export async function storeParts(
  raw: Uint8Array,
  options: {
    dictionary?: Uint8Array;
    entry?: number;
    own?: OwnCompressions;
    compress?: ByteModelCompressor;
  } = {},
): Promise<StoredParts> {
  const { dictionary, entry, compress = COMPRESS_HERE } = options;
  const own = options.own ?? await compressOnTheirOwn(raw, compress);
  let method = 0;
  let data = raw;
  const consider = (candidate: number, bytes: Uint8Array) => {
    if (bytes.length < data.length) [method, data] = [candidate, bytes];
  };
  consider(1, own.zlib);
  if (own.modelled !== undefined) consider(4, own.modelled);
  if (dictionary !== undefined && dictionary.length > 0 && entry !== undefined) {
    const zlibPrimed = zlibDeflate(raw, 9, { dictionary });
    consider(2, zlibPrimed);
    if (own.modelled !== undefined && zlibPrimed.length < own.zlib.length) {
      consider(5, await compress(raw, dictionary));
    }
  }
  return {
    method,
    ...(DICTIONARY_METHODS.includes(method) && { dictionaryEntry: entry }),
    rawBytes: raw.length,
    crc: crc32(data),
    data,
  };
}

/**
 * The preset dictionary that parts give the parts of later entries: their first 32 KiB (DEFLATE's
 * window; the formats put their headers first), or all of them when shorter.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { partsDictionary } from "./stored_parts.ts";
 * strictEqual(partsDictionary(new Uint8Array(40000)).length, 32768);
 * strictEqual(partsDictionary(new Uint8Array(5)).length, 5);
 * ```
 */
export function partsDictionary(raw: Uint8Array): Uint8Array {
  return raw.subarray(0, DICTIONARY_BYTES);
}

/**
 * Expands `rawBytes` bytes that the byte model compressed into `data` (after a dictionary if
 * given), in some thread; a `FormatError` for damaged ones.
 *
 * @example
 * ```ts
 * import type { ByteModelExpander } from "./stored_parts.ts";
 * import { expandBytes } from "../v2/byte_model.ts";
 * const here: ByteModelExpander = (data, rawBytes, dictionary) =>
 *   Promise.resolve(expandBytes(data, rawBytes, { dictionary }));
 * ```
 */
export type ByteModelExpander = (
  data: Uint8Array,
  rawBytes: number,
  dictionary?: Uint8Array,
) => Promise<Uint8Array>;

/** The byte model's expansion in this thread (see {@link COMPRESS_HERE}). */
export const EXPAND_HERE: ByteModelExpander = (data, rawBytes, dictionary) =>
  Promise.resolve(expandBytes(data, rawBytes, { dictionary }));

/**
 * Expands stored parts (whose CRC-32 the archive reader has checked), checking their length; a
 * length that the stored bytes cannot make is refused before anything is allocated. Parts of
 * methods 2 and 5 need `dictionary`: the {@link partsDictionary} of their dictionary entry's
 * parts. The byte model's parts are expanded where `options.expand` runs it (by default in this
 * thread).
 *
 * @throws {FormatError} for damaged parts.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { expandParts, storeParts } from "./stored_parts.ts";
 * const raw = new TextEncoder().encode("header ".repeat(50));
 * deepStrictEqual(await expandParts(await storeParts(raw)), raw);
 * const dictionary = new TextEncoder().encode("a header of another file");
 * const primed = await storeParts(raw, { dictionary, entry: 3 });
 * deepStrictEqual(await expandParts(primed, { dictionary }), raw);
 * ```
 */
export async function expandParts(
  parts: StoredParts,
  options: { dictionary?: Uint8Array; expand?: ByteModelExpander } = {},
): Promise<Uint8Array> {
  const { method, rawBytes, data } = parts;
  if (method === 3) throw new FormatError("file parts are another entry's: expand that entry's");
  const dictionary = DICTIONARY_METHODS.includes(method) ? options.dictionary : undefined;
  if (DICTIONARY_METHODS.includes(method) && dictionary === undefined) {
    throw new FormatError("file parts need their dictionary entry's parts");
  }
  if (method === 0) {
    if (rawBytes !== data.length) {
      throw new FormatError(
        `file parts of ${rawBytes} bytes cannot come from ${data.length} stored`,
      );
    }
    return data;
  }
  if (method === 4 || method === 5) {
    return await (options.expand ?? EXPAND_HERE)(data, rawBytes, dictionary);
  }
  if (method !== 1 && method !== 2) throw new FormatError(`unknown parts method ${method}`);
  if (rawBytes > MAX_INFLATE_RATIO * data.length + 64) {
    throw new FormatError(`file parts of ${rawBytes} bytes cannot come from ${data.length} stored`);
  }
  const raw = new Uint8Array(rawBytes);
  let made = 0;
  const zlib = new ZlibStream((piece) => {
    if (made + piece.length > rawBytes) throw new FormatError("file parts are longer than stored");
    raw.set(piece, made);
    made += piece.length;
  }, dictionary === undefined ? {} : { dictionary });
  zlib.push(data);
  zlib.finish();
  if (made !== rawBytes) throw new FormatError("file parts are shorter than stored");
  return raw;
}

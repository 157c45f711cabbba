/**
 * v2 containers: the model file `.bpm` (`BPM2`), the single image `.bpc` (`BPC2`) and the
 * archive `.bpa` (`BPA2`), as `docs/format-v2.md` specifies.
 *
 * @module
 */
import { checkEntryNames, readEntryName, writeEntryName } from "../archive_name.ts";
import { ByteReader, ByteWriter } from "../bytes.ts";
import { crc32 } from "../crc32.ts";
import { FormatError } from "../errors.ts";

/** The version field of every v2 file. */
export const V2_VERSION = 2;
/** Largest number of pixels of one v2 image (2^31 − 1). */
export const MAX_V2_PIXELS = 0x7fffffff;
const MODEL_HEADER_BYTES = 32;

/**
 * One coded image as v2 files hold it.
 *
 * @example
 * ```ts
 * import type { V2CodedImage } from "./container.ts";
 * const coded: V2CodedImage = {
 *   width: 1, height: 1, maxValue: 255, bits: 8, inverted: false,
 *   imageCrc: 0, stream: new Uint8Array(4),
 * };
 * ```
 */
export interface V2CodedImage {
  /** Samples per row, at least 1. */
  width: number;
  /** Rows, at least 1. */
  height: number;
  /** The image's maxval (1…65535). */
  maxValue: number;
  /** Coded bit planes (1…16): every coded sample is below `2^bits`. */
  bits: number;
  /** Whether samples were coded inverted (`v → 2^bits − 1 − v`). */
  inverted: boolean;
  /** {@link imageCrc} of the original image. */
  imageCrc: number;
  /** The arithmetic-coded planes. */
  stream: Uint8Array;
}

/**
 * A v2 archive entry: a relative path and its coded image.
 *
 * @example
 * ```ts
 * import type { V2ArchiveEntry } from "./container.ts";
 * const entry: V2ArchiveEntry = {
 *   name: "a.png", width: 1, height: 1, maxValue: 255, bits: 1, inverted: false,
 *   imageCrc: 0, stream: new Uint8Array(0),
 * };
 * ```
 */
export interface V2ArchiveEntry extends V2CodedImage {
  /** Relative path with `/` separators. */
  name: string;
}

/**
 * CRC-32 of an image: of its width and height (u32), maxval (u16) and samples (u16 each), all
 * little-endian, so that a wrong size or maxval is caught as surely as a wrong sample.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { imageCrc } from "./container.ts";
 * const data = new Uint16Array([0, 0]);
 * ok(imageCrc(2, 1, 255, data) !== imageCrc(1, 2, 255, data)); // the same samples, another size
 * ok(imageCrc(2, 1, 255, data) !== imageCrc(2, 1, 65535, data)); // another maxval
 * ```
 */
export function imageCrc(
  width: number,
  height: number,
  maxValue: number,
  data: Uint16Array,
): number {
  const w = new ByteWriter();
  w.u32(width);
  w.u32(height);
  w.u16(maxValue);
  let crc = crc32(w.finish());
  const chunk = new Uint8Array(8192);
  for (let at = 0; at < data.length; at += 4096) {
    const n = Math.min(4096, data.length - at);
    for (let i = 0; i < n; i++) {
      chunk[2 * i] = data[at + i] & 0xff;
      chunk[2 * i + 1] = data[at + i] >> 8;
    }
    crc = crc32(chunk.subarray(0, 2 * n), crc);
  }
  return crc;
}

function writeCoded(w: ByteWriter, image: V2CodedImage): void {
  w.u8(image.inverted ? 1 : 0);
  w.u8(image.bits);
  w.u32(image.width);
  w.u32(image.height);
  w.u16(image.maxValue);
  w.zeros(6);
  w.u32(image.imageCrc);
  w.u32(crc32(image.stream));
  w.u64(image.stream.length);
  w.bytes(image.stream);
}

/** Reads one coded image; its stream checksum is checked, or (`deferred`) only recorded. */
function readCoded(r: ByteReader, deferred = false): V2CodedImage & { streamIntact: boolean } {
  const flags = r.u8("flags");
  if (flags & ~1) throw new FormatError(`unknown flag bits 0x${flags.toString(16)}`);
  const bits = r.u8("bit count");
  const width = r.u32("width");
  const height = r.u32("height");
  const maxValue = r.u16("maxval");
  r.reserved(6, "reserved image header bytes");
  if (width < 1 || height < 1) throw new FormatError(`image size ${width}x${height} is empty`);
  if (width * height > MAX_V2_PIXELS) {
    throw new FormatError(`image size ${width}x${height} exceeds 2^31 − 1 pixels`);
  }
  if (maxValue < 1) throw new FormatError("maxval must be at least 1");
  if (bits < 1 || bits > 32 - Math.clz32(maxValue)) {
    throw new FormatError(`bit count ${bits} is outside 1…(the bits of maxval ${maxValue})`);
  }
  const crc = r.u32("image checksum");
  const streamCrc = r.u32("stream checksum");
  const stream = r.bytes(r.u64("stream length"), "coded stream");
  const streamIntact = crc32(stream) === streamCrc;
  if (!streamIntact && !deferred) throw streamDamaged();
  const inverted = (flags & 1) === 1;
  return { width, height, maxValue, bits, inverted, imageCrc: crc, stream, streamIntact };
}

function streamDamaged(): FormatError {
  return new FormatError("coded stream is damaged (stream checksum mismatch)");
}

/**
 * Checks an archive entry read with deferred checksums before it is decoded.
 *
 * @throws {FormatError} when its stream checksum did not match.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkEntryStream } from "./container.ts";
 * throws(() => checkEntryStream({ streamIntact: false }), /stream checksum mismatch/);
 * ```
 */
export function checkEntryStream(entry: { streamIntact: boolean }): void {
  if (!entry.streamIntact) throw streamDamaged();
}

/**
 * Wraps a v2 model payload as a `BPM2` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { wrapV2Model } from "./container.ts";
 * strictEqual(wrapV2Model(new Uint8Array([1, 2, 3])).length, 35);
 * ```
 */
export function wrapV2Model(payload: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPM2");
  w.u16(V2_VERSION);
  w.u16(0);
  w.u32(payload.length);
  w.u32(crc32(payload));
  w.zeros(16);
  w.bytes(payload);
  return w.finish();
}

/**
 * Checks a `BPM2` file and returns its model payload.
 *
 * @throws {FormatError} when the file is malformed or damaged.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { unwrapV2Model, wrapV2Model } from "./container.ts";
 * deepStrictEqual(unwrapV2Model(wrapV2Model(new Uint8Array([7]))), new Uint8Array([7]));
 * ```
 */
export function unwrapV2Model(bytes: Uint8Array): Uint8Array {
  const r = new ByteReader(bytes);
  r.magic("BPM2");
  const version = r.u16("version");
  if (version !== V2_VERSION) throw new FormatError(`unsupported BPM2 version ${version}`);
  r.reserved(2, "reserved model header bytes");
  const length = r.u32("payload length");
  const crc = r.u32("payload checksum");
  r.reserved(MODEL_HEADER_BYTES - 16, "reserved model header bytes");
  const payload = r.bytes(length, "model payload");
  r.end();
  if (crc32(payload) !== crc) throw new FormatError("model is damaged (checksum mismatch)");
  return payload;
}

/**
 * Writes a `BPC2` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeV2Image } from "./container.ts";
 * const bytes = serializeV2Image({
 *   width: 1, height: 1, maxValue: 255, bits: 1, inverted: false, imageCrc: 0,
 *   stream: new Uint8Array(0),
 * }, new Uint8Array(32));
 * strictEqual(bytes.length, 72);
 * ```
 */
export function serializeV2Image(image: V2CodedImage, modelHash: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPC2");
  w.u16(V2_VERSION);
  w.bytes(modelHash);
  writeCoded(w, image);
  return w.finish();
}

/**
 * Parses a `BPC2` file, checking every field and the stream checksum.
 *
 * @throws {FormatError} when the file is malformed or damaged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Image, serializeV2Image } from "./container.ts";
 * const image = {
 *   width: 2, height: 1, maxValue: 255, bits: 1, inverted: false, imageCrc: 0,
 *   stream: new Uint8Array(0),
 * };
 * strictEqual(parseV2Image(serializeV2Image(image, new Uint8Array(32))).image.width, 2);
 * ```
 */
export function parseV2Image(bytes: Uint8Array): { modelHash: Uint8Array; image: V2CodedImage } {
  const r = new ByteReader(bytes);
  r.magic("BPC2");
  const version = r.u16("version");
  if (version !== V2_VERSION) throw new FormatError(`unsupported BPC2 version ${version}`);
  const modelHash = r.bytes(32, "model hash");
  const { streamIntact: _, ...image } = readCoded(r);
  r.end();
  return { modelHash, image };
}

/**
 * Writes a `BPA2` archive. With `modelBytes`, the model file is embedded; without, the archive
 * refers to the built-in model by `modelHash`. The entries must be in order
 * ({@link checkEntryNames}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeV2Archive } from "./container.ts";
 * const bytes = serializeV2Archive({ modelHash: new Uint8Array(32), entries: [] });
 * strictEqual(bytes.length, 52);
 * ```
 */
export function serializeV2Archive(archive: {
  modelHash: Uint8Array;
  modelBytes?: Uint8Array;
  entries: V2ArchiveEntry[];
}): Uint8Array {
  checkEntryNames(archive.entries.map((e) => e.name));
  const w = new ByteWriter();
  w.ascii("BPA2");
  w.u16(V2_VERSION);
  w.u16(archive.modelBytes ? 1 : 0);
  w.bytes(archive.modelHash);
  w.u32(archive.modelBytes?.length ?? 0);
  if (archive.modelBytes) w.bytes(archive.modelBytes);
  w.u32(archive.entries.length);
  for (const entry of archive.entries) {
    writeEntryName(w, entry.name);
    writeCoded(w, entry);
  }
  const body = w.finish();
  w.u32(crc32(body));
  return w.finish();
}

/**
 * A `BPA2` archive as read by {@link parseV2Archive}.
 *
 * @example
 * ```ts
 * import type { ParsedV2Archive } from "./container.ts";
 * const archive: ParsedV2Archive = { modelHash: new Uint8Array(32), entries: [], intact: true };
 * ```
 */
export interface ParsedV2Archive {
  /** The hash of the model the entries were coded with. */
  modelHash: Uint8Array;
  /** The embedded model file, if any. */
  modelBytes?: Uint8Array;
  /** The entries, each with whether its stream checksum matched. */
  entries: (V2ArchiveEntry & { streamIntact: boolean })[];
  /** Whether the archive checksum matched. */
  intact: boolean;
}

/**
 * Parses a `BPA2` archive, checking every field, the entry names (each safe, all in strictly
 * increasing order, no file also a folder), the stream checksums and the archive checksum. With
 * `deferChecksums`, a checksum mismatch is recorded (`intact`, each entry's `streamIntact`)
 * instead of thrown, so that the good entries of a damaged archive can still be listed and
 * checked one by one.
 *
 * @throws {FormatError} when the archive is malformed or damaged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Archive, serializeV2Archive } from "./container.ts";
 * const bytes = serializeV2Archive({ modelHash: new Uint8Array(32), entries: [] });
 * strictEqual(parseV2Archive(bytes).entries.length, 0);
 * ```
 */
export function parseV2Archive(
  bytes: Uint8Array,
  options: { deferChecksums?: boolean } = {},
): ParsedV2Archive {
  const deferred = options.deferChecksums === true;
  // Parse first for a precise message about truncation or structure, then check the CRC.
  const archive = parseV2ArchiveBody(bytes, deferred);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4);
  const intact = stored.getUint32(0, true) === crc32(bytes.subarray(0, bytes.length - 4));
  if (!intact && !deferred) throw new FormatError("archive is damaged (archive checksum mismatch)");
  return { ...archive, intact };
}

function parseV2ArchiveBody(bytes: Uint8Array, deferred: boolean) {
  const r = new ByteReader(bytes);
  r.magic("BPA2");
  const version = r.u16("version");
  if (version !== V2_VERSION) throw new FormatError(`unsupported BPA2 version ${version}`);
  const flags = r.u16("flags");
  if (flags & ~1) throw new FormatError(`unknown archive flag bits 0x${flags.toString(16)}`);
  const modelHash = r.bytes(32, "model hash");
  const modelLength = r.u32("model length");
  if ((flags & 1) === 0 && modelLength !== 0) {
    throw new FormatError("model length must be 0 when no model is embedded");
  }
  const modelBytes = flags & 1 ? r.bytes(modelLength, "embedded model") : undefined;
  const count = r.u32("image count");
  const entries: ParsedV2Archive["entries"] = [];
  for (let i = 0; i < count; i++) {
    const name = readEntryName(r, i);
    entries.push({ name, ...readCoded(r, deferred) });
  }
  r.u32("archive checksum");
  r.end();
  checkEntryNames(entries.map((e) => e.name));
  return { modelHash, modelBytes, entries };
}

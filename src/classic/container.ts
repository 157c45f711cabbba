/**
 * Classic containers: the single image `.bpc` (`BPC1`) and the archive `.bpa` (`BPA1`).
 *
 * @module
 */
import { checkEntryNames, readEntryName, writeEntryName } from "../archive_name.ts";
import { ByteReader, ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import { CLASSIC_MODEL_BYTES, parseClassicModel } from "./model.ts";

/**
 * One coded image as classic files hold it.
 *
 * @example
 * ```ts
 * import type { ClassicCodedImage } from "./container.ts";
 * const coded: ClassicCodedImage = { width: 1, height: 1, inverted: false, stream: new Uint8Array(2) };
 * ```
 */
export interface ClassicCodedImage {
  /** Samples per row, 1…65535. */
  width: number;
  /** Rows, 1…65535. */
  height: number;
  /** Whether the image was coded inverted (`v → 255 − v`). */
  inverted: boolean;
  /** The arithmetic-coded planes. */
  stream: Uint8Array;
}

/**
 * A `.bpc` file: one coded image and the hash of the model it was coded with.
 *
 * @example
 * ```ts
 * import type { ClassicImageFile } from "./container.ts";
 * const file: ClassicImageFile = {
 *   width: 1, height: 1, inverted: false, stream: new Uint8Array(2), modelHash: new Uint8Array(32),
 * };
 * ```
 */
export interface ClassicImageFile extends ClassicCodedImage {
  /** SHA-256 of the model file. */
  modelHash: Uint8Array;
}

/**
 * A classic archive entry: a relative path and its coded image.
 *
 * @example
 * ```ts
 * import type { ClassicArchiveEntry } from "./container.ts";
 * const entry: ClassicArchiveEntry = {
 *   name: "a.png", width: 1, height: 1, inverted: false, stream: new Uint8Array(2),
 * };
 * ```
 */
export interface ClassicArchiveEntry extends ClassicCodedImage {
  /** Relative path with `/` separators. */
  name: string;
}

/**
 * A `.bpa` file: the complete model file and the entries in stored order.
 *
 * @example
 * ```ts
 * import type { ClassicArchive } from "./container.ts";
 * const archive: ClassicArchive = { modelBytes: new Uint8Array(10288), entries: [] };
 * ```
 */
export interface ClassicArchive {
  /** The embedded `BPM1` model file, byte for byte. */
  modelBytes: Uint8Array;
  /** The images, in stored order. */
  entries: ClassicArchiveEntry[];
}

function checkSize(width: number, height: number): void {
  for (const [field, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) {
      throw new FormatError(`${field} ${v} is outside 1…65535 (the classic format's limit)`);
    }
  }
}

function writeCoded(w: ByteWriter, image: ClassicCodedImage): void {
  checkSize(image.width, image.height);
  w.u16(image.width);
  w.u16(image.height);
  w.u8(image.inverted ? 1 : 0);
  w.zeros(7);
}

function readCoded(r: ByteReader): Omit<ClassicCodedImage, "stream"> {
  const width = r.u16("width");
  const height = r.u16("height");
  checkSize(width, height);
  const flags = r.u8("flags");
  if (flags & ~1) throw new FormatError(`unknown flag bits 0x${flags.toString(16)}`);
  r.reserved(7, "reserved image header bytes");
  return { width, height, inverted: (flags & 1) === 1 };
}

function readStream(r: ByteReader): Uint8Array {
  const length = r.u64("stream length");
  return r.bytes(length, "coded stream");
}

/**
 * Writes a `BPC1` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeClassicImage } from "./container.ts";
 * const bytes = serializeClassicImage({
 *   width: 1, height: 1, inverted: false, stream: new Uint8Array(2), modelHash: new Uint8Array(32),
 * });
 * strictEqual(bytes.length, 60);
 * ```
 */
export function serializeClassicImage(file: ClassicImageFile): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPC1");
  w.u16(1);
  writeCoded(w, file);
  w.bytes(file.modelHash);
  w.u64(file.stream.length);
  w.bytes(file.stream);
  return w.finish();
}

/**
 * Parses a `BPC1` file, checking every field.
 *
 * @throws {FormatError} when the bytes are not a valid classic image file.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseClassicImage, serializeClassicImage } from "./container.ts";
 * const file = parseClassicImage(serializeClassicImage({
 *   width: 3, height: 1, inverted: true, stream: new Uint8Array(2), modelHash: new Uint8Array(32),
 * }));
 * strictEqual(file.width, 3);
 * strictEqual(file.inverted, true);
 * ```
 */
export function parseClassicImage(bytes: Uint8Array): ClassicImageFile {
  const r = new ByteReader(bytes);
  r.magic("BPC1");
  const version = r.u16("version");
  if (version !== 1) throw new FormatError(`unsupported BPC1 version ${version}`);
  const header = readCoded(r);
  const modelHash = r.bytes(32, "model hash");
  const stream = readStream(r);
  r.end();
  return { ...header, modelHash, stream };
}

/**
 * Where {@link serializeClassicArchive} writes the entry count (u32) in an archive embedding a
 * model of `modelBytes` bytes: after the magic, the version (u16), the model's length (u32) and
 * the model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { classicArchiveCountAt, serializeClassicArchive } from "./container.ts";
 * const bytes = serializeClassicArchive({ modelBytes: new Uint8Array(3), entries: [] });
 * strictEqual(new DataView(bytes.buffer).getUint32(classicArchiveCountAt(3), true), 0);
 * ```
 */
export function classicArchiveCountAt(modelBytes: number): number {
  return 4 + 2 + 4 + modelBytes;
}

/**
 * Writes a `BPA1` archive; the entries must be in order ({@link checkEntryNames}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeClassicArchive } from "./container.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./model.ts";
 * const bytes = serializeClassicArchive({
 *   modelBytes: serializeClassicModel(uniformClassicModel()), entries: [],
 * });
 * strictEqual(bytes.length, 10302);
 * ```
 */
export function serializeClassicArchive(archive: ClassicArchive): Uint8Array {
  checkEntryNames(archive.entries.map((e) => e.name));
  const w = new ByteWriter();
  w.ascii("BPA1");
  w.u16(1);
  w.u32(archive.modelBytes.length);
  w.bytes(archive.modelBytes);
  w.u32(archive.entries.length);
  for (const entry of archive.entries) {
    writeEntryName(w, entry.name);
    writeCoded(w, entry);
    w.u64(entry.stream.length);
    w.bytes(entry.stream);
  }
  return w.finish();
}

/**
 * Parses a `BPA1` archive, checking every field, the embedded model and the entry names (each
 * safe, all in strictly increasing order, no file also a folder).
 *
 * @throws {FormatError} when the bytes are not a valid classic archive.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseClassicArchive, serializeClassicArchive } from "./container.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./model.ts";
 * const bytes = serializeClassicArchive({
 *   modelBytes: serializeClassicModel(uniformClassicModel()), entries: [],
 * });
 * strictEqual(parseClassicArchive(bytes).entries.length, 0);
 * ```
 */
export function parseClassicArchive(bytes: Uint8Array): ClassicArchive {
  const r = new ByteReader(bytes);
  r.magic("BPA1");
  const version = r.u16("version");
  if (version !== 1) throw new FormatError(`unsupported BPA1 version ${version}`);
  const modelLength = r.u32("model length");
  if (modelLength !== CLASSIC_MODEL_BYTES) {
    throw new FormatError(`embedded model length ${modelLength} is not ${CLASSIC_MODEL_BYTES}`);
  }
  const modelBytes = r.bytes(modelLength, "embedded model");
  parseClassicModel(modelBytes);
  const count = r.u32("image count");
  const entries: ClassicArchiveEntry[] = [];
  for (let i = 0; i < count; i++) {
    const name = readEntryName(r, i);
    const header = readCoded(r);
    entries.push({ name, ...header, stream: readStream(r) });
  }
  r.end();
  checkEntryNames(entries.map((e) => e.name));
  return { modelBytes, entries };
}

/**
 * Netpbm images (PGM, and PBM/PPM/PNM that hold gray data): bytes ↔ {@link GrayImage}.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { checkPixelLimit, type ImageLimits } from "./limits.ts";

const WHITESPACE_BYTES = [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d];

/** Reads the whitespace- and comment-separated header fields of a Netpbm file. */
class HeaderReader {
  pos = 2;
  constructor(readonly bytes: Uint8Array) {}

  #skip(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      if (WHITESPACE_BYTES.includes(b[this.pos])) this.pos++;
      else if (b[this.pos] === 0x23) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** Reads the next decimal number, which must lie in `min…max`. */
  number(field: string, min: number, max: number): number {
    this.#skip();
    const b = this.bytes;
    const start = this.pos;
    let value = 0;
    while (this.pos < b.length && b[this.pos] >= 0x30 && b[this.pos] <= 0x39) {
      value = value * 10 + b[this.pos++] - 0x30;
      if (value > max) throw new FormatError(`${field} is larger than ${max}`);
    }
    if (this.pos === start) throw new FormatError(`${field} is missing or not a number`);
    if (value < min) throw new FormatError(`${field} ${value} is smaller than ${min}`);
    return value;
  }

  /** Reads the bare 0/1 digits of a plain PBM. */
  bit(): number {
    this.#skip();
    const c = this.bytes[this.pos++];
    if (c !== 0x30 && c !== 0x31) throw new FormatError("PBM data is truncated or not 0/1");
    return c - 0x30;
  }

  /** Consumes the single whitespace byte that ends a binary header. */
  endHeader(): void {
    if (!WHITESPACE_BYTES.includes(this.bytes[this.pos])) {
      throw new FormatError("header does not end with whitespace");
    }
    this.pos++;
  }
}

/** Largest width or height a header may give (2^31 − 1). */
const MAX_DIMENSION = 0x7fffffff;

/**
 * Tells whether the bytes start like a Netpbm file (`P1`…`P6`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isNetpbm } from "./netpbm.ts";
 * strictEqual(isNetpbm(new TextEncoder().encode("P5\n1 1\n255\n\0")), true);
 * ```
 */
export function isNetpbm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36;
}

/** Reads the header of a Netpbm file: its kind (1…6), size and maxval (1 for PBM). */
function readHeader(bytes: Uint8Array) {
  if (!isNetpbm(bytes)) throw new FormatError("not a Netpbm image");
  const kind = bytes[1] - 0x30;
  const h = new HeaderReader(bytes);
  const width = h.number("width", 1, MAX_DIMENSION);
  const height = h.number("height", 1, MAX_DIMENSION);
  const maxValue = kind === 1 || kind === 4 ? 1 : h.number("maxval", 1, 65535);
  if (kind >= 4) h.endHeader();
  return { kind, width, height, maxValue, h };
}

/**
 * The header of a binary PGM (P5), for reading its samples a band at a time: size, maxval,
 * bytes per sample and where the samples start. `undefined` for any other Netpbm kind.
 *
 * @throws {FormatError} for a malformed header (or one cut off by the end of `bytes`).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { binaryPgmHeader } from "./netpbm.ts";
 * deepStrictEqual(binaryPgmHeader(new TextEncoder().encode("P5\n3 2\n255\n")), {
 *   width: 3, height: 2, maxValue: 255, sampleBytes: 1, dataStart: 11,
 * });
 * ```
 */
export function binaryPgmHeader(bytes: Uint8Array):
  | { width: number; height: number; maxValue: number; sampleBytes: number; dataStart: number }
  | undefined {
  if (bytes[1] !== 0x35) return undefined;
  const { width, height, maxValue, h } = readHeader(bytes);
  return { width, height, maxValue, sampleBytes: maxValue > 255 ? 2 : 1, dataStart: h.pos };
}

/** Throws unless `count` items of at least `bytesEach` bytes fit in the `left` bytes. */
function checkFits(count: number, bytesEach: number, left: number): void {
  if (count * bytesEach > left) throw new FormatError("pixel data is truncated");
}

/**
 * Checks that nothing but whitespace follows the pixel data (no second image, no junk).
 *
 * @throws {FormatError} naming what follows.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkNetpbmEnd } from "./netpbm.ts";
 * checkNetpbmEnd(new Uint8Array([7, 10]), 1); // a final newline is fine
 * throws(() => checkNetpbmEnd(new Uint8Array([7, 1]), 1), /unexpected bytes/);
 * ```
 */
export function checkNetpbmEnd(bytes: Uint8Array, at: number): void {
  for (let i = at; i < bytes.length; i++) {
    if (WHITESPACE_BYTES.includes(bytes[i])) continue;
    if (isNetpbm(bytes.subarray(i))) {
      throw new FormatError(
        "the file holds more than one image: only single-image Netpbm files are supported",
        "unsupported",
      );
    }
    throw new FormatError(`${bytes.length - i} unexpected bytes after the pixel data`);
  }
}

/**
 * Decodes a PGM (P2, P5), a PBM (P1, P4) or a PPM (P3, P6) whose red, green and blue are equal
 * in every pixel. 16-bit samples are big-endian, as Netpbm says. A PBM gives a bilevel image of
 * `maxValue` 1 (white 1, black 0). Sizes are checked against the file's length and the pixel
 * limit before anything is allocated.
 *
 * @throws {FormatError} for malformed or truncated data, colour PPMs (code `unsupported`) and
 *   images over the pixel limit (`too-large`).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeNetpbm } from "./netpbm.ts";
 * const image = decodeNetpbm(new TextEncoder().encode("P2\n2 1\n255\n7 9\n"));
 * deepStrictEqual(image.data, new Uint16Array([7, 9]));
 * ```
 */
export function decodeNetpbm(bytes: Uint8Array, limits: ImageLimits = {}): GrayImage {
  const { kind, width, height, maxValue, h } = readHeader(bytes);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const binary = kind >= 4;
  const count = width * height;
  const left = bytes.length - h.pos;
  // Each plain sample takes a digit and a separator (plain PBM digits may touch).
  if (kind === 4) checkFits(height, (width + 7) >> 3, left);
  else if (binary) checkFits(count * channels, maxValue > 255 ? 2 : 1, left);
  else checkFits(count * channels, kind === 1 ? 1 : 2, left + 1);
  checkPixelLimit(width, height, limits);
  const data = new Uint16Array(count);
  const image = { width, height, maxValue, data };
  if (kind === 4) {
    const rowBytes = (width + 7) >> 3;
    for (let y = 0; y < height; y++) {
      const row = h.pos + y * rowBytes;
      for (let x = 0, i = y * width; x < width; x++, i++) {
        data[i] = 1 - ((bytes[row + (x >> 3)] >> (7 - (x & 7))) & 1);
      }
    }
    checkNetpbmEnd(bytes, h.pos + rowBytes * height);
    return image;
  }
  if (!binary) {
    readPlainSamples(h, kind, channels, maxValue, data);
    checkNetpbmEnd(bytes, h.pos);
    return image;
  }
  const end = readBinarySamples(bytes, h.pos, channels, maxValue, data);
  checkNetpbmEnd(bytes, end);
  return image;
}

function colourPpm(): FormatError {
  return new FormatError(
    "colour PPM image: only gray images (R = G = B) are supported",
    "unsupported",
  );
}

/** Reads P1, P2 or P3 samples into `data`. */
function readPlainSamples(
  h: HeaderReader,
  kind: number,
  channels: number,
  maxValue: number,
  data: Uint16Array,
): void {
  for (let i = 0; i < data.length; i++) {
    if (kind === 1) {
      data[i] = 1 - h.bit();
      continue;
    }
    const v = h.number("sample", 0, maxValue);
    if (
      channels === 3 &&
      (h.number("sample", 0, maxValue) !== v || h.number("sample", 0, maxValue) !== v)
    ) {
      throw colourPpm();
    }
    data[i] = v;
  }
}

/**
 * Reads P5 or P6 samples starting at `at` into `data` (`channels` 1 or 3), checking each
 * against `maxValue` (and R = G = B); returns where they end.
 *
 * @throws {FormatError} for a sample above maxval or a colour pixel.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readBinarySamples } from "./netpbm.ts";
 * const data = new Uint16Array(2);
 * readBinarySamples(new Uint8Array([1, 2, 3, 4]), 0, 1, 65535, data);
 * deepStrictEqual(data, new Uint16Array([0x0102, 0x0304]));
 * ```
 */
export function readBinarySamples(
  bytes: Uint8Array,
  at: number,
  channels: number,
  maxValue: number,
  data: Uint16Array,
): number {
  const wide = maxValue > 255;
  const n = data.length;
  if (!wide && channels === 1) {
    data.set(bytes.subarray(at, at + n));
    at += n;
  } else if (channels === 1) {
    for (let i = 0; i < n; i++, at += 2) data[i] = (bytes[at] << 8) | bytes[at + 1];
  } else if (!wide) {
    for (let i = 0; i < n; i++, at += 3) {
      const v = bytes[at];
      if (bytes[at + 1] !== v || bytes[at + 2] !== v) throw colourPpm();
      data[i] = v;
    }
  } else {
    for (let i = 0; i < n; i++, at += 6) {
      const v = (bytes[at] << 8) | bytes[at + 1];
      if (
        ((bytes[at + 2] << 8) | bytes[at + 3]) !== v || ((bytes[at + 4] << 8) | bytes[at + 5]) !== v
      ) {
        throw colourPpm();
      }
      data[i] = v;
    }
  }
  if (maxValue < (wide ? 65535 : 255)) {
    for (let i = 0; i < n; i++) {
      if (data[i] > maxValue) throw new FormatError(`sample ${data[i]} exceeds maxval ${maxValue}`);
    }
  }
  return at;
}

/**
 * Encodes an image as binary PGM (P5), 16-bit big-endian when `maxValue > 255`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePgm } from "./netpbm.ts";
 * const pgm = encodePgm({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) });
 * strictEqual(new TextDecoder().decode(pgm.subarray(0, 11)), "P5\n1 1\n255\n");
 * ```
 */
export function encodePgm(image: GrayImage): Uint8Array {
  return encodeBinaryNetpbm(image, "P5", 1);
}

/**
 * Encodes an image as binary PPM (P6) with red = green = blue = the gray value.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePpm } from "./netpbm.ts";
 * const ppm = encodePpm({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) });
 * strictEqual(ppm.length, 14);
 * ```
 */
export function encodePpm(image: GrayImage): Uint8Array {
  return encodeBinaryNetpbm(image, "P6", 3);
}

function encodeBinaryNetpbm(image: GrayImage, magic: string, channels: number): Uint8Array {
  const { width, height, maxValue, data } = image;
  const header = new TextEncoder().encode(`${magic}\n${width} ${height}\n${maxValue}\n`);
  const sampleBytes = maxValue > 255 ? 2 : 1;
  const out = new Uint8Array(header.length + data.length * channels * sampleBytes);
  out.set(header);
  let pos = header.length;
  for (let i = 0; i < data.length; i++) {
    for (let c = 0; c < channels; c++) {
      if (sampleBytes === 2) out[pos++] = data[i] >> 8;
      out[pos++] = data[i] & 0xff;
    }
  }
  return out;
}

/**
 * Encodes a bilevel image (every sample 0 or `maxValue`) as binary PBM (P4): black (1) for 0.
 *
 * @throws {FormatError} when the image has other values.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePbm } from "./netpbm.ts";
 * const pbm = encodePbm({ width: 2, height: 1, maxValue: 255, data: new Uint16Array([0, 255]) });
 * strictEqual(pbm[pbm.length - 1].toString(2), "10000000");
 * ```
 */
export function encodePbm(image: GrayImage): Uint8Array {
  const { width, height, maxValue, data } = image;
  const header = new TextEncoder().encode(`P4\n${width} ${height}\n`);
  const rowBytes = (width + 7) >> 3;
  const out = new Uint8Array(header.length + rowBytes * height);
  out.set(header);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      if (v !== 0 && v !== maxValue) {
        throw new FormatError("image is not bilevel (black and white): it cannot be a PBM");
      }
      if (v === 0) out[header.length + y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return out;
}

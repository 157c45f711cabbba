/**
 * Netpbm images (PGM, and PBM/PPM/PNM that hold gray data): bytes ↔ {@link GrayImage}.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Reads the whitespace- and comment-separated header fields of a Netpbm file. */
class HeaderReader {
  pos = 2;
  constructor(readonly bytes: Uint8Array) {}

  #skip(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      if (WHITESPACE.has(b[this.pos])) this.pos++;
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
    if (!WHITESPACE.has(this.bytes[this.pos])) {
      throw new FormatError("header does not end with whitespace");
    }
    this.pos++;
  }
}

/** Largest width or height accepted from an image file (2^24 − 1). */
export const MAX_DIMENSION = 0xffffff;
/** Largest number of pixels accepted from an image file (2^31 − 1). */
export const MAX_PIXELS = 0x7fffffff;

/**
 * Checks that an image of this size can be held in memory.
 *
 * @throws {FormatError} when `width × height` exceeds {@link MAX_PIXELS}.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkImageSize } from "./netpbm.ts";
 * checkImageSize(4096, 4096); // fine
 * throws(() => checkImageSize(65536, 65536), /too large/);
 * ```
 */
export function checkImageSize(width: number, height: number): void {
  if (width * height > MAX_PIXELS) {
    throw new FormatError(
      `image of ${width}x${height} pixels is too large (at most 2^31 − 1 pixels)`,
    );
  }
}

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

/**
 * Decodes a PGM (P2, P5), a PBM (P1, P4; black is 0, white 255) or a PPM (P3, P6) whose red,
 * green and blue are equal in every pixel. 16-bit samples are big-endian, as Netpbm says.
 *
 * @throws {FormatError} for malformed or truncated data and for colour PPMs.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeNetpbm } from "./netpbm.ts";
 * const image = decodeNetpbm(new TextEncoder().encode("P2\n2 1\n255\n7 9\n"));
 * deepStrictEqual(image.data, new Uint16Array([7, 9]));
 * ```
 */
export function decodeNetpbm(bytes: Uint8Array): GrayImage {
  if (!isNetpbm(bytes)) throw new FormatError("not a Netpbm image");
  const kind = bytes[1] - 0x30;
  const h = new HeaderReader(bytes);
  const width = h.number("width", 1, MAX_DIMENSION);
  const height = h.number("height", 1, MAX_DIMENSION);
  const bilevel = kind === 1 || kind === 4;
  const maxValue = bilevel ? 255 : h.number("maxval", 1, 65535);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  checkImageSize(width, height);
  const count = width * height;
  const data = new Uint16Array(count);
  if (kind === 4) {
    h.endHeader();
    const rowBytes = (width + 7) >> 3;
    if (bytes.length - h.pos < rowBytes * height) throw new FormatError("PBM data is truncated");
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (bytes[h.pos + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        data[y * width + x] = bit ? 0 : 255;
      }
    }
    return { width, height, maxValue, data };
  }
  const binary = kind >= 4;
  const wide = maxValue > 255;
  if (binary) h.endHeader();
  const sampleBytes = wide ? 2 : 1;
  if (binary && bytes.length - h.pos < count * channels * sampleBytes) {
    throw new FormatError("pixel data is truncated");
  }
  let pos = h.pos;
  const readSample = (): number => {
    if (kind === 1) return h.bit() ? 0 : 255;
    if (!binary) return h.number("sample", 0, maxValue);
    const v = wide ? (bytes[pos] << 8) | bytes[pos + 1] : bytes[pos];
    pos += sampleBytes;
    if (v > maxValue) throw new FormatError(`sample ${v} exceeds maxval ${maxValue}`);
    return v;
  };
  for (let i = 0; i < count; i++) {
    const v = readSample();
    if (channels === 3 && (readSample() !== v || readSample() !== v)) {
      throw new FormatError("colour PPM image: only gray images (R = G = B) are supported");
    }
    data[i] = v;
  }
  return { width, height, maxValue, data };
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

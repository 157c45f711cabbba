/**
 * PNG images ↔ {@link GrayImage}, through the PNG library in `deps/png.ts`.
 *
 * @module
 */
import { decodePngFile, encodePngFile } from "../deps/png.ts";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { checkImageSize } from "./netpbm.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Tells whether the bytes start with the PNG signature.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isPng } from "./png.ts";
 * strictEqual(isPng(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])), true);
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Unpacks rows of 1-, 2- or 4-bit values (each row starts on a byte) into one value a byte. */
function unpackLowDepth(packed: ArrayLike<number>, width: number, height: number, depth: number) {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)];
      out[y * width + x] = (byte >> (8 - depth * (1 + (x % perByte)))) & mask;
    }
  }
  return out;
}

/**
 * Decodes a PNG into a gray image. Gray PNGs are taken as they are (1-, 2- and 4-bit gray is
 * scaled exactly to 8 bits, 16-bit stays 16-bit); gray+alpha, RGB, RGBA and palette PNGs only
 * when every pixel is opaque and has red = green = blue.
 *
 * @throws {FormatError} for malformed PNGs and for colour or transparent pixels.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodePng, encodePng } from "./png.ts";
 * const png = encodePng({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([42]) });
 * strictEqual(decodePng(png).data[0], 42);
 * ```
 */
export function decodePng(bytes: Uint8Array): GrayImage {
  if (!isPng(bytes)) throw new FormatError("not a PNG image");
  // Width and height sit at bytes 16…23 of the IHDR chunk: refuse huge images before decoding.
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24) checkImageSize(header.getUint32(16), header.getUint32(20));
  let png;
  try {
    png = decodePngFile(bytes);
  } catch (e) {
    throw new FormatError(`corrupt PNG (${(e as Error).message})`);
  }
  const { width, height, depth, palette, transparency } = png;
  const count = width * height;
  let channels = png.channels;
  let raw: ArrayLike<number> = png.data;
  if (depth < 8) raw = unpackLowDepth(raw, width, height * channels, depth);
  let maxValue = depth === 16 ? 65535 : 255;
  if (palette) {
    const expanded = new Uint8Array(count * 4);
    for (let i = 0; i < count; i++) {
      const entry = palette[raw[i]];
      if (!entry) throw new FormatError(`corrupt PNG (palette index ${raw[i]} out of range)`);
      expanded.set([entry[0], entry[1], entry[2], entry[3] ?? 255], i * 4);
    }
    raw = expanded;
    channels = 4;
  } else if (depth < 8) {
    const scale = 255 / ((1 << depth) - 1);
    raw = Uint8Array.from(raw as Uint8Array, (v) => v * scale);
  }
  const data = new Uint16Array(count);
  const color = channels >= 3;
  const alpha = channels === 2 || channels === 4;
  for (let i = 0; i < count; i++) {
    const at = i * channels;
    const v = raw[at];
    if (color && (raw[at + 1] !== v || raw[at + 2] !== v)) {
      throw new FormatError("colour PNG image: only gray images (R = G = B) are supported");
    }
    if (alpha && raw[at + channels - 1] !== maxValue) {
      throw new FormatError("PNG image has transparent pixels: only opaque images are supported");
    }
    data[i] = v;
  }
  if (transparency && !palette) {
    const key = transparency[0];
    if (data.some((v) => v === key)) {
      throw new FormatError("PNG image has transparent pixels: only opaque images are supported");
    }
  }
  if (depth < 8) maxValue = 255;
  return { width, height, maxValue, data };
}

/**
 * Encodes a gray image as PNG: 8-bit gray when `maxValue ≤ 255`, else 16-bit gray.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePng, isPng } from "./png.ts";
 * const png = encodePng({ width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) });
 * strictEqual(isPng(png), true);
 * ```
 */
export function encodePng(image: GrayImage): Uint8Array {
  const wide = image.maxValue > 255;
  return encodePngFile({
    width: image.width,
    height: image.height,
    data: wide ? image.data : Uint8Array.from(image.data),
    depth: wide ? 16 : 8,
    channels: 1,
  });
}

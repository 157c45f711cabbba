/**
 * Writing a gray image as a TIFF: little-endian, uncompressed strips of about 64 KiB, 8 bits a
 * sample when `maxValue` is at most 255, else 16; a signed image as SampleFormat 2 (two's
 * complement, sign-extended to the sample's width).
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { type GrayImage, sampleBits } from "./gray_image.ts";
import { writeSampleRuns } from "./sample_runs.ts";

/** Bytes of a strip at most (whole rows; at least one row). */
const STRIP_BYTES = 65536;

/**
 * Encodes a gray image as an uncompressed TIFF (BlackIsZero, one sample a pixel).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeTiff } from "./tiff_write.ts";
 * import { readTiff } from "./tiff.ts";
 * const image = { width: 3, height: 2, maxValue: 4095, data: new Uint16Array([0, 1, 2, 3, 4, 4095]) };
 * deepStrictEqual(readTiff(encodeTiff(image)).pages[0].data, image.data);
 * ```
 */
export function encodeTiff(image: GrayImage): Uint8Array {
  const { width, height, data } = image;
  const bytes = image.maxValue > 255 ? 2 : 1;
  const rowBytes = width * bytes;
  const rowsPerStrip = Math.max(1, Math.floor(STRIP_BYTES / rowBytes));
  const strips = Math.ceil(height / rowsPerStrip);
  const tags: [number, number, number[]][] = [
    [256, 4, [width]],
    [257, 4, [height]],
    [258, 3, [8 * bytes]],
    [259, 3, [1]],
    [262, 3, [1]],
    [273, 4, []], // strip offsets, filled in below
    [277, 3, [1]],
    [278, 4, [rowsPerStrip]],
    [279, 4, []],
    [284, 3, [1]],
    [339, 3, [image.signed ? 2 : 1]],
  ];
  const ifdBytes = 2 + 12 * tags.length + 4;
  const arraysAt = 8 + ifdBytes;
  const arrayBytes = strips > 1 ? 2 * 4 * strips : 0;
  let at = arraysAt + arrayBytes;
  const offsets: number[] = [];
  const counts: number[] = [];
  for (let s = 0; s < strips; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    offsets.push(at);
    counts.push(rows * rowBytes);
    at += rows * rowBytes;
  }
  tags[5][2] = offsets;
  tags[8][2] = counts;
  const w = new ByteWriter();
  w.ascii("II");
  w.u16(42);
  w.u32(8);
  w.u16(tags.length);
  let arrayAt = arraysAt;
  for (const [tag, type, values] of tags) {
    w.u16(tag);
    w.u16(type);
    w.u32(values.length);
    if (values.length > 1) {
      w.u32(arrayAt);
      arrayAt += 4 * values.length;
    } else if (type === 3) {
      w.u16(values[0]);
      w.u16(0);
    } else {
      w.u32(values[0]);
    }
  }
  w.u32(0); // no next IFD
  if (strips > 1) { for (const value of [...offsets, ...counts]) w.u32(value); }
  const pixels = new Uint8Array(width * height * bytes);
  const stored = {
    bytes: bytes as 1 | 2,
    bigEndian: false,
    bits: image.signed ? sampleBits(image.maxValue) : 8 * bytes,
    signed: image.signed === true,
  };
  const runs = [{ page: 0, offset: 0, first: 0, count: data.length }];
  writeSampleRuns(pixels, { stored: [stored], runs }, [image]);
  w.bytes(pixels);
  return w.finish();
}

/**
 * Writes seed PNGs the library's encoder does not make: palette, gray+alpha and RGB files whose
 * pixels are gray and opaque, with every row filter type in turn and the data split over several
 * IDAT chunks. Its output is checked against the source image when the seeds are built.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import type { GrayImage } from "../../src/image/gray_image.ts";
import { type PngChunk, writePng } from "./png_chunks.ts";

/** Colour types this builder writes: 2 RGB, 3 palette, 4 gray+alpha (8-bit samples). */
export type BuiltColorType = 2 | 3 | 4;

const CHANNELS: Record<BuiltColorType, number> = { 2: 3, 3: 1, 4: 2 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Row `y` filtered with type `y mod 5` (None, Sub, Up, Average, Paeth), filter byte first. */
function filterRow(raw: Uint8Array, previous: Uint8Array, bpp: number, type: number): Uint8Array {
  const out = new Uint8Array(raw.length + 1);
  out[0] = type;
  for (let i = 0; i < raw.length; i++) {
    const a = i >= bpp ? raw[i - bpp] : 0;
    const b = previous[i];
    const c = i >= bpp ? previous[i - bpp] : 0;
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
    out[i + 1] = (raw[i] - predictor) & 0xff;
  }
  return out;
}

/** An 8-bit gray image (`maxValue` 255) as a PNG of `colorType`, IDAT split in `idats` chunks. */
export function buildPng(image: GrayImage, colorType: BuiltColorType, idats = 2): Uint8Array {
  const { width, height, data } = image;
  if (image.maxValue !== 255) throw new Error("png builder: 8-bit images only");
  const chunks: PngChunk[] = [];
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  chunks.push({ type: "IHDR", data: ihdr });
  const levels = [...new Set(data)].sort((a, b) => a - b);
  if (colorType === 3) {
    chunks.push({ type: "PLTE", data: Uint8Array.from(levels.flatMap((v) => [v, v, v])) });
  }
  const channels = CHANNELS[colorType];
  const rowBytes = width * channels;
  const filtered = new Uint8Array(height * (rowBytes + 1));
  let previous = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const raw = new Uint8Array(rowBytes);
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      const pixel = colorType === 2 ? [v, v, v] : colorType === 4 ? [v, 255] : [levels.indexOf(v)];
      raw.set(pixel, x * channels);
    }
    filtered.set(filterRow(raw, previous, channels, y % 5), y * (rowBytes + 1));
    previous = raw;
  }
  const zlib = new Uint8Array(deflateSync(filtered));
  const piece = Math.ceil(zlib.length / idats);
  for (let at = 0; at < zlib.length; at += piece) {
    chunks.push({ type: "IDAT", data: zlib.slice(at, at + piece) });
  }
  chunks.push({ type: "IEND", data: new Uint8Array(0) });
  return writePng(chunks);
}

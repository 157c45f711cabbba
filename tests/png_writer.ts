/**
 * Hand-made PNG files for the tests: any header, any chunks, valid CRCs (or not), so that the
 * reader can be tested on what no encoder writes.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { crc32 } from "../src/crc32.ts";
import { PNG_SIGNATURE } from "../src/image/png_chunks.ts";

/** One chunk, with its CRC. */
export function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An IHDR chunk's data. */
export function header(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  interlace = 0,
): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return data;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Unfiltered rows (filter byte 0) of `rowBytes` bytes each, all set to `fill`. */
export function rows(height: number, rowBytes: number, fill: number): Uint8Array {
  const out = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) out.fill(fill, y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
  return out;
}

/** A PNG of the given IHDR whose image data is `raw` (filtered rows) deflated. */
export function pngFile(
  ihdr: Uint8Array,
  raw: Uint8Array,
  extra: Uint8Array[] = [],
): Uint8Array {
  return concat([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    ...extra,
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND"),
  ]);
}

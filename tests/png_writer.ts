/**
 * Hand-made PNG files for the tests: any header, any chunks, valid CRCs (or not), so that the
 * reader can be tested on what no encoder writes.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngHeaderData, writePngChunk } from "../src/image/png_chunks.ts";

/** One chunk, with its CRC; an IHDR chunk's data (any values). */
export { pngHeaderData as header, writePngChunk as chunk };

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
    writePngChunk("IHDR", ihdr),
    ...extra,
    writePngChunk("IDAT", deflateSync(raw, { level: 9 })),
    writePngChunk("IEND"),
  ]);
}

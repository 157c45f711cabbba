/**
 * PNG files as chunks: split, reassembled with fresh CRCs, and their layout (signature, each
 * chunk's length, type, data and CRC, the IHDR fields) for the mutators.
 *
 * @module
 */
import { chunk, concat } from "../png_writer.ts";
import { type Layout, LayoutBuilder } from "./layout.ts";

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One chunk: its four-letter type and its data. */
export interface PngChunk {
  type: string;
  data: Uint8Array;
}

/** What an IHDR says. */
export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

/** The chunks of a well-formed PNG (a seed, or a mutant whose chunk structure is intact). */
export function readPngChunks(bytes: Uint8Array): PngChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    if (pos + 12 + length > bytes.length) break;
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    chunks.push({ type, data: bytes.slice(pos + 8, pos + 8 + length) });
    pos += 12 + length;
  }
  if (pos !== bytes.length) throw new Error("png chunks: the file does not end with a chunk");
  return chunks;
}

/** A PNG made of `chunks`, every CRC correct. */
export function writePng(chunks: readonly PngChunk[]): Uint8Array {
  return concat([Uint8Array.from(PNG_SIGNATURE), ...chunks.map((c) => chunk(c.type, c.data))]);
}

/** The IHDR of a PNG when its first chunk is one (13 bytes long), else undefined. */
export function pngHeader(bytes: Uint8Array): PngHeader | undefined {
  if (bytes.length < 33) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== "IHDR") return undefined;
  return {
    width: view.getUint32(16),
    height: view.getUint32(20),
    depth: bytes[24],
    colorType: bytes[25],
    interlace: bytes[28],
  };
}

/** The layout of a well-formed PNG: its chunks' parts, IHDR fields and chunk CRCs. */
export function pngLayout(bytes: Uint8Array): Layout {
  const b = new LayoutBuilder(bytes, 0, true);
  b.region("signature", PNG_SIGNATURE.length);
  const seen = new Map<string, number>();
  for (const { type, data } of readPngChunks(bytes)) {
    const n = (seen.get(type) ?? 0) + 1;
    seen.set(type, n);
    const name = n === 1 ? type : `${type}#${n}`;
    b.field(`${name} length`, 4);
    const typeRegion = b.region(`${name} type`, 4);
    const dataRegion = b.region(`${name} data`, data.length);
    if (type === "IHDR") {
      b.pos = dataRegion.start;
      b.field("IHDR width", 4);
      b.field("IHDR height", 4);
      for (const f of ["bit depth", "colour type", "compression", "filter", "interlace"]) {
        b.field(`IHDR ${f}`, 1);
      }
    }
    const crcAt = b.pos;
    b.field(`${name} crc`, 4);
    b.checksum(`${name} crc`, crcAt, { start: typeRegion.start, end: dataRegion.end });
  }
  return b.layout;
}

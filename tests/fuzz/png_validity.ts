/**
 * The structural rules of the PNG specification that a mutant which decoded to other pixels must
 * still obey: a decoder that accepts a file breaking them has accepted an invalid PNG. Checked:
 * signature, whole chunks with correct CRCs, one 13-byte IHDR first with a valid size and
 * colour type / bit depth pair, methods 0 and interlace 0 or 1, PLTE where the colour type needs
 * or allows it (before the image data, 1…256 entries), tRNS of the right length before the image
 * data, consecutive IDATs, IEND last, and no unknown critical chunk.
 *
 * @module
 */
import { crc32 } from "../../src/crc32.ts";
import { PNG_SIGNATURE } from "./png_chunks.ts";

const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const KNOWN_CRITICAL = new Set(["IHDR", "PLTE", "IDAT", "IEND"]);

/** Why `bytes` is not a structurally valid PNG, or undefined when it is. */
export function pngInvalidity(bytes: Uint8Array): string | undefined {
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "bad signature";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  const lengths: number[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) return "a chunk runs past the end";
    const length = view.getUint32(pos);
    if (length > 0x7fffffff || pos + 12 + length > bytes.length) return "a chunk runs past the end";
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) return `chunk type ${JSON.stringify(type)}`;
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) {
      return `${type} CRC mismatch`;
    }
    types.push(type);
    lengths.push(length);
    pos += 12 + length;
    if (type === "IEND") break;
  }
  if (pos !== bytes.length) return "bytes after IEND";
  if (types[0] !== "IHDR" || lengths[0] !== 13) return "IHDR is not the first chunk, 13 bytes long";
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [depth, colorType, compression, filter, interlace] = bytes.subarray(24, 29);
  if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    return `size ${width}x${height}`;
  }
  if (!DEPTHS[colorType]?.includes(depth)) return `colour type ${colorType} with depth ${depth}`;
  if (compression !== 0 || filter !== 0 || interlace > 1) return "bad method or interlace";
  if (types.at(-1) !== "IEND") return "IEND is not last";
  const count = (t: string) => types.filter((x) => x === t).length;
  if (count("IHDR") !== 1 || count("IEND") !== 1) return "IHDR or IEND repeated";
  const firstData = types.indexOf("IDAT");
  if (firstData < 0) return "no IDAT";
  if (types.lastIndexOf("IDAT") - firstData + 1 !== count("IDAT")) {
    return "IDATs are not consecutive";
  }
  const unknown = types.find((t) => t[0] === t[0].toUpperCase() && !KNOWN_CRITICAL.has(t));
  if (unknown) return `unknown critical chunk ${unknown}`;
  const palette = types.indexOf("PLTE");
  if (count("PLTE") > 1) return "PLTE repeated";
  if (colorType === 3 && palette < 0) return "palette image without PLTE";
  if ((colorType === 0 || colorType === 4) && palette >= 0) {
    return `PLTE in colour type ${colorType}`;
  }
  const entries = palette >= 0 ? lengths[palette] / 3 : 0;
  if (
    palette >= 0 &&
    (palette > firstData || !Number.isInteger(entries) || entries < 1 || entries > 256)
  ) {
    return "bad PLTE";
  }
  if (colorType === 3 && entries > 2 ** depth) return "PLTE longer than the bit depth allows";
  const alpha = types.indexOf("tRNS");
  if (alpha >= 0) {
    const want = colorType === 0 ? 2 : colorType === 2 ? 6 : colorType === 3 ? undefined : -1;
    const length = lengths[alpha];
    if (count("tRNS") > 1 || alpha > firstData || (palette >= 0 && alpha < palette)) {
      return "misplaced tRNS";
    }
    if (
      want === -1 || (want !== undefined && length !== want) ||
      (want === undefined && length > entries)
    ) {
      return `tRNS of ${length} bytes in colour type ${colorType}`;
    }
  }
  return undefined;
}

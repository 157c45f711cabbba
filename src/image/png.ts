/**
 * PNG images ↔ {@link GrayImage}. Reading is bpcodec's own decoder: it checks every chunk's CRC
 * and the zlib checksum, the header and the order of the chunks, refuses colour and
 * transparency, and decodes rows straight into the image as the data is inflated (no
 * intermediate copy of the image). Writing is in `png_write.ts`.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { checkPixelLimit, type ImageLimits } from "./limits.ts";
import { looksLikePng, PngChunkReader } from "./png_chunks.ts";
import { paeth } from "./png_filters.ts";
import {
  PNG_CHANNELS,
  pngFilterStep,
  pngPasses,
  type PngPassLayout,
  pngRowBytes,
  toSignificantBits,
} from "./png_samples.ts";
import { ZlibStream } from "./zlib_stream.ts";

/**
 * Tells whether the bytes start like a PNG file (a damaged signature included: such a file is
 * then refused as a damaged PNG).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isPng } from "./png.ts";
 * strictEqual(isPng(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])), true);
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  return looksLikePng(bytes);
}

/** Bit depths each colour type allows. */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** The most bytes one byte of DEFLATE data can inflate to (a 258-byte match in 2 bits). */
const MAX_INFLATE_RATIO = 1032;

/** What the IHDR chunk says. */
interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

/** A sub-image whose rows are filtered and stored together: the whole image, or a pass. */
interface PngPass extends PngPassLayout {
  rowBytes: number;
}

function readHeader(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw new FormatError(`PNG IHDR chunk has ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = data.subarray(8);
  const invalid = (what: string) => new FormatError(`PNG header is invalid (${what})`);
  if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw invalid(`size ${width}x${height}`);
  }
  if (!(colorType in DEPTHS)) throw invalid(`colour type ${colorType}`);
  if (!DEPTHS[colorType].includes(depth)) {
    throw invalid(`bit depth ${depth} for colour type ${colorType}`);
  }
  if (compression !== 0) throw invalid(`compression method ${compression}`);
  if (filter !== 0) throw invalid(`filter method ${filter}`);
  if (interlace > 1) throw invalid(`interlace method ${interlace}`);
  return { width, height, depth, colorType, interlaced: interlace === 1 };
}

/** The sub-images whose rows the image data holds, in order (empty passes left out). */
function passesOf(header: PngHeader): PngPass[] {
  return pngPasses(header.width, header.height, header.interlaced)
    .map((pass) => ({ ...pass, rowBytes: pngRowBytes(pass.width, header) }));
}

/**
 * What each palette index stands for: a gray value (0…255), or {@link COLOUR}, {@link
 * TRANSPARENT} or {@link MISSING}.
 */
const COLOUR = -1;
const TRANSPARENT = -2;
const MISSING = -3;

function unsupported(what: "colour" | "transparency"): FormatError {
  return what === "colour"
    ? new FormatError(
      "colour PNG image: only gray images (red = green = blue in every pixel) are supported",
      "unsupported",
    )
    : new FormatError(
      "PNG image has transparent pixels: only opaque images are supported",
      "unsupported",
    );
}

/** The chunks before the image data that decide what the samples mean. */
class PngMeaning {
  /** Gray value or COLOUR/TRANSPARENT/MISSING per palette index. */
  palette: Int16Array | undefined;
  /** The tRNS colour key: one sample (gray) or three (RGB); undefined when none. */
  key: number[] | undefined;
  #seenPalette = false;
  #seenTransparency = false;

  constructor(readonly header: PngHeader) {}

  addPalette(data: Uint8Array): void {
    const { colorType, depth } = this.header;
    if (this.#seenPalette) throw new FormatError("PNG file is corrupt (two PLTE chunks)");
    this.#seenPalette = true;
    // PNG forbids a palette in a gray image: it may be a palette image whose colour type was
    // damaged, and its indices would be read as gray values.
    if (colorType === 0 || colorType === 4) {
      throw new FormatError("PNG file is corrupt (PLTE chunk in a gray image)");
    }
    const entries = data.length / 3;
    if (!Number.isInteger(entries) || entries < 1 || entries > 256) {
      throw new FormatError(`PNG file is corrupt (PLTE chunk of ${data.length} bytes)`);
    }
    // Colour types 2 and 6 may carry a suggested palette: it does not change the pixels.
    if (colorType !== 3) return;
    if (entries > 2 ** depth) {
      throw new FormatError(`PNG file is corrupt (${entries} palette entries for ${depth}-bit)`);
    }
    const palette = new Int16Array(256).fill(MISSING);
    for (let i = 0; i < entries; i++) {
      const [r, g, b] = data.subarray(3 * i, 3 * i + 3);
      palette[i] = r === g && g === b ? r : COLOUR;
    }
    this.palette = palette;
  }

  addTransparency(data: Uint8Array): void {
    const { colorType } = this.header;
    if (this.#seenTransparency) throw new FormatError("PNG file is corrupt (two tRNS chunks)");
    this.#seenTransparency = true;
    if (colorType === 3) {
      const palette = this.palette;
      if (!palette) throw new FormatError("PNG file is corrupt (tRNS before PLTE)");
      for (let i = 0; i < data.length; i++) {
        if (palette[i] === MISSING) {
          throw new FormatError("PNG file is corrupt (tRNS longer than the palette)");
        }
        if (data[i] !== 255 && palette[i] !== COLOUR) palette[i] = TRANSPARENT;
      }
    } else if (colorType === 0 || colorType === 2) {
      const samples = PNG_CHANNELS[colorType];
      if (data.length !== 2 * samples) {
        throw new FormatError(`PNG file is corrupt (tRNS chunk of ${data.length} bytes)`);
      }
      this.key = Array.from({ length: samples }, (_, i) => (data[2 * i] << 8) | data[2 * i + 1]);
    }
    // tRNS with an alpha channel is meaningless: PNG forbids it, libpng ignores it; so do we.
  }

  /** Checks what must hold once the image data starts. */
  checkComplete(): void {
    if (this.header.colorType === 3 && !this.palette) {
      throw new FormatError("PNG file is corrupt (palette image without PLTE)");
    }
  }
}

/**
 * Turns the unfiltered rows of each pass into gray samples of the image: unpacks 1/2/4-bit and
 * 16-bit samples, maps palette indices, and refuses colour and transparent pixels.
 */
class GrayWriter {
  readonly #samples: Uint16Array;
  readonly #channels: number;
  readonly #depth: number;
  readonly #colorType: number;
  readonly #palette: Int16Array | undefined;
  readonly #key: number[] | undefined;
  readonly #alphaMax: number;

  constructor(readonly image: GrayImage, meaning: PngMeaning, maxPassWidth: number) {
    const { colorType, depth } = meaning.header;
    this.#colorType = colorType;
    this.#depth = depth;
    this.#channels = PNG_CHANNELS[colorType];
    this.#samples = new Uint16Array(maxPassWidth * this.#channels);
    this.#palette = meaning.palette;
    this.#key = meaning.key;
    this.#alphaMax = 2 ** depth - 1;
  }

  /** Writes row `row` of `pass`, given its unfiltered bytes. */
  write(bytes: Uint8Array, pass: PngPass, row: number): void {
    const count = pass.width;
    const s = this.#samples;
    this.#unpack(bytes, count * this.#channels);
    const data = this.image.data;
    const step = pass.dx;
    let at = (pass.y0 + row * pass.dy) * this.image.width + pass.x0;
    switch (this.#colorType) {
      case 0: {
        const key = this.#key ? this.#key[0] : -1;
        for (let i = 0; i < count; i++, at += step) {
          if (s[i] === key) throw unsupported("transparency");
          data[at] = s[i];
        }
        break;
      }
      case 3: {
        const palette = this.#palette!;
        for (let i = 0; i < count; i++, at += step) {
          const gray = palette[s[i]];
          if (gray < 0) {
            if (gray === MISSING) {
              throw new FormatError(`PNG file is corrupt (palette index ${s[i]} has no entry)`);
            }
            throw unsupported(gray === COLOUR ? "colour" : "transparency");
          }
          data[at] = gray;
        }
        break;
      }
      case 4: {
        const max = this.#alphaMax;
        for (let i = 0; i < count; i++, at += step) {
          if (s[2 * i + 1] !== max) throw unsupported("transparency");
          data[at] = s[2 * i];
        }
        break;
      }
      default: {
        // RGB (2) and RGBA (6)
        const channels = this.#channels;
        const max = this.#alphaMax;
        const key = this.#key;
        for (let i = 0, j = 0; i < count; i++, j += channels, at += step) {
          const v = s[j];
          if (s[j + 1] !== v || s[j + 2] !== v) throw unsupported("colour");
          if (channels === 4 && s[j + 3] !== max) throw unsupported("transparency");
          if (key && key[0] === v && key[1] === v && key[2] === v) {
            throw unsupported("transparency");
          }
          data[at] = v;
        }
      }
    }
  }

  /** Unpacks `n` samples of the row into `#samples`. */
  #unpack(bytes: Uint8Array, n: number): void {
    const s = this.#samples;
    const depth = this.#depth;
    if (depth === 8) {
      s.set(bytes.subarray(0, n));
    } else if (depth === 16) {
      for (let i = 0; i < n; i++) s[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
    } else {
      const perByte = 8 / depth;
      const mask = (1 << depth) - 1;
      for (let i = 0; i < n; i++) {
        const shift = 8 - depth * (1 + (i % perByte));
        s[i] = (bytes[(i / perByte) | 0] >> shift) & mask;
      }
    }
  }
}

/** Undoes a row's filter in place, given the previous row of its pass (zeros for the first). */
function unfilter(filter: number, row: Uint8Array, previous: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] += row[i - bpp];
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] += previous[i];
      return;
    case 3:
      for (let i = 0; i < bpp; i++) row[i] += previous[i] >> 1;
      for (let i = bpp; i < n; i++) row[i] += (row[i - bpp] + previous[i]) >> 1;
      return;
    case 4:
      for (let i = 0; i < bpp; i++) row[i] += previous[i];
      for (let i = bpp; i < n; i++) row[i] += paeth(row[i - bpp], previous[i], previous[i - bpp]);
      return;
    default:
      throw new FormatError(`PNG image data is corrupt (row filter type ${filter})`);
  }
}

/** Collects inflated bytes into rows, pass by pass, and hands each unfiltered row on. */
class RowAssembler {
  readonly #passes: PngPass[];
  readonly #writer: GrayWriter;
  readonly #bpp: number;
  #row: Uint8Array;
  #previous: Uint8Array;
  #filled = 0;
  #pass = 0;
  #rowInPass = 0;

  constructor(header: PngHeader, passes: PngPass[], writer: GrayWriter) {
    this.#passes = passes;
    this.#writer = writer;
    this.#bpp = pngFilterStep(header);
    const widest = Math.max(...passes.map((p) => p.rowBytes));
    this.#row = new Uint8Array(1 + widest);
    this.#previous = new Uint8Array(1 + widest);
  }

  /** Whether every row of every pass has been received. */
  get complete(): boolean {
    return this.#pass === this.#passes.length;
  }

  /** Rows received, for messages. */
  get rowsDone(): number {
    return this.#passes.slice(0, this.#pass).reduce((n, p) => n + p.height, 0) +
      this.#rowInPass;
  }

  /** Total rows of all passes. */
  get rowsTotal(): number {
    return this.#passes.reduce((n, p) => n + p.height, 0);
  }

  add(piece: Uint8Array): void {
    let at = 0;
    while (at < piece.length) {
      if (this.complete) {
        throw new FormatError("PNG image data is corrupt (longer than the image)");
      }
      const pass = this.#passes[this.#pass];
      const need = 1 + pass.rowBytes - this.#filled;
      const take = Math.min(need, piece.length - at);
      this.#row.set(piece.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === 1 + pass.rowBytes) this.#finishRow(pass);
    }
  }

  #finishRow(pass: PngPass): void {
    const end = 1 + pass.rowBytes;
    const row = this.#row.subarray(1, end);
    const previous = this.#previous.subarray(1, end);
    if (this.#rowInPass === 0) previous.fill(0);
    unfilter(this.#row[0], row, previous, this.#bpp);
    this.#writer.write(row, pass, this.#rowInPass);
    [this.#row, this.#previous] = [this.#previous, this.#row];
    this.#filled = 0;
    if (++this.#rowInPass === pass.height) {
      this.#pass++;
      this.#rowInPass = 0;
    }
  }
}

/** The gray image a PNG header stands for, allocated once the size has been checked. */
function startImage(
  header: PngHeader,
  passes: PngPass[],
  bytesLeft: number,
  limits: ImageLimits,
): GrayImage {
  const { width, height, depth, colorType } = header;
  const dataBytes = passes.reduce((n, p) => n + p.height * (1 + p.rowBytes), 0);
  if (dataBytes > MAX_INFLATE_RATIO * bytesLeft) {
    throw new FormatError(
      `PNG file is corrupt (it declares ${width}x${height} pixels, more than its size can hold)`,
    );
  }
  checkPixelLimit(width, height, limits);
  const maxValue = colorType === 3 ? 255 : 2 ** depth - 1;
  return { width, height, maxValue, data: new Uint16Array(width * height) };
}

/**
 * Decodes a PNG into a gray image. Gray PNGs keep their bit depth (`maxValue` is 1, 3, 15, 255
 * or 65535); gray+alpha, RGB, RGBA and palette PNGs are read only when every pixel is opaque and
 * has red = green = blue (palette images give 8-bit samples). Every chunk's CRC, the zlib
 * checksum and the exact length of the image data are checked; interlaced images are read too.
 *
 * @throws {FormatError} for damaged or malformed PNGs (code `invalid`), colour or transparent
 *   pixels and animated PNGs (`unsupported`), and images over the pixel limit (`too-large`).
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { decodePng } from "./png.ts";
 * import { encodePng } from "./png_write.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([42, 7]) };
 * const back = decodePng(encodePng(image));
 * deepStrictEqual(back, image);
 * const bilevel = { width: 3, height: 1, maxValue: 1, data: new Uint16Array([1, 0, 1]) };
 * strictEqual(decodePng(encodePng(bilevel)).maxValue, 1);
 * ```
 */
export function decodePng(bytes: Uint8Array, limits: ImageLimits = {}): GrayImage {
  const chunks = new PngChunkReader(bytes);
  const first = chunks.next();
  if (first.type !== "IHDR") throw new FormatError("PNG file is corrupt (IHDR is not first)");
  const header = readHeader(first.data);
  const meaning = new PngMeaning(header);
  let image: GrayImage | undefined;
  let rows: RowAssembler | undefined;
  let zlib: ZlibStream | undefined;
  let dataEnded = false;
  let significant = 0;
  for (;;) {
    const { type, data } = chunks.next();
    if (type === "IDAT") {
      if (dataEnded) throw new FormatError("PNG file is corrupt (IDAT chunks are not together)");
      if (!zlib) {
        meaning.checkComplete();
        const passes = passesOf(header);
        image = startImage(header, passes, chunks.remaining + data.length, limits);
        const writer = new GrayWriter(image, meaning, Math.max(...passes.map((p) => p.width)));
        const assembler = new RowAssembler(header, passes, writer);
        rows = assembler;
        zlib = new ZlibStream((piece) => assembler.add(piece));
      }
      zlib.push(data);
      continue;
    }
    if (zlib) dataEnded = true;
    switch (type) {
      case "IHDR":
        throw new FormatError("PNG file is corrupt (a second IHDR)");
      case "PLTE":
        if (zlib) throw new FormatError("PNG file is corrupt (PLTE after the image data)");
        meaning.addPalette(data);
        break;
      case "tRNS":
        if (zlib) throw new FormatError("PNG file is corrupt (tRNS after the image data)");
        meaning.addTransparency(data);
        break;
      case "sBIT":
        // A gray image's significant bits (one byte). An invalid one is ignored, as libpng does.
        if (!zlib && header.colorType === 0 && data.length === 1) significant = data[0];
        break;
      case "acTL":
        throw new FormatError(
          "animated PNG (APNG): only still images are supported",
          "unsupported",
        );
      case "IEND": {
        if (!zlib || !rows || !image) {
          throw new FormatError("PNG file is corrupt (IEND before any image data)");
        }
        zlib.finish();
        if (!rows.complete) {
          throw new FormatError(
            `PNG image data is truncated (${rows.rowsDone} of ${rows.rowsTotal} rows)`,
          );
        }
        return significant > 0 && significant < header.depth && header.depth >= 8
          ? toSignificantBits(image, significant)
          : image;
      }
      default:
        // Bit 5 of the first letter clear: a critical chunk, which a decoder must understand.
        if ((type.charCodeAt(0) & 0x20) === 0) {
          throw new FormatError(`PNG file has an unknown critical chunk ${type}`, "unsupported");
        }
    }
  }
}

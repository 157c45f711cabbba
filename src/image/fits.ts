/**
 * FITS (Flexible Image Transport System) images: the primary HDU and IMAGE extensions with
 * BITPIX 8 or 16, read from their 2880-byte blocks and 80-character header cards.
 *
 * Every 2-D plane of an image HDU is a page (a cube of `NAXIS3` planes gives `NAXIS3` pages).
 * Samples are the stored integers: BITPIX 8 unsigned, BITPIX 16 two's complement shifted by
 * 32768 (so that unsigned data, `BZERO = 32768`, reads as its physical values 0…65535). BZERO
 * and BSCALE only say what the integers mean and are kept with the rest of the header. Rows are
 * in file order (FITS's first row is usually shown at the bottom).
 *
 * @module
 */
import { FormatError, quotedFileText } from "../errors.ts";
import type { GrayImage } from "./gray_image.ts";
import { type ImagePages, MAX_PAGES } from "./image_pages.ts";
import { checkPagesLimit, checkPixelLimit, type ImageLimits } from "./limits.ts";
import {
  checkSampleLayout,
  maxValueOf,
  readSampleRuns,
  type SampleRun,
  type StoredSamples,
} from "./sample_runs.ts";

const BLOCK = 2880;
const CARD = 80;
/** The most HDUs read from one file: far more than any real file has. */
const MAX_HDUS = 4096;

/**
 * Whether the bytes start like a FITS file (`SIMPLE  =` in the first card).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isFits } from "./fits.ts";
 * strictEqual(isFits(new TextEncoder().encode("SIMPLE  =                    T")), true);
 * ```
 */
export function isFits(bytes: Uint8Array): boolean {
  return ascii(bytes, 0, 9) === "SIMPLE  =";
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** A header's keywords and values (integers and logicals; other values as text). */
type Header = Map<string, string>;

/** Reads the header starting at `at`; returns it and where its data starts. */
function readHeader(bytes: Uint8Array, at: number, hdu: number): { header: Header; data: number } {
  const header: Header = new Map();
  for (let card = at;; card += CARD) {
    if (card + CARD > bytes.length) {
      throw new FormatError(`FITS header of HDU ${hdu + 1} is truncated (no END card)`);
    }
    const keyword = ascii(bytes, card, 8).trimEnd();
    if (keyword === "END") {
      const end = card + CARD;
      return { header, data: Math.ceil(end / BLOCK) * BLOCK };
    }
    if (ascii(bytes, card + 8, 2) !== "= ") continue; // COMMENT, HISTORY, blank
    if (!header.has(keyword)) header.set(keyword, cardValue(ascii(bytes, card + 10, CARD - 10)));
  }
}

/**
 * A card's value: a string's text (quotes removed, `''` read as `'`, trailing blanks dropped), or
 * the token before a comment's slash.
 */
function cardValue(text: string): string {
  const start = text.indexOf("'");
  if (start === -1 || text.slice(0, start).trim() !== "") return text.split("/")[0].trim();
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== "'") value += text[i];
    else if (text[i + 1] === "'") value += text[i++];
    else break;
  }
  return value.trimEnd();
}

function integer(header: Header, keyword: string, hdu: number, fallback?: number): number {
  const text = header.get(keyword);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw new FormatError(`FITS HDU ${hdu + 1} has no ${keyword}`);
  }
  if (!/^[+-]?\d{1,15}$/.test(text)) {
    throw new FormatError(
      `FITS HDU ${hdu + 1}: ${keyword} = ${quotedFileText(text)} is not an integer`,
    );
  }
  return Number(text);
}

/** What BITPIX values mean, for a message refusing one. */
const BITPIX_NAMES: Record<string, string> = {
  "32": "32-bit integers",
  "64": "64-bit integers",
  "-32": "32-bit floats",
  "-64": "64-bit floats",
};

/**
 * Reads every 8- or 16-bit image plane of a FITS file, with where its samples lie. HDUs without
 * an image (an empty primary HDU, tables) are skipped; they are other bytes of the file.
 *
 * @throws {FormatError} for malformed or truncated files, files without an 8- or 16-bit image
 *   (code `unsupported`, naming the BITPIX), and planes over the pixel limit (`too-large`).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readFits } from "./fits.ts";
 * const cards = ["SIMPLE  = T", "BITPIX  = 16", "NAXIS   = 2", "NAXIS1  = 2", "NAXIS2  = 1",
 *   "BZERO   = 32768", "END"];
 * const file = new Uint8Array(2 * 2880);
 * file.set(new TextEncoder().encode(cards.map((c) => c.padEnd(80)).join("").padEnd(2880)));
 * file.set([0x80, 0x05, 0x7f, 0xff], 2880); // stored −32763 and 32767: with BZERO, 5 and 65535
 * deepStrictEqual(readFits(file).pages[0].data, new Uint16Array([5, 65535]));
 * ```
 */
export function readFits(bytes: Uint8Array, limits: ImageLimits = {}): ImagePages {
  const pages: GrayImage[] = [];
  const stored: StoredSamples[] = [];
  const runs: SampleRun[] = [];
  const refused: string[] = [];
  let at = 0;
  for (let hdu = 0; at < bytes.length; hdu++) {
    if (hdu === MAX_HDUS) throw new FormatError(`FITS file of more than ${MAX_HDUS} HDUs`);
    // What follows the last HDU need not be one: "special records" (or zeros) are other bytes.
    if (hdu > 0 && ascii(bytes, at, 9) !== "XTENSION=") break;
    const { header, data } = readHeader(bytes, at, hdu);
    if (hdu === 0 && header.get("SIMPLE") !== "T") {
      throw new FormatError("FITS file says it does not conform to the standard (SIMPLE = F)");
    }
    const bitpix = integer(header, "BITPIX", hdu);
    const naxis = integer(header, "NAXIS", hdu);
    if (naxis < 0 || naxis > 999) throw new FormatError(`FITS HDU ${hdu + 1}: NAXIS ${naxis}`);
    const axes: number[] = [];
    for (let i = 1; i <= naxis; i++) {
      const n = integer(header, `NAXIS${i}`, hdu);
      if (n < 0) throw new FormatError(`FITS HDU ${hdu + 1}: NAXIS${i} ${n}`);
      axes.push(n);
    }
    const pcount = integer(header, "PCOUNT", hdu, 0);
    const gcount = integer(header, "GCOUNT", hdu, 1);
    if (!(Math.abs(bitpix) in { 8: 1, 16: 1, 32: 1, 64: 1 }) || pcount < 0 || gcount < 0) {
      throw new FormatError(`FITS HDU ${hdu + 1}: BITPIX ${bitpix}`);
    }
    // Random groups (GROUPS = T, NAXIS1 = 0) leave the first axis out of the data's size.
    const groups = header.get("GROUPS") === "T" && axes[0] === 0;
    const elements = naxis === 0 ? 0 : (groups ? axes.slice(1) : axes).reduce((a, b) => a * b, 1);
    const dataBytes = (Math.abs(bitpix) / 8) * gcount * (pcount + elements);
    if (!Number.isSafeInteger(dataBytes) || data + dataBytes > bytes.length) {
      throw new FormatError(`FITS data of HDU ${hdu + 1} is truncated`);
    }
    const xtension = header.get("XTENSION");
    if (header.get("ZIMAGE") === "T") {
      const method = header.get("ZCMPTYPE");
      refused.push(
        `a tile-compressed image (${method === undefined ? "unknown" : quotedFileText(method)})`,
      );
    }
    const isImage = (hdu === 0 && !groups) || xtension === "IMAGE";
    if (isImage && elements > 0 && naxis >= 2) {
      if (bitpix !== 8 && bitpix !== 16) {
        refused.push(`an image of BITPIX ${bitpix} (${BITPIX_NAMES[bitpix]})`);
      } else {
        const [width, height] = axes;
        const planes = elements / (width * height);
        checkPixelLimit(width, height, limits);
        const s: StoredSamples = bitpix === 8
          ? { bytes: 1, bigEndian: true, bits: 8, signed: false }
          : { bytes: 2, bigEndian: true, bits: 16, signed: true };
        if (pages.length + planes > MAX_PAGES) {
          throw new FormatError(`FITS file of more than ${MAX_PAGES} image planes`, "unsupported");
        }
        for (let plane = 0; plane < planes; plane++) {
          runs.push({
            page: pages.length,
            offset: data + plane * width * height * s.bytes,
            first: 0,
            count: width * height,
          });
          // BZERO 32768 makes 16-bit data unsigned; without it, it is signed.
          const signed = bitpix === 16 && Number(header.get("BZERO") ?? 0) !== 32768;
          pages.push({
            width,
            height,
            maxValue: 0,
            data: new Uint16Array(0),
            ...(signed && { signed }),
          });
          stored.push(s);
        }
      }
    }
    at = data + Math.ceil(dataBytes / BLOCK) * BLOCK;
  }
  if (pages.length === 0) {
    throw new FormatError(
      refused.length > 0
        ? `FITS file of ${refused[0]}: only uncompressed images of BITPIX 8 and 16 are supported`
        : "FITS file without a 2-D image",
      "unsupported",
    );
  }
  checkPagesLimit(pages, limits);
  const layout = { stored, runs };
  checkSampleLayout(layout, pages.map((p) => p.width * p.height), bytes.length);
  for (const [i, page] of pages.entries()) {
    page.maxValue = maxValueOf(stored[i]);
    page.data = new Uint16Array(page.width * page.height);
  }
  readSampleRuns(bytes, layout, pages);
  return { format: "fits", pages, layout };
}

/**
 * Writing a gray image as a FITS file: a primary HDU of BITPIX 8 (`maxValue` ≤ 255) or 16 with
 * BZERO 32768 (unsigned 16-bit data), or, for a signed image, BITPIX 16 without BZERO; rows in
 * the image's order.
 *
 * @module
 */
import { type GrayImage, sampleBits } from "./gray_image.ts";
import { writeSampleRuns } from "./sample_runs.ts";

/** One 80-character header card. */
function card(keyword: string, value: string | number, comment = ""): string {
  const text = `${keyword.padEnd(8)}= ${String(value).padStart(20)}`;
  return (comment ? `${text} / ${comment}` : text).padEnd(80).slice(0, 80);
}

/**
 * Encodes a gray image as a FITS primary HDU.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeFits } from "./fits_write.ts";
 * import { readFits } from "./fits.ts";
 * const image = { width: 2, height: 2, maxValue: 65535, data: new Uint16Array([0, 7, 40000, 65535]) };
 * deepStrictEqual(readFits(encodeFits(image)).pages[0].data, image.data);
 * ```
 */
export function encodeFits(image: GrayImage): Uint8Array {
  const { width, height, data } = image;
  const wide = image.maxValue > 255 || image.signed === true;
  const cards = [
    card("SIMPLE", "T", "conforms to FITS standard"),
    card("BITPIX", wide ? 16 : 8, "array data type"),
    card("NAXIS", 2, "number of array dimensions"),
    card("NAXIS1", width),
    card("NAXIS2", height),
    ...(wide && !image.signed
      ? [card("BZERO", 32768, "unsigned 16-bit data"), card("BSCALE", 1)]
      : []),
    "END".padEnd(80),
  ].join("");
  const headerBytes = Math.ceil(cards.length / 2880) * 2880;
  const dataBytes = data.length * (wide ? 2 : 1);
  const out = new Uint8Array(headerBytes + Math.ceil(dataBytes / 2880) * 2880);
  out.fill(0x20, 0, headerBytes);
  for (let i = 0; i < cards.length; i++) out[i] = cards.charCodeAt(i);
  // 16-bit data is two's complement: unsigned data as value − 32768 (BZERO adds it back), signed
  // data as its value (sign-extended from the image's bits).
  const stored = {
    bytes: (wide ? 2 : 1) as 1 | 2,
    bigEndian: true,
    bits: image.signed ? sampleBits(image.maxValue) : wide ? 16 : 8,
    signed: wide,
  };
  const runs = [{ page: 0, offset: headerBytes, first: 0, count: data.length }];
  writeSampleRuns(out, { stored: [stored], runs }, [image]);
  return out;
}

/**
 * v2 coding of whole images: significant planes, polarity and the image checksum around the
 * v2 stream coder.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { choosePolarity, type PolarityMode } from "../image/polarity.ts";
import { decodeV2, encodeV2, significantBits } from "./codec.ts";
import { imageCrc, MAX_V2_PIXELS, type V2CodedImage } from "./container.ts";
import type { V2Model } from "./model.ts";

/**
 * Returns the samples v2 codes: the image's own, or inverted within its significant bits
 * (`v → 2^bits − 1 − v`) when the polarity mode says so (`auto`: when the border's mean is at
 * least `2^(bits − 1)`, for 8-bit images the classic rule).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { normalizeV2 } from "./image_codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) };
 * const n = normalizeV2(image, "auto");
 * strictEqual(n.bits, 8);
 * strictEqual(n.inverted, true);
 * strictEqual(n.samples[0], 55);
 * ```
 */
export function normalizeV2(
  image: GrayImage,
  polarity: PolarityMode,
): { samples: Uint16Array; bits: number; inverted: boolean } {
  const bits = significantBits(image.data);
  const top = 2 ** bits - 1;
  const inverted = choosePolarity({ ...image, maxValue: top }, polarity);
  const samples = inverted ? image.data.map((v) => top - v) : image.data;
  return { samples, bits, inverted };
}

/**
 * Codes one image with a v2 model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeV2Image } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 2, height: 1, maxValue: 65535, data: new Uint16Array([100, 4000]) };
 * strictEqual(encodeV2Image(image, defaultV2Model(), "none").bits, 12);
 * ```
 */
export function encodeV2Image(
  image: GrayImage,
  model: V2Model,
  polarity: PolarityMode,
): V2CodedImage {
  const { width, height, maxValue, data } = image;
  if (width * height > MAX_V2_PIXELS) {
    throw new FormatError(`image size ${width}x${height} exceeds 2^31 − 1 pixels`);
  }
  const { samples, bits, inverted } = normalizeV2(image, polarity);
  const stream = encodeV2(samples, width, height, bits, model);
  return {
    width,
    height,
    maxValue,
    bits,
    inverted,
    imageCrc: imageCrc(width, height, maxValue, data),
    stream,
  };
}

/**
 * Decodes one v2 coded image and checks it against its image checksum.
 *
 * @throws {FormatError} when the stream is damaged or was coded with another model.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeV2Image, encodeV2Image } from "./image_codec.ts";
 * import { defaultV2Model } from "./model.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([1, 2]) };
 * const coded = encodeV2Image(image, defaultV2Model(), "auto");
 * deepStrictEqual(decodeV2Image(coded, defaultV2Model()).data, new Uint16Array([1, 2]));
 * ```
 */
export function decodeV2Image(coded: V2CodedImage, model: V2Model): GrayImage {
  const { width, height, maxValue, bits } = coded;
  const data = decodeV2(coded.stream, width, height, bits, model);
  if (coded.inverted) {
    const top = 2 ** bits - 1;
    for (let i = 0; i < data.length; i++) data[i] = top - data[i];
  }
  if (imageCrc(width, height, maxValue, data) !== coded.imageCrc) {
    throw new FormatError("decoded image is damaged (image checksum mismatch)");
  }
  return { width, height, maxValue, data };
}

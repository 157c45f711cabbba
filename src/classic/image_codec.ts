/**
 * Classic coding of whole images: polarity, plane coding and the `.bpc`/`.bpa` containers.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { choosePolarity, type PolarityMode } from "../image/polarity.ts";
import { namesHash, toHex } from "../sha256.ts";
import { decodePlanes, encodePlanes } from "./codec.ts";
import type { ClassicCodedImage } from "./container.ts";
import type { ClassicModel } from "./model.ts";

/**
 * Returns the 8-bit samples of an image the classic format can hold: 8-bit images as they are,
 * and 1-, 2- and 4-bit images (`maxValue` 1, 3 or 15) scaled exactly to 8 bits, as the classic
 * release read them (they decode as 8-bit images).
 *
 * @throws {FormatError} for any other `maxValue`, naming it.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { classicSamples } from "./image_codec.ts";
 * const bilevel = { width: 2, height: 1, maxValue: 1, data: new Uint16Array([0, 1]) };
 * deepStrictEqual(classicSamples(bilevel), new Uint8Array([0, 255]));
 * ```
 */
export function classicSamples(image: GrayImage): Uint8Array {
  const { maxValue, data } = image;
  if (image.signed) {
    throw new FormatError(
      "signed samples: the classic format cannot record them (use a v2 model)",
      "unsupported",
    );
  }
  if (maxValue !== 255 && maxValue !== 1 && maxValue !== 3 && maxValue !== 15) {
    const bits = 32 - Math.clz32(maxValue);
    throw new FormatError(
      `${bits}-bit image (maxval ${maxValue}): the classic format codes 8-bit images ` +
        `(maxval 255, or 1-, 2- and 4-bit images scaled to 8 bits) only`,
      "unsupported",
    );
  }
  const samples = Uint8Array.from(data);
  const scale = 255 / maxValue;
  if (scale !== 1) { for (let i = 0; i < samples.length; i++) samples[i] *= scale; }
  return samples;
}

/**
 * Returns the normalized 8-bit samples the classic model sees: inverted (`v → 255 − v`) when
 * the polarity mode says so (the `auto` rule uses the classic threshold of 128).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { normalizeClassic } from "./image_codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) };
 * const n = normalizeClassic(image, "auto");
 * strictEqual(n.inverted, true);
 * strictEqual(n.samples[0], 55);
 * ```
 */
export function normalizeClassic(
  image: GrayImage,
  polarity: PolarityMode,
): { samples: Uint8Array; inverted: boolean } {
  const samples = classicSamples(image);
  const inverted = choosePolarity({ ...image, maxValue: 255 }, polarity);
  if (inverted) { for (let i = 0; i < samples.length; i++) samples[i] = 255 - samples[i]; }
  return { samples, inverted };
}

/**
 * Codes one image with a classic model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeClassicImage } from "./image_codec.ts";
 * import { uniformClassicModel } from "./model.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) };
 * strictEqual(encodeClassicImage(image, uniformClassicModel(), "auto").inverted, true);
 * ```
 */
export function encodeClassicImage(
  image: GrayImage,
  model: ClassicModel,
  polarity: PolarityMode,
): ClassicCodedImage {
  const { samples, inverted } = normalizeClassic(image, polarity);
  const stream = encodePlanes(samples, image.width, image.height, model);
  return { width: image.width, height: image.height, inverted, stream };
}

/**
 * Decodes one classic coded image.
 *
 * @throws {FormatError} when the stream is damaged.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeClassicImage, encodeClassicImage } from "./image_codec.ts";
 * import { uniformClassicModel } from "./model.ts";
 * const model = uniformClassicModel();
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([200]) };
 * strictEqual(decodeClassicImage(encodeClassicImage(image, model, "auto"), model).data[0], 200);
 * ```
 */
export function decodeClassicImage(coded: ClassicCodedImage, model: ClassicModel): GrayImage {
  const samples = decodePlanes(coded.stream, coded.width, coded.height, model);
  const data = new Uint16Array(samples.length);
  const flip = coded.inverted ? 255 : 0;
  for (let i = 0; i < samples.length; i++) data[i] = samples[i] ^ flip;
  return { width: coded.width, height: coded.height, maxValue: 255, data };
}

/**
 * Checks that a file was coded with the model at hand: that the hash it keeps (the whole hash, or
 * its first bytes in a v2 image file) is the model's.
 *
 * @throws {FormatError} naming both hashes when they differ.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkModelHash } from "./image_codec.ts";
 * checkModelHash(new Uint8Array(32), new Uint8Array(32)); // same: no error
 * throws(() => checkModelHash(new Uint8Array(32), new Uint8Array(32).fill(1)), /model mismatch/);
 * ```
 */
export function checkModelHash(stored: Uint8Array, model: Uint8Array): void {
  if (!namesHash(stored, model)) {
    throw new FormatError(
      `model mismatch: the file was coded with model ${toHex(stored).slice(0, 16)}…, ` +
        `not with the given model ${toHex(model).slice(0, 16)}…`,
      "model-mismatch",
    );
  }
}

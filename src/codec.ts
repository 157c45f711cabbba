/**
 * The coding API: train a model, code and decode single images and archives, describe files.
 * It chooses the format from the model (coding) or from the magic (decoding).
 *
 * @module
 */
import { magicOf } from "./bytes.ts";
import {
  parseClassicArchive,
  parseClassicImage,
  serializeClassicArchive,
  serializeClassicImage,
} from "./classic/container.ts";
import {
  checkModelHash,
  decodeClassicImage,
  encodeClassicImage,
  normalizeClassic,
} from "./classic/image_codec.ts";
import { ClassicCounts, DEFAULT_ALPHA } from "./classic/model.ts";
import { FormatError } from "./errors.ts";
import type { GrayImage } from "./image/gray_image.ts";
import type { PolarityMode } from "./image/polarity.ts";
import { type FormatName, type Model, modelFromClassic, parseModel } from "./model_file.ts";

/**
 * Options for coding images.
 *
 * @example
 * ```ts
 * import type { EncodeOptions } from "./codec.ts";
 * const options: EncodeOptions = { polarity: "none" };
 * ```
 */
export interface EncodeOptions {
  /** How the polarity is chosen; `auto` (the default) inverts images with a bright border. */
  polarity?: PolarityMode;
}

/**
 * Options for training a model.
 *
 * @example
 * ```ts
 * import type { TrainOptions } from "./codec.ts";
 * const options: TrainOptions = { format: "classic", alpha: 16 };
 * ```
 */
export interface TrainOptions extends EncodeOptions {
  /** The model format to train. */
  format?: FormatName;
  /** Classic smoothing constant (≥ 1, default 16). */
  alpha?: number;
}

/**
 * Accumulates training images one at a time and then makes the model, so that a large training
 * set never has to be in memory at once.
 *
 * @example
 * ```ts
 * import { ModelTrainer } from "./codec.ts";
 * const trainer = new ModelTrainer({ format: "classic" });
 * trainer.addImage({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([3]) });
 * const model = await trainer.finish();
 * console.log(model.format, trainer.images); // classic 1
 * ```
 */
export class ModelTrainer {
  #counts = new ClassicCounts();
  #options: TrainOptions;
  /** Images added so far. */
  images = 0;

  /** Starts training with the given options. */
  constructor(options: TrainOptions = {}) {
    this.#options = options;
    if ((options.format ?? "classic") !== "classic") {
      throw new FormatError(`unknown format ${options.format}`);
    }
    // Check alpha early, before any image is read.
    this.#counts.toModel(options.alpha ?? DEFAULT_ALPHA);
  }

  /** Adds one image to the training statistics. */
  addImage(image: GrayImage): void {
    const { samples } = normalizeClassic(image, this.#options.polarity ?? "auto");
    this.#counts.addImage(samples, image.width, image.height);
    this.images++;
  }

  /** Makes the model from everything added so far. */
  finish(): Promise<Model> {
    return modelFromClassic(this.#counts.toModel(this.#options.alpha ?? DEFAULT_ALPHA));
  }
}

/**
 * Trains a model on a set of images.
 *
 * @example
 * ```ts
 * import { trainModel } from "./codec.ts";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4]) };
 * const model = await trainModel([image]);
 * console.log(model.bytes.length); // 10288
 * ```
 */
export function trainModel(
  images: Iterable<GrayImage>,
  options: TrainOptions = {},
): Promise<Model> {
  const trainer = new ModelTrainer(options);
  for (const image of images) trainer.addImage(image);
  return trainer.finish();
}

/**
 * Codes one image into a single-image file (`.bpc`) in the model's format.
 *
 * @example
 * ```ts
 * import { encodeImage, trainModel } from "./codec.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 20]) };
 * const model = await trainModel([image]);
 * const bpc = await encodeImage(image, model);
 * console.log(new TextDecoder().decode(bpc.subarray(0, 4))); // BPC1
 * ```
 */
export function encodeImage(
  image: GrayImage,
  model: Model,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const coded = encodeClassicImage(image, model.params, options.polarity ?? "auto");
  return Promise.resolve(serializeClassicImage({ ...coded, modelHash: model.hash }));
}

/**
 * Decodes a single-image file of any format, recognised by its magic. Classic files need the
 * model they were coded with.
 *
 * @throws {FormatError} for damaged files, a missing or mismatched model.
 * @example
 * ```ts
 * import { decodeImage, encodeImage, trainModel } from "./codec.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 20]) };
 * const model = await trainModel([image]);
 * const decoded = await decodeImage(await encodeImage(image, model), model);
 * console.log(decoded.data); // Uint16Array(2) [ 10, 20 ]
 * ```
 */
export function decodeImage(bytes: Uint8Array, model?: Model): Promise<GrayImage> {
  const magic = magicOf(bytes);
  if (magic !== "BPC1") throw new FormatError("not a bpcodec image (.bpc) file: bad magic");
  const file = parseClassicImage(bytes);
  if (!model) throw new FormatError("classic files need their model: pass --model");
  if (model.format !== "classic") throw new FormatError("a classic file needs a classic model");
  checkModelHash(file.modelHash, model.hash);
  return Promise.resolve(decodeClassicImage(file, model.params));
}

/**
 * An image with its name (a relative path with `/` separators) inside an archive.
 *
 * @example
 * ```ts
 * import type { ArchiveEntry } from "./codec.ts";
 * const entry: ArchiveEntry = {
 *   name: "a.png", image: { width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) },
 * };
 * ```
 */
export interface ArchiveEntry {
  /** Relative path with `/` separators. */
  name: string;
  /** The image. */
  image: GrayImage;
}

/**
 * Codes images into an archive (`.bpa`) that embeds the model.
 *
 * @example
 * ```ts
 * import { packArchive, trainModel } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const bpa = await packArchive([{ name: "a.pgm", image }], await trainModel([image]));
 * console.log(new TextDecoder().decode(bpa.subarray(0, 4))); // BPA1
 * ```
 */
export function packArchive(
  entries: Iterable<ArchiveEntry>,
  model: Model,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const coded = [];
  for (const { name, image } of entries) {
    coded.push({ name, ...encodeClassicImage(image, model.params, options.polarity ?? "auto") });
  }
  return Promise.resolve(serializeClassicArchive({ modelBytes: model.bytes, entries: coded }));
}

/**
 * Decodes every image of an archive, with the model it embeds.
 *
 * @throws {FormatError} for damaged archives and unsafe entry names.
 * @example
 * ```ts
 * import { packArchive, trainModel, unpackArchive } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const bpa = await packArchive([{ name: "a.pgm", image }], await trainModel([image]));
 * const { entries } = await unpackArchive(bpa);
 * console.log(entries[0].name, entries[0].image.data[0]); // a.pgm 9
 * ```
 */
export async function unpackArchive(
  bytes: Uint8Array,
): Promise<{ model: Model; entries: ArchiveEntry[] }> {
  if (magicOf(bytes) !== "BPA1") {
    throw new FormatError("not a bpcodec archive (.bpa) file: bad magic");
  }
  const archive = parseClassicArchive(bytes);
  const model = await parseModel(archive.modelBytes);
  const entries = archive.entries.map((entry) => {
    try {
      return { name: entry.name, image: decodeClassicImage(entry, model.params) };
    } catch (e) {
      throw new FormatError(`entry ${JSON.stringify(entry.name)}: ${(e as Error).message}`);
    }
  });
  return { model, entries };
}

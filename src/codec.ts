/**
 * The coding API: train a model, code and decode single images and archives, describe files.
 * It chooses the format from the model (coding) or from the magic (decoding).
 *
 * @module
 */
import { checkEntryNames, compareEntryNames } from "./archive_name.ts";
import {
  allBytes,
  type ByteSource,
  type ByteSpan,
  ByteWriter,
  magicOf,
  sameValues,
} from "./bytes.ts";
import { crc32 } from "./crc32.ts";
import {
  classicArchiveCountAt,
  type ClassicCodedImage,
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
import { ClassicCounts, type ClassicModel, DEFAULT_ALPHA } from "./classic/model.ts";
import { FormatError, quotedName } from "./errors.ts";
import type { GrayImage } from "./image/gray_image.ts";
import { extensionOf, loadCodecsFor } from "./image/image_file.ts";
import { pixelsKey } from "./image/pixels_key.ts";
import { checkPixelLimit, type ImageLimits } from "./image/limits.ts";
import { checkStreamHolds } from "./stream_bound.ts";
import type { PolarityMode } from "./image/polarity.ts";
import {
  type ClassicModelFile,
  defaultModel,
  type FormatName,
  isDefaultModelHash,
  type Model,
  modelFromClassic,
  modelFromV2,
  parseModel,
  type V2ModelFile,
} from "./model_file.ts";
import { sha256, toHex } from "./sha256.ts";
import {
  type CoderName,
  DICTIONARY_WINDOW,
  type ParsedV2Entry,
  parseV2Archive,
  parseV2Image,
  recordsOf,
  storedBytes,
  type V2ArchiveEntry,
  V2ArchiveWriter,
  type V2CodedImage,
  type V2FileEntry,
  type V2ReadImage,
  writeTileRecord,
  writeV2ImageStart,
} from "./v2/container.ts";
import {
  loadCodecsForParts,
  parseFileParts,
  rebuildFile,
  rebuiltBytes,
  serializeFileParts,
  splitFile,
} from "./file_parts/file_parts.ts";
import {
  type ByteModelCompressor,
  compressOnTheirOwn,
  expandParts,
  OWN_METHODS,
  type OwnCompressions,
  partsDictionary,
  type StoredParts,
  storeParts,
} from "./file_parts/stored_parts.ts";
import {
  byteRunner,
  checkRegion,
  checkTileStreams,
  decodeBands,
  decodeTiles,
  decodeV2Image,
  encodeTiles,
  encodeV2Image,
  imageRows,
  IN_THREAD_TILES,
  normalizeV2,
  type RowSource,
  tiledHeader,
  type TileRunner,
} from "./v2/image_codec.ts";
import type { TileRect } from "./v2/tiles.ts";
import { BYTE_MODEL_MAX_BYTES } from "./v2/byte_model.ts";
import { coderOf, type LevelName } from "./v2/tile_coders.ts";
import {
  countDirectSlots,
  type DirectSlotCounts,
  type TrainingImages,
} from "./v2/direct_counts.ts";
import { defaultV2Model, type V2Model } from "./v2/model.ts";
import type { TrainingProgress } from "./v2/progress.ts";
import { centralCrop, type Crop, type CropRunner } from "./v2/crop_work.ts";
import { V2Training } from "./v2/train.ts";

/**
 * Options for coding images.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type EncodeOptions, encodeImage } from "./codec.ts";
 * import { describeFile } from "./file_info.ts";
 * const options: EncodeOptions = { polarity: "none" };
 * const bright = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([250]) };
 * const info = await describeFile(await encodeImage(bright, undefined, options));
 * strictEqual(info.images?.[0].inverted, false); // "auto" would have inverted it
 * ```
 */
export interface EncodeOptions {
  /** How the polarity is chosen; `auto` (the default) inverts images with a bright border. */
  polarity?: PolarityMode;
  /**
   * Where v2 tiles are coded, e.g. a `CodingWorkers` pool; by default in this thread. Any runner
   * gives the same bytes.
   */
  runner?: TileRunner;
  /**
   * v2: `fast` (a residual coder, tens of MP/s), `default` (context mixing) or `max` (context
   * mixing with a least-squares predictor: smaller, slower). Recorded in the file: decoding needs
   * no option.
   */
  level?: LevelName;
}

/**
 * Options for training a model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type TrainOptions, trainModel } from "./codec.ts";
 * const options: TrainOptions = { format: "classic", alpha: 16 };
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * strictEqual((await trainModel([image], options)).format, "classic");
 * ```
 */
export interface TrainOptions extends EncodeOptions {
  /**
   * The model format to train: `v2` (default) or `classic`. A v2 model starts from the built-in
   * model and refines it with the images (table starts, and learning rates chosen for them).
   */
  format?: FormatName;
  /** Classic smoothing constant (≥ 1, default 16). */
  alpha?: number;
  /**
   * Where classic context statistics are counted, e.g. a `GpuClassicCounter`; by default on the
   * CPU. Any counter gives the same model bytes.
   */
  classicCounter?: ClassicContextCounter;
  /**
   * Where v2 direct-slot statistics are counted, e.g. with `countDirectSlotsOnGpu`; by default
   * on the CPU (`countDirectSlots`). Any counter gives the same model bytes.
   */
  directSlotCounter?: DirectSlotCounter;
  /** Told how far v2 training's steps are (they run in {@link ModelTrainer.finish}). */
  progress?: TrainingProgress;
  /**
   * Runs v2 training's crop coding, e.g. a `TrainingWorkers` pool; by default in this thread. Any
   * runner gives the same model bytes.
   */
  cropRunner?: CropRunner;
}

/**
 * Counts the v2 direct slots of training images from a start model somewhere else than in this
 * thread (e.g. on a GPU); it must give what `countDirectSlots` gives.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type DirectSlotCounter, trainModel } from "./codec.ts";
 * import { countDirectSlots } from "./v2/direct_counts.ts";
 * const counter: DirectSlotCounter = (images, start) => countDirectSlots(images, start);
 * const image = { width: 4, height: 4, maxValue: 255, data: new Uint16Array(16).fill(7) };
 * const model = await trainModel([image], { directSlotCounter: counter });
 * deepStrictEqual(model.bytes, (await trainModel([image])).bytes); // the same model
 * ```
 */
export type DirectSlotCounter = (
  images: TrainingImages,
  start: V2Model,
  progress?: TrainingProgress,
) => Promise<DirectSlotCounts>;

/**
 * Where a training image comes from, so that v2 training can read it again instead of keeping
 * it (see {@link ModelTrainer.addImage}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ModelTrainer, type TrainingImageSource } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const source: TrainingImageSource = { name: "dot.pgm", reload: () => Promise.resolve(image) };
 * const trainer = new ModelTrainer();
 * trainer.addImage(image, source); // keeps only a crop of it until `finish` reloads it
 * strictEqual((await trainer.finish()).format, "v2");
 * ```
 */
export interface TrainingImageSource {
  /** Reads the image again (it must be the same image). */
  reload(): Promise<GrayImage>;
  /** Its name for error messages, e.g. the file's path. */
  name?: string;
}

/**
 * Counts classic context statistics somewhere else than in this thread (e.g. on a GPU).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type ClassicContextCounter, trainModel } from "./codec.ts";
 * import { ClassicCounts } from "./classic/model.ts";
 * const counts = new ClassicCounts();
 * const counter: ClassicContextCounter = {
 *   addImage: (samples, width, height) => counts.addImage(samples, width, height),
 *   throttle: () => Promise.resolve(),
 *   finish: () => Promise.resolve({ zeros: counts.zeros, ones: counts.ones }),
 * };
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([9, 200]) };
 * const model = await trainModel([image], { format: "classic", classicCounter: counter });
 * deepStrictEqual(model.bytes, (await trainModel([image], { format: "classic" })).bytes);
 * ```
 */
export interface ClassicContextCounter {
  /** Counts the decisions of one normalized 8-bit image (it may do so later). */
  addImage(samples: Uint8Array, width: number, height: number): void;
  /** Resolves when more images can be added without piling up memory. */
  throttle(): Promise<void>;
  /** Returns the zero and one counts of every context over all images added. */
  finish(): Promise<{ zeros: Float64Array; ones: Float64Array }>;
}

/**
 * Accumulates training images one at a time and then makes the model, so that a large training
 * set never has to be in memory at once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ModelTrainer } from "./codec.ts";
 * const trainer = new ModelTrainer({ format: "classic" });
 * trainer.addImage({ width: 1, height: 1, maxValue: 255, data: new Uint16Array([3]) });
 * const model = await trainer.finish();
 * strictEqual(model.format, "classic");
 * strictEqual(trainer.images, 1);
 * ```
 */
export class ModelTrainer {
  #format: FormatName;
  #alpha: number;
  #polarity: PolarityMode;
  #counts = new ClassicCounts();
  #counter: ClassicContextCounter | undefined;
  #directSlotCounter: DirectSlotCounter | undefined;
  #progress: TrainingProgress | undefined;
  #cropRunner: CropRunner | undefined;
  /** v2: each image's central crop, and the image or how to read it again. */
  #v2Crops: Crop[] = [];
  #v2Images: (GrayImage | TrainingImageSource)[] = [];
  #v2Samples = 0;
  /** Images added so far. */
  images = 0;

  /** Starts training with the given options (format `v2` unless told otherwise). */
  constructor(options: TrainOptions = {}) {
    this.#format = options.format ?? "v2";
    this.#alpha = options.alpha ?? DEFAULT_ALPHA;
    this.#polarity = options.polarity ?? "auto";
    this.#counter = options.classicCounter;
    this.#directSlotCounter = options.directSlotCounter;
    this.#progress = options.progress;
    this.#cropRunner = options.cropRunner;
    if (this.#format !== "classic" && this.#format !== "v2") {
      throw new FormatError(`unknown format ${this.#format}`);
    }
    // Check alpha early, before any image is read.
    this.#counts.toModel(this.#alpha);
  }

  /**
   * Adds one image to the training statistics. v2 training counts every image again at the end:
   * give `source.reload` (e.g. reading the file again) and only the image's central crop is kept
   * until then, so a large training set need not fit in memory; otherwise the image is kept. An
   * image that reloads differently is an error naming `source.name`.
   */
  addImage(image: GrayImage, source?: TrainingImageSource): void {
    if (this.#format === "classic") {
      const { samples } = normalizeClassic(image, this.#polarity);
      (this.#counter ?? this.#counts).addImage(samples, image.width, image.height);
    } else {
      const normalized = this.#normalizeV2(image);
      this.#v2Crops.push(centralCrop(normalized));
      this.#v2Images.push(source ?? normalized);
      this.#v2Samples += image.width * image.height;
    }
    this.images++;
  }

  #normalizeV2(image: GrayImage): GrayImage {
    return { ...image, data: normalizeV2(image, this.#polarity).samples };
  }

  /** v2 training image `index`, read again if it was added with a `reload`. */
  async #v2Image(index: number): Promise<GrayImage> {
    const kept = this.#v2Images[index];
    if (!("reload" in kept)) return kept;
    const image = this.#normalizeV2(await kept.reload());
    const crop = centralCrop(image);
    const added = this.#v2Crops[index];
    if (!sameValues(crop.samples, added.samples) || crop.width !== added.width) {
      const name = kept.name ?? `training image ${index + 1}`;
      throw new FormatError(`${name}: changed while training: train again`);
    }
    return image;
  }

  /** Resolves when more images can be added without piling up memory in the counter. */
  ready(): Promise<void> {
    return this.#counter?.throttle() ?? Promise.resolve();
  }

  /** Makes the model from everything added so far. */
  async finish(): Promise<Model> {
    if (this.#format === "v2") {
      const training = await V2Training.begin(this.#v2Crops, {
        base: defaultV2Model(),
        searchParameters: true,
        progress: this.#progress,
        runner: this.#cropRunner,
      });
      const images: TrainingImages = {
        count: this.#v2Images.length,
        samples: this.#v2Samples,
        image: (index) => this.#v2Image(index),
      };
      const counts = this.#directSlotCounter
        ? await this.#directSlotCounter(images, training.start, this.#progress)
        : await countDirectSlots(images, training.start, this.#progress);
      return modelFromV2(await training.finish(counts, images));
    }
    if (this.#counter) {
      const { zeros, ones } = await this.#counter.finish();
      this.#counts.addCounts(zeros, ones);
    }
    return modelFromClassic(this.#counts.toModel(this.#alpha));
  }
}

/**
 * Trains a model on a set of images.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { trainModel } from "./codec.ts";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4]) };
 * const model = await trainModel([image], { format: "classic" });
 * strictEqual(model.bytes.length, 10288);
 * ```
 */
export async function trainModel(
  images: Iterable<GrayImage>,
  options: TrainOptions = {},
): Promise<Model> {
  const trainer = new ModelTrainer(options);
  for (const image of images) {
    trainer.addImage(image);
    await trainer.ready();
  }
  return trainer.finish();
}

/**
 * Codes one image into a single-image file (`.bpc`) in the model's format; without a model,
 * v2 with the built-in default model.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeImage, trainModel } from "./codec.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 20]) };
 * const model = await trainModel([image]);
 * const bpc = await encodeImage(image, model);
 * strictEqual(new TextDecoder().decode(bpc.subarray(0, 4)), "BPC2"); // v2, the default format
 * ```
 */
export async function encodeImage(
  image: GrayImage,
  model?: Model,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const w = new ByteWriter();
  for await (const piece of encodeImageStream(imageRows(image), model, options)) w.bytes(piece);
  return w.finish();
}

/**
 * Codes an image read a band of rows at a time (a file being read, say) into a single-image file,
 * yielded in pieces as its tiles are coded, so that neither the image nor the file need be in
 * memory at once (v2; a classic image is read whole: its format has no tiles).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeImage, encodeImage, encodeImageStream } from "./codec.ts";
 * import { imageRows } from "./v2/image_codec.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 20]) };
 * const pieces = [];
 * for await (const piece of encodeImageStream(imageRows(image))) pieces.push(...piece);
 * deepStrictEqual(new Uint8Array(pieces), await encodeImage(image));
 * ```
 */
export async function* encodeImageStream(
  source: RowSource,
  model?: Model,
  options: EncodeOptions = {},
): AsyncGenerator<Uint8Array> {
  const polarity = options.polarity ?? "auto";
  const chosen = model ?? await defaultModel();
  if (chosen.format === "classic") {
    const { width, height, maxValue } = source;
    const image = { width, height, maxValue, data: (await source.rows(0, height)).slice() };
    const coded = encodeClassicImage(image, chosen.params, polarity);
    yield serializeClassicImage({ ...coded, modelHash: chosen.hash });
    return;
  }
  const header = await tiledHeader(source, coderOf(options.level ?? "default"));
  const start = new ByteWriter();
  writeV2ImageStart(start, header, chosen.hash);
  yield start.finish();
  const runner = options.runner ?? IN_THREAD_TILES;
  for await (const tile of encodeTiles(source, header, chosen.params, polarity, runner)) {
    const record = new ByteWriter();
    writeTileRecord(record, tile);
    yield record.finish();
  }
}

/**
 * Options for decoding: the pixel limit every image is checked against before it is decoded,
 * where v2 tiles are decoded, and the region to decode.
 *
 * @example
 * ```ts
 * import type { DecodeOptions } from "./codec.ts";
 * const options: DecodeOptions = { maxPixels: 100_000_000 };
 * ```
 */
export interface DecodeOptions extends ImageLimits {
  /** Where v2 tiles are decoded (e.g. a `CodingWorkers` pool); by default in this thread. */
  runner?: TileRunner;
  /**
   * Decode only this rectangle of the image (v2: only the tiles it touches are decoded). The
   * pixel limit then applies to the region.
   */
  region?: TileRect;
}

/** Bit planes of every classic image. */
const CLASSIC_BITS = 8;

/**
 * Checks a coded image's declared size before anything is allocated for it: first that its
 * streams can hold it (else the file is damaged, whatever the limit), then the pixel limit (of
 * the region, when one is asked for).
 */
function checkDeclaredSize(
  coded: ClassicCodedImage | V2CodedImage,
  options: DecodeOptions,
): void {
  if ("tiles" in coded) checkTileStreams(coded);
  else checkStreamHolds(coded.width, coded.height, CLASSIC_BITS, coded.stream.length);
  const { width, height } = options.region ?? coded;
  if (options.region) checkRegion(options.region, coded);
  checkPixelLimit(width, height, options);
}

/** Decodes a classic image, or a region of it (the whole image is decoded, then cut). */
function decodeClassicRegion(
  coded: ClassicCodedImage,
  params: ClassicModel,
  region: TileRect | undefined,
): GrayImage {
  const image = decodeClassicImage(coded, params);
  if (!region) return image;
  const data = new Uint16Array(region.width * region.height);
  for (let y = 0; y < region.height; y++) {
    const from = (region.y + y) * image.width + region.x;
    data.set(image.data.subarray(from, from + region.width), y * region.width);
  }
  return { width: region.width, height: region.height, maxValue: image.maxValue, data };
}

/** The v2 model a file refers to: the one given (checked), or the built-in one. */
async function v2ModelFor(hash: Uint8Array, model: Model | undefined): Promise<V2ModelFile> {
  if (model) {
    if (model.format !== "v2") {
      throw new FormatError("a v2 file needs a v2 model, not a classic one", "model-mismatch");
    }
    checkModelHash(hash, model.hash);
    return model;
  }
  if (await isDefaultModelHash(hash)) return defaultModel();
  throw new FormatError(
    `coded with model ${toHex(hash).slice(0, 16)}…, not the built-in one: its model is needed`,
    "model-required",
  );
}

/** The classic model a file was coded with: the one given, checked. */
function classicModelFor(hash: Uint8Array, model: Model | undefined): ClassicModelFile {
  if (!model) {
    throw new FormatError(
      `coded with classic model ${toHex(hash).slice(0, 16)}…: classic files need their model`,
      "model-required",
    );
  }
  if (model.format !== "classic") {
    throw new FormatError("a classic file needs a classic model, not a v2 one", "model-mismatch");
  }
  checkModelHash(hash, model.hash);
  return model;
}

/**
 * Decodes a single-image file of any format, recognised by its magic. Classic files need the
 * model they were coded with; v2 files too, unless they were coded with the built-in model. The
 * image's size is checked against the pixel limit and the length of its coded stream before
 * anything is allocated for it.
 *
 * @throws {FormatError} for damaged files (code `invalid`), a missing model (`model-required`)
 *   or a mismatched one (`model-mismatch`), and images over the limit (`too-large`).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeImage, encodeImage, trainModel } from "./codec.ts";
 * const image = { width: 2, height: 1, maxValue: 255, data: new Uint16Array([10, 20]) };
 * const model = await trainModel([image]);
 * const decoded = await decodeImage(await encodeImage(image, model), model);
 * deepStrictEqual(decoded, image);
 * ```
 */
export async function decodeImage(
  bytes: Uint8Array,
  model?: Model,
  options: DecodeOptions = {},
): Promise<GrayImage> {
  const { width, height, maxValue, bands } = await decodeImageStream(bytes, model, options);
  const data = new Uint16Array(width * height);
  for await (const band of bands) data.set(band.rows, band.y * width);
  return { width, height, maxValue, data };
}

/**
 * A decoded image (or region) handed out a band of rows at a time.
 *
 * @example
 * ```ts
 * import type { DecodedImageStream } from "./codec.ts";
 * async function rows(stream: DecodedImageStream): Promise<number> {
 *   let count = 0;
 *   for await (const band of stream.bands) count += band.rows.length / stream.width;
 *   return count;
 * }
 * ```
 */
export interface DecodedImageStream {
  /** Samples per row (of the region, when one was asked for). */
  width: number;
  /** Rows. */
  height: number;
  /** The image's maxval. */
  maxValue: number;
  /** Whether the samples are signed values shifted by half the range (absent: unsigned). */
  signed?: boolean;
  /** The bands in order: `y` is a band's first row (from the region's top), `rows` its samples. */
  bands: AsyncIterable<{ y: number; rows: Uint16Array }>;
  /**
   * Or, instead of the bands, the tiles in raster order, each the part of a tile inside the
   * region (`rect` counted from the region's corner) with its samples: a caller that can write
   * anywhere (a file) holds no band. Iterate one of the two.
   */
  tiles: AsyncIterable<{ rect: TileRect; samples: Uint16Array }>;
}

/**
 * Checks a single-image file as {@link decodeImage} does, then decodes it (or `options.region`
 * of it) a band of rows at a time as the bands are read (v2: a row of tiles at a time, only the
 * tiles the region touches; classic: one band, the whole image), so that a decoded image can be
 * written out without being held whole.
 *
 * @throws {FormatError} as {@link decodeImage}; a damaged tile fails the band it is in.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeImageStream, encodeImage } from "./codec.ts";
 * const image = { width: 3, height: 1, maxValue: 255, data: new Uint16Array([1, 2, 3]) };
 * const region = { x: 1, y: 0, width: 2, height: 1 };
 * const stream = await decodeImageStream(await encodeImage(image), undefined, { region });
 * for await (const band of stream.bands) deepStrictEqual(band.rows, new Uint16Array([2, 3]));
 * ```
 */
export async function decodeImageStream(
  bytes: Uint8Array,
  model?: Model,
  options: DecodeOptions = {},
): Promise<DecodedImageStream> {
  const magic = magicOf(bytes);
  if (magic === "BPC2") {
    const file = parseV2Image(bytes);
    const { params } = await v2ModelFor(file.modelHash, model);
    checkDeclaredSize(file.image, options);
    const region = options.region ??
      { x: 0, y: 0, width: file.image.width, height: file.image.height };
    const runner = options.runner ?? IN_THREAD_TILES;
    const bands = regionBands(file.image, params, runner, region);
    const tiles = regionTiles(file.image, params, runner, region);
    const { width, height } = region;
    const signed = file.image.signed && { signed: true };
    return { width, height, maxValue: file.image.maxValue, ...signed, bands, tiles };
  }
  if (magic !== "BPC1") throw new FormatError("not a bpcodec image (.bpc) file: bad magic");
  const file = parseClassicImage(bytes);
  const { params } = classicModelFor(file.modelHash, model);
  checkDeclaredSize(file, options);
  const image = decodeClassicRegion(file, params, options.region);
  const { width, height, maxValue, data } = image;
  const bands = (async function* () {
    yield { y: 0, rows: data };
  })();
  const tiles = (async function* () {
    yield { rect: { x: 0, y: 0, width, height }, samples: data };
  })();
  return { width, height, maxValue, bands, tiles };
}

/** The tiles of a v2 image inside `region`, cut to it, counted from its corner. */
async function* regionTiles(
  coded: V2CodedImage,
  params: V2Model,
  runner: TileRunner,
  region: TileRect,
): AsyncGenerator<{ rect: TileRect; samples: Uint16Array }> {
  for await (const tile of decodeTiles(coded, params, runner, region)) {
    const x = Math.max(region.x, tile.rect.x);
    const y = Math.max(region.y, tile.rect.y);
    const right = Math.min(region.x + region.width, tile.rect.x + tile.rect.width);
    const bottom = Math.min(region.y + region.height, tile.rect.y + tile.rect.height);
    const inside = { x, y, width: right - x, height: bottom - y };
    const samples = inside.width === tile.rect.width && inside.height === tile.rect.height
      ? tile.samples
      : cutRect(tile.samples, tile.rect, inside);
    yield { rect: { ...inside, x: x - region.x, y: y - region.y }, samples };
  }
}

/** The samples of `inside` from those of `rect` (which holds it). */
function cutRect(samples: Uint16Array, rect: TileRect, inside: TileRect): Uint16Array {
  const out = new Uint16Array(inside.width * inside.height);
  for (let y = 0; y < inside.height; y++) {
    const from = (inside.y - rect.y + y) * rect.width + inside.x - rect.x;
    out.set(samples.subarray(from, from + inside.width), y * inside.width);
  }
  return out;
}

/** The bands of `region` of a v2 image, their rows counted from the region's top. */
async function* regionBands(
  coded: V2CodedImage,
  params: V2Model,
  runner: TileRunner,
  region: TileRect,
): AsyncGenerator<{ y: number; rows: Uint16Array }> {
  for await (const band of decodeBands(coded, params, runner, region)) {
    yield { y: band.y - region.y, rows: band.rows };
  }
}

/**
 * An image with its name (a relative path with `/` separators) inside an archive.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type ArchiveEntry, packArchive, unpackArchive } from "./codec.ts";
 * const entry: ArchiveEntry = {
 *   name: "a.png", image: { width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) },
 * };
 * const { entries } = await unpackArchive(await packArchive([entry]));
 * strictEqual(entries[0].name, "a.png");
 * ```
 */
export interface ArchiveEntry {
  /** Relative path with `/` separators. */
  name: string;
  /** The image. */
  image: GrayImage;
}

/**
 * A file for {@link packArchive} to keep byte for byte: an image file's pixels are coded with
 * the model and its other bytes kept aside; any other file is kept whole.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type ArchiveFile, openArchive, packArchive } from "./codec.ts";
 * const file: ArchiveFile = { name: "notes.txt", file: new TextEncoder().encode("scanned 2024") };
 * const archive = await openArchive(await packArchive([file]));
 * strictEqual(new TextDecoder().decode(await archive.rebuild(0)), "scanned 2024");
 * ```
 */
export interface ArchiveFile {
  /** Relative path with `/` separators. */
  name: string;
  /** The file's bytes. */
  file: Uint8Array;
}

/**
 * Options for {@link packArchive}.
 *
 * @example
 * ```ts
 * import type { PackOptions } from "./codec.ts";
 * const skipped: string[] = [];
 * const options: PackOptions = { skip: (name) => skipped.push(name) };
 * ```
 */
export interface PackOptions extends EncodeOptions, ImageLimits {
  /**
   * Told of an entry that cannot be coded (e.g. a 16-bit image in a classic archive), which is
   * then left out; without it, such an entry fails the whole archive.
   */
  skip?: (name: string, error: FormatError) => void;
}

/**
 * Codes images into an archive (`.bpa`) in the model's format; without a model, v2 with the
 * built-in default model. Each image is coded as it comes from `entries` (which may be async),
 * so only the coded streams are held. Entries are stored in the UTF-8 byte order of their names
 * (as `pack` lists a folder), which every archive reader checks: an array is put in that order,
 * other entries must come in it. Two entries may not have the same name, nor may a name be the
 * folder of another. The archive embeds its model, except the built-in one, which it refers to
 * by hash. {@link packArchiveStream} writes the same bytes piece by piece.
 *
 * @throws {FormatError} for unsafe or clashing names, and images the format cannot hold.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { packArchive, trainModel } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const bpa = await packArchive([{ name: "a.pgm", image }], await trainModel([image]));
 * strictEqual(new TextDecoder().decode(bpa.subarray(0, 4)), "BPA2");
 * ```
 */
export async function packArchive(
  entries: Iterable<ArchiveEntry | ArchiveFile> | AsyncIterable<ArchiveEntry | ArchiveFile>,
  model?: Model,
  options: PackOptions = {},
): Promise<Uint8Array> {
  const inOrder = Array.isArray(entries)
    ? [...entries].sort((a, b) => compareEntryNames(a.name, b.name))
    : entries;
  return (await archiveOf(packArchiveStream(inOrder, model, options))).bytes;
}

/**
 * The archive {@link packArchiveStream}'s pieces make, its entry count written in, and its
 * entries as stored: the archive in memory.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { archiveOf, packArchiveStream } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const { bytes, entries } = await archiveOf(packArchiveStream([{ name: "a.pgm", image }]));
 * strictEqual(new TextDecoder().decode(bytes.subarray(0, 4)), "BPA2");
 * strictEqual(entries[0].pixels, 1);
 * ```
 */
export async function archiveOf(
  pieces: AsyncGenerator<Uint8Array, PackedArchive>,
): Promise<{ bytes: Uint8Array; entries: PackedEntry[] }> {
  const w = new ByteWriter();
  let next = await pieces.next();
  for (; !next.done; next = await pieces.next()) w.bytes(next.value);
  const bytes = w.finish();
  bytes.set(next.value.count, next.value.countAt);
  return { bytes, entries: next.value.entries };
}

/**
 * What {@link packArchiveStream} returns once it has yielded every piece of an archive: the
 * entry count field to write over the first piece's, and each entry as stored.
 *
 * @example
 * ```ts
 * import type { PackedArchive } from "./codec.ts";
 * const end: PackedArchive = { count: new Uint8Array(4), countAt: 44, entries: [] };
 * ```
 */
export interface PackedArchive {
  /** The entry count field (u32, little-endian). */
  count: Uint8Array;
  /** Where the entry count field is in the archive. */
  countAt: number;
  /** The entries as stored, in archive order. */
  entries: PackedEntry[];
}

/**
 * An entry as {@link packArchiveStream} stored it.
 *
 * @example
 * ```ts
 * import type { PackedEntry } from "./codec.ts";
 * const entry: PackedEntry = { name: "scan.tif", note: "TIFF", pixels: 4096, kept: { exact: true } };
 * ```
 */
export interface PackedEntry {
  /** Relative path with `/` separators. */
  name: string;
  /** How the entry is kept (v2 kept files). */
  note?: string;
  /** Pixels of its images. */
  pixels: number;
  /** Of a kept file: whether it is rebuilt byte for byte. */
  kept?: { exact: boolean };
}

/**
 * Codes entries into an archive as {@link packArchive} does, yielding its bytes in pieces as they
 * are coded, so that the archive need not be in memory (v2; a classic archive comes in one
 * piece): the entries must come in the order of their names. The entry count is known last: the
 * first piece holds 0 there, and the value returned says what to write over it (at `countAt`,
 * four bytes); the last piece, the archive checksum, is already right for it. Memory stays that
 * of the entries being coded, a little for each entry (its name, and its pixels' key) and 32 KiB
 * for each of the last few kept files (their dictionaries).
 *
 * @throws {FormatError} as {@link packArchive}, and for entries out of order.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { packArchive, packArchiveStream } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const entries = [{ name: "a.pgm", image }, { name: "b.pgm", image }];
 * const pieces = packArchiveStream(entries);
 * const bytes: number[] = [];
 * let next = await pieces.next();
 * for (; !next.done; next = await pieces.next()) bytes.push(...next.value);
 * const archive = new Uint8Array(bytes);
 * archive.set(next.value.count, next.value.countAt);
 * deepStrictEqual(archive, await packArchive(entries));
 * deepStrictEqual(next.value.entries.map((e) => e.pixels), [1, 1]);
 * ```
 */
export async function* packArchiveStream(
  entries: Iterable<ArchiveEntry | ArchiveFile> | AsyncIterable<ArchiveEntry | ArchiveFile>,
  model?: Model,
  options: PackOptions = {},
): AsyncGenerator<Uint8Array, PackedArchive> {
  const polarity = options.polarity ?? "auto";
  const chosen = model ?? await defaultModel();
  if (chosen.format === "classic") {
    const encode = (entry: ArchiveEntry | ArchiveFile) => {
      if ("file" in entry) throw new FormatError("classic archives keep images, not files");
      return encodeClassicImage(entry.image, chosen.params, polarity);
    };
    const coded: (ReturnType<typeof encode> & { name: string })[] = [];
    for await (const entry of codedInOrder(entries, encode, options)) coded.push(entry);
    coded.sort((a, b) => compareEntryNames(a.name, b.name));
    checkEntryNames(coded.map((e) => e.name));
    yield serializeClassicArchive({ modelBytes: chosen.bytes, entries: coded });
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, coded.length, true);
    const pixels = ({ name, width, height }: (typeof coded)[number]) => ({
      name,
      pixels: width * height,
    });
    return {
      count,
      countAt: classicArchiveCountAt(chosen.bytes.length),
      entries: coded.map(pixels),
    };
  }
  const coder = coderOf(options.level ?? "default");
  const byteJobs = byteRunner(options.runner ?? IN_THREAD_TILES);
  // The same pixels in several files are coded once: later ones wait to be written as repeats
  // of the first (coded only if the archive cannot repeat it there).
  const seen = new Set<string>();
  const partsSeen = new Set<string>();
  const encodeImage = async (image: GrayImage): Promise<V2CodedImage> => {
    const key = image.data.length > RECURRING_MAX_SAMPLES ? undefined : await pixelsKey(image);
    const code = () => encodeV2Image(image, chosen.params, polarity, options.runner, coder);
    if (key === undefined) return await code();
    if (seen.has(key)) return repeatOnly(image, coder, key, code);
    seen.add(key);
    return { ...(await code()), repeatKey: key };
  };
  const encode = async (
    entry: ArchiveEntry | ArchiveFile,
  ): Promise<Omit<V2ArchiveEntry, "name"> | PendingFile> => {
    if (!("file" in entry)) return await encodeImage(entry.image);
    await loadCodecsFor(entry.file);
    const { pages, parts, note, exact } = splitFile(entry.file, options);
    const coded = await Promise.all(pages.map(encodeImage));
    const rawParts = serializeFileParts(parts);
    const rawPartsKey = `${rawParts.length} ${toHex(await sha256(rawParts))}`;
    const copy = partsSeen.has(rawPartsKey);
    partsSeen.add(rawPartsKey);
    return {
      note,
      exact,
      sha256: await sha256(entry.file),
      fileBytes: entry.file.length,
      pages: coded,
      rawParts,
      rawPartsKey,
      // On the workers, as the images are (the byte model codes about 1 MB/s); parts too long for
      // it, and a copy's (which the storer mostly repeats from its source), are left to the storer.
      ...(!copy && rawParts.length <= BYTE_MODEL_MAX_BYTES &&
        { own: await compressOnTheirOwn(rawParts, byteJobs.compressBytes) }),
    };
  };
  const writer = new V2ArchiveWriter();
  yield writer.start({
    modelHash: chosen.hash,
    modelBytes: chosen.builtIn ? undefined : chosen.bytes,
  });
  const storeFile = fileStorer(byteJobs.compressBytes);
  const stored: PackedEntry[] = [];
  for await (const coded of codedInOrder(entries, encode, options)) {
    const entry = "rawParts" in coded ? await storeFile(stored.length, coded) : coded;
    const pixels = ("pages" in entry ? entry.pages : [entry])
      .reduce((n, page) => n + page.width * page.height, 0);
    yield writer.add(await withRecordsCoded(writer, entry));
    stored.push({
      name: entry.name,
      ...(entry.note !== undefined && { note: entry.note }),
      pixels,
      ...("pages" in entry && { kept: { exact: entry.exact } }),
    });
  }
  const end = writer.end();
  yield end.checksum;
  return { count: end.count, countAt: end.countAt, entries: stored };
}

/** Images of at most this many samples are recognised when they recur (hashing copies them). */
const RECURRING_MAX_SAMPLES = 1 << 26;

/**
 * A record of `image`'s pixels waiting to be written as a repeat of the earlier one of `key`:
 * its header, no tiles, and how to code it should the archive write it whole.
 */
function repeatOnly(
  image: GrayImage,
  coder: CoderName,
  key: string,
  code: () => Promise<V2CodedImage>,
): V2CodedImage & { code: () => Promise<V2CodedImage> } {
  const { width, height, maxValue } = image;
  return {
    width,
    height,
    maxValue,
    coder,
    tileWidth: width,
    tileHeight: height,
    ...(image.signed && { signed: true }),
    tiles: [],
    repeatKey: key,
    code,
  };
}

/**
 * `entry` with every record of {@link repeatOnly} coded that `writer` would write whole (found one
 * by one in order: where a record is written whole moves the records after it).
 */
async function withRecordsCoded(
  writer: V2ArchiveWriter,
  entry: V2ArchiveEntry | V2FileEntry,
): Promise<V2ArchiveEntry | V2FileEntry> {
  // Planning measures every record: only worth it where one waits to be coded.
  if (!("pages" in entry ? entry.pages : [entry]).some((record) => "code" in record)) return entry;
  for (let i = writer.uncoded(entry); i !== undefined; i = writer.uncoded(entry)) {
    const record = ("pages" in entry ? entry.pages[i] : entry) as ReturnType<typeof repeatOnly>;
    const coded = { ...await record.code(), repeatKey: record.repeatKey };
    entry = "pages" in entry
      ? { ...entry, pages: entry.pages.with(i, coded) }
      : { name: entry.name, ...(entry.note !== undefined && { note: entry.note }), ...coded };
  }
  return entry;
}

/**
 * A kept file as coded, before its parts are stored: its parts, their length and SHA-256, and
 * (unless they are an earlier file's) their compressions on their own.
 */
type PendingFile = Omit<V2FileEntry, "name" | "parts"> & {
  rawParts: Uint8Array;
  rawPartsKey: string;
  own?: OwnCompressions;
};

/**
 * Parts of at most this many bytes are also tried with a dictionary: beyond, 32 KiB of
 * dictionary can save little of them, and compressing them twice would cost time.
 */
const PRIMED_PARTS_MAX_BYTES = 1 << 20;

/**
 * Bytes of the byte model's parts the storer keeps for files that may recur, so that a copy reuses
 * them instead of compressing its parts again (a copy whose source has left them, or whose
 * source's parts are zlib's, is compressed anew).
 */
const RECURRING_PARTS_BYTES = 32 << 20;

/**
 * Stores kept files' parts, given in archive order with each entry's index: compressed with the
 * parts of the last kept file before it with the same extension as dictionary (parts methods 2, 5)
 * when that one is among the {@link DICTIONARY_WINDOW} kept files before it and the result is
 * smaller, else on their own; and notes the earlier entry with the same parts stored on their
 * own, if any, which the writer repeats (method 3), or, where the reader's bound refuses a repeat,
 * writes as that entry's stored parts again.
 */
function fileStorer(
  compress: ByteModelCompressor,
): (index: number, coded: PendingFile & { name: string }) => Promise<V2FileEntry> {
  let keptFiles = 0;
  const last = new Map<string, { index: number; ordinal: number; dictionary: Uint8Array }>();
  const onTheirOwn = new Map<string, number>();
  // The stored parts of the latest of those in `onTheirOwn` that the byte model compressed, at
  // most RECURRING_PARTS_BYTES of them.
  const recent = new Map<string, StoredParts>();
  let recentBytes = 0;
  return async (index, coded) => {
    const { rawParts, rawPartsKey, own, ...file } = coded;
    const ordinal = keptFiles++;
    const extension = extensionOf(file.name);
    const previous = last.get(extension);
    const near = previous !== undefined && ordinal - previous.ordinal <= DICTIONARY_WINDOW &&
      rawParts.length <= PRIMED_PARTS_MAX_BYTES;
    const samePartsAs = onTheirOwn.get(rawPartsKey);
    const dictionary = near ? { dictionary: previous.dictionary, entry: previous.index } : {};
    const parts = (samePartsAs !== undefined ? recent.get(rawPartsKey) : undefined) ??
      await storeParts(rawParts, { ...dictionary, own, compress });
    last.set(extension, { index, ordinal, dictionary: partsDictionary(rawParts).slice() });
    for (const [other, kept] of last) {
      if (ordinal - kept.ordinal >= DICTIONARY_WINDOW) last.delete(other);
    }
    if (samePartsAs === undefined && OWN_METHODS.includes(parts.method)) {
      onTheirOwn.set(rawPartsKey, index);
    }
    if (samePartsAs === undefined && parts.method === 4) {
      recent.set(rawPartsKey, parts);
      recentBytes += parts.data.length;
      for (const [key, kept] of recent) {
        if (recentBytes <= RECURRING_PARTS_BYTES) break;
        recent.delete(key);
        recentBytes -= kept.data.length;
      }
    }
    return { ...file, parts, ...(samePartsAs !== undefined && { samePartsAs }) };
  };
}

/**
 * Codes each entry as it comes (`options.runner.concurrency` images at once) and yields them in
 * the order they came, leaving out those `options.skip` is told of.
 */
async function* codedInOrder<T>(
  entries: Iterable<ArchiveEntry | ArchiveFile> | AsyncIterable<ArchiveEntry | ArchiveFile>,
  encode: (entry: ArchiveEntry | ArchiveFile) => T | Promise<T>,
  options: PackOptions,
): AsyncGenerator<T & { name: string }> {
  // As many images are coded at once as the runner codes tiles at once, results kept in order.
  const inFlight: { name: string; coding: Promise<T> }[] = [];
  const settle = async () => {
    const { name, coding } = inFlight.shift()!;
    try {
      return { name, ...await coding };
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      const error = new FormatError(`entry ${quotedName(name)}: ${e.message}`, e.code);
      if (!options.skip) throw error;
      options.skip(name, error);
    }
  };
  const concurrency = options.runner?.concurrency ?? 1;
  for await (const entry of entries) {
    const name = entry.name;
    const coding = Promise.resolve().then(() => encode(entry));
    coding.catch(() => {}); // settled in order below
    inFlight.push({ name, coding });
    if (inFlight.length < concurrency) continue;
    const coded = await settle();
    if (coded) yield coded;
  }
  while (inFlight.length > 0) {
    const coded = await settle();
    if (coded) yield coded;
  }
}

/**
 * What an archive entry is, read from the archive's index without decoding it.
 *
 * @example
 * ```ts
 * import type { ArchiveEntryInfo } from "./codec.ts";
 * const info: ArchiveEntryInfo = { name: "a.pgm", width: 4, height: 3, streamBytes: 5 };
 * ```
 */
export interface ArchiveEntryInfo {
  /** Relative path with `/` separators. */
  name: string;
  /** Samples per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Bytes of the coded stream (v2: of all its tiles' streams). */
  streamBytes: number;
  /**
   * Whether every stream checksum matched (v2); `undefined` for classic archives, which carry
   * no checksums.
   */
  streamIntact?: boolean;
  /** A few words on how the entry is kept (v2 archives that keep files). */
  note?: string;
  /**
   * The entries whose images this one's repeat byte for byte (v2), which the archive stores
   * once, in archive order; absent when none does.
   */
  repeats?: string[];
  /** The entry whose other parts this kept file's repeat byte for byte (v2), stored once. */
  repeatsParts?: string;
  /**
   * For a kept file (v2): its length, SHA-256 and pixels (of all its pages; `width` and
   * `height` are its first page's, 0 when it is kept whole), and whether it is rebuilt byte for
   * byte (else with the same pixels and other chunks).
   */
  file?: { bytes: number; sha256: Uint8Array; pixels: number; exact: boolean };
}

/**
 * An archive whose index, names and model have been read and checked; its entries decode one at
 * a time, so that no more than one image need be in memory.
 *
 * @example
 * ```ts
 * import type { OpenedArchive } from "./codec.ts";
 * function names(archive: OpenedArchive): string[] {
 *   return archive.entries.map((e) => e.name);
 * }
 * ```
 */
export interface OpenedArchive {
  /** The archive's format. */
  format: FormatName;
  /** The model the entries were coded with (embedded, or the built-in one). */
  model: Model;
  /** The entries, in stored order. */
  entries: ArchiveEntryInfo[];
  /** Whether the archive's own checksum matched (v2); `undefined` for classic archives. */
  intact?: boolean;
  /**
   * Decodes entry `index`, checked against its checksums (v2) and against the pixel limit.
   *
   * @throws {FormatError} naming the entry; for a kept file, which {@link rebuild} rebuilds.
   */
  decode(index: number): Promise<GrayImage>;
  /**
   * Rebuilds the file that entry `index` keeps, checked against its SHA-256.
   *
   * @throws {FormatError} naming the entry; for an entry of pixels only, which {@link decode}
   *   decodes.
   */
  rebuild(index: number): Promise<Uint8Array>;
}

/** Runs `work` for entry `name`, naming the entry in any error. */
async function forEntry<T>(name: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new FormatError(`entry ${quotedName(name)}: ${e.message}`, e.code);
  }
}

/** Runs `decode` for an entry after checking its size, naming the entry in any error. */
function decodeEntry<T extends (ClassicCodedImage | V2CodedImage) & { name: string }>(
  entry: T,
  options: DecodeOptions,
  decode: (entry: T) => GrayImage | Promise<GrayImage>,
): Promise<GrayImage> {
  return forEntry(entry.name, () => {
    checkDeclaredSize(entry, options);
    return decode(entry);
  });
}

/** Says that an entry is not of the kind asked for. */
function wrongKind(name: string, keepsFile: boolean): FormatError {
  return new FormatError(
    `entry ${quotedName(name)} ${keepsFile ? "keeps a file" : "keeps pixels only, not a file"}`,
    "unsupported",
  );
}

/** A kept file as an archive's index reads it. */
type ParsedFileEntry = Extract<ParsedV2Entry, { pages: unknown }>;

/** Bytes of expanded parts a reader keeps for the entries that repeat them. */
const REPEATED_PARTS_BYTES = 64 << 20;

/**
 * A reader of an archive's file parts: entry `i`'s parts expanded — those of the entry they
 * repeat (method 3), with the dictionaries of parts stored against another entry's (methods 2 and 5;
 * expanded first, in order; the last few kept).
 */
function expandedParts(
  entries: readonly ParsedV2Entry[],
  source: Uint8Array | ByteSource,
  runner: TileRunner,
): (i: number) => Promise<Uint8Array> {
  const dictionaries = new Map<number, Uint8Array>();
  const fileAt = (i: number) => entries[i] as ParsedFileEntry;
  // The entry whose parts entry i's are: its own, or those it repeats (which are its own).
  const sourceOf = (i: number) => fileAt(i).parts.sameAsEntry ?? i;
  // Parts that later entries repeat, kept expanded until their last repeat is rebuilt (at most
  // REPEATED_PARTS_BYTES of them): byte-model parts expand at about 1 MB/s.
  const repeatsLeft = new Map<number, number>();
  for (const entry of entries) {
    const of = "pages" in entry ? entry.parts.sameAsEntry : undefined;
    if (of !== undefined) repeatsLeft.set(of, (repeatsLeft.get(of) ?? 0) + 1);
  }
  const expanded = new Map<number, Uint8Array>();
  let expandedBytes = 0;
  const served = (source: number, index: number, raw: Uint8Array): Uint8Array => {
    const left = (repeatsLeft.get(source) ?? 0) - (source === index ? 0 : 1);
    repeatsLeft.set(source, left);
    if (left > 0 && !expanded.has(source) && expandedBytes + raw.length <= REPEATED_PARTS_BYTES) {
      expanded.set(source, raw);
      expandedBytes += raw.length;
    } else if (left <= 0 && expanded.delete(source)) {
      expandedBytes -= raw.length;
    }
    return raw.slice();
  };
  const expand = byteRunner(runner).expandBytes;
  // Expansions under way (entries rebuilt at once share them: a series' next file waits for the
  // one before, its dictionary, instead of expanding it again).
  const inFlight = new Map<number, Promise<Uint8Array>>();
  return async (index) => {
    if (!fileAt(index).partsIntact) {
      throw new FormatError("file parts are damaged (checksum mismatch)");
    }
    const kept = expanded.get(sourceOf(index));
    if (kept !== undefined) return served(sourceOf(index), index, kept);
    // The entry, the entry whose parts are its dictionary, and so on, to one that needs none,
    // whose dictionary is kept (taken now: entries rebuilt meanwhile may replace the kept ones)
    // or whose expansion is under way; each index is below the one before (the reader checks).
    const chain: number[] = [];
    let dictionary: Uint8Array | undefined;
    for (let i = sourceOf(index);;) {
      chain.push(i);
      if (inFlight.has(i)) break;
      const { dictionaryEntry } = fileAt(i).parts;
      if (dictionaryEntry === undefined) break;
      dictionary = dictionaries.get(sourceOf(dictionaryEntry));
      if (dictionary !== undefined) break;
      i = sourceOf(dictionaryEntry);
    }
    let raw: Uint8Array = new Uint8Array(0);
    let shared = false; // whether `raw` came from another rebuild's expansion (then it is copied)
    for (let k = chain.length - 1; k >= 0; k--) {
      const entry = fileAt(chain[k]);
      const role = k > 0 ? "this entry's dictionary" : "whose parts this entry's repeat";
      const of = chain[k] === index ? "" : ` of entry ${quotedName(entry.name)}, ${role},`;
      if (!entry.partsIntact) {
        throw new FormatError(`file parts${of} are damaged (checksum mismatch)`);
      }
      let expanding = inFlight.get(chain[k]);
      shared = expanding !== undefined;
      if (expanding === undefined) {
        const i = chain[k];
        expanding = expandParts(withData(entry.parts, source), { dictionary, expand });
        inFlight.set(i, expanding);
        expanding.finally(() => inFlight.delete(i)).catch(() => {}); // its failure is awaited below
      }
      try {
        raw = await expanding;
      } catch (e) {
        if (!(e instanceof FormatError) || of === "") throw e;
        throw new FormatError(`file parts${of} are damaged: ${e.message}`, e.code);
      }
      dictionary = partsDictionary(raw).slice();
      dictionaries.delete(chain[k]);
      dictionaries.set(chain[k], dictionary);
      if (dictionaries.size > DICTIONARY_WINDOW) {
        dictionaries.delete(dictionaries.keys().next().value!);
      }
    }
    if (repeatsLeft.has(sourceOf(index))) return served(sourceOf(index), index, raw);
    return shared ? raw.slice() : raw;
  };
}

/** The bytes of `span` in `source`. */
function readSpan(source: Uint8Array | ByteSource, { at, length }: ByteSpan): Uint8Array {
  return source instanceof Uint8Array ? source.subarray(at, at + length) : source.read(at, length);
}

/** `image` with the streams of its tiles that were left in `source` read from it. */
function withStreams(image: V2ReadImage, source: Uint8Array | ByteSource): V2ReadImage {
  if (image.tiles.every((tile) => tile.stored === undefined)) return image;
  const tiles = image.tiles.map(({ stored, ...tile }) =>
    stored ? { ...tile, stream: readSpan(source, stored) } : tile
  );
  return { ...image, tiles };
}

/**
 * `parts` with their bytes, if they were left in `source` read from it, checked again against
 * their CRC-32 (the file may have changed since it was opened).
 */
function withData(parts: StoredParts, source: Uint8Array | ByteSource): StoredParts {
  const { stored, ...rest } = parts;
  if (stored === undefined) return parts;
  const data = readSpan(source, stored);
  if (crc32(data) !== parts.crc) {
    throw new FormatError("file parts are damaged (checksum mismatch)");
  }
  return { ...rest, data };
}

/** Rebuilds a kept file from its decoded pages and parts, checked against its length and hash. */
async function rebuildEntry(
  entry: ParsedFileEntry,
  rawParts: () => Promise<Uint8Array>,
  decode: (page: V2ReadImage) => Promise<GrayImage>,
): Promise<Uint8Array> {
  const parts = parseFileParts(await rawParts());
  await loadCodecsForParts(parts);
  const pages: GrayImage[] = [];
  for (const page of entry.pages) pages.push(await decode(page));
  if (entry.exact && rebuiltBytes(parts) !== entry.fileBytes) {
    throw new FormatError("the file's parts do not add up to its length");
  }
  const bytes = rebuildFile(parts, pages);
  // A file kept as pixels and other parts has other bytes than the original: no hash to check.
  if (entry.exact && !sameValues(await sha256(bytes), entry.sha256)) {
    throw new FormatError("the rebuilt file does not match its SHA-256");
  }
  return bytes;
}

/** What the index says of each entry of a v2 archive. */
function v2EntryInfos(entries: readonly ParsedV2Entry[]): ArchiveEntryInfo[] {
  const recordEntries = recordsOf(entries).map((record) => entries[record.entry].name);
  return entries.map((entry) => {
    const info = v2EntryInfo(entry);
    const images = "pages" in entry ? entry.pages : [entry];
    // Other entries only: a file's pages that repeat its own earlier pages are its own.
    const repeats = [
      ...new Set(images.flatMap((i) => i.sameAs === undefined ? [] : [recordEntries[i.sameAs]])),
    ].filter((name) => name !== entry.name);
    const partsOf = "pages" in entry ? entry.parts.sameAsEntry : undefined;
    return {
      ...info,
      ...(repeats.length > 0 && { repeats }),
      ...(partsOf !== undefined && { repeatsParts: entries[partsOf].name }),
    };
  });
}

/** What the index says of a v2 archive entry. */
function v2EntryInfo(entry: ParsedV2Entry): ArchiveEntryInfo {
  const images = "pages" in entry ? entry.pages : [entry];
  const tiles = images.flatMap((image) => image.tiles);
  // A page that repeats an earlier record is stored as a reference to it: none of its bytes.
  const stored = images.filter((image) => image.sameAs === undefined).flatMap((i) => i.tiles);
  const info: ArchiveEntryInfo = {
    name: entry.name,
    width: images[0]?.width ?? 0,
    height: images[0]?.height ?? 0,
    streamBytes: stored.reduce((n, t) => n + storedBytes(t), 0),
    streamIntact: tiles.every((t) => t.streamIntact),
  };
  if (entry.note !== undefined) info.note = entry.note;
  if ("pages" in entry) {
    info.streamBytes += storedBytes(entry.parts);
    info.streamIntact &&= entry.partsIntact;
    const pixels = images.reduce((n, image) => n + image.width * image.height, 0);
    info.file = { bytes: entry.fileBytes, sha256: entry.sha256, pixels, exact: entry.exact };
  }
  return info;
}

/**
 * Options for {@link openArchive}.
 *
 * @example
 * ```ts
 * import type { OpenArchiveOptions } from "./codec.ts";
 * const options: OpenArchiveOptions = { deferChecksums: true, maxPixels: 1e8 };
 * ```
 */
export interface OpenArchiveOptions extends DecodeOptions {
  /**
   * Record checksum mismatches (`intact`, `streamIntact`) instead of refusing the archive, so
   * that each entry can be checked on its own; an entry whose stream is damaged still refuses
   * to decode.
   */
  deferChecksums?: boolean;
}

/**
 * Reads an archive's index, names and model, checking them all (names are checked before any
 * entry is decoded), and returns it ready to decode entry by entry.
 *
 * @throws {FormatError} for damaged archives and unsafe, repeated or clashing entry names.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openArchive, packArchive } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const archive = await openArchive(await packArchive([{ name: "a.pgm", image }]));
 * deepStrictEqual(archive.entries.map((e) => e.name), ["a.pgm"]);
 * deepStrictEqual(await archive.decode(0), image);
 * ```
 */
export async function openArchive(
  bytes: Uint8Array | ByteSource,
  options: OpenArchiveOptions = {},
): Promise<OpenedArchive> {
  const magic = magicOf(bytes);
  if (magic === "BPA2") {
    const archive = parseV2Archive(bytes, options);
    const embedded = archive.modelBytes && await parseModel(archive.modelBytes);
    const model = await v2ModelFor(archive.modelHash, embedded);
    const decodePage = (page: V2ReadImage, limits: DecodeOptions) => {
      checkDeclaredSize(page, limits);
      return decodeV2Image(withStreams(page, bytes), model.params, limits);
    };
    const whole = { ...options, region: undefined };
    const partsOf = expandedParts(archive.entries, bytes, options.runner ?? IN_THREAD_TILES);
    return {
      format: "v2",
      model,
      entries: v2EntryInfos(archive.entries),
      intact: archive.intact,
      decode: (i) => {
        const entry = archive.entries[i];
        if ("pages" in entry) return Promise.reject(wrongKind(entry.name, true));
        return forEntry(entry.name, () => decodePage(entry, options));
      },
      rebuild: (i) => {
        const entry = archive.entries[i];
        if (!("pages" in entry)) return Promise.reject(wrongKind(entry.name, false));
        return forEntry(
          entry.name,
          () => rebuildEntry(entry, () => partsOf(i), (page) => decodePage(page, whole)),
        );
      },
    };
  }
  if (magic !== "BPA1") throw new FormatError("not a bpcodec archive (.bpa) file: bad magic");
  // Classic archives (of at most 65535 × 65535 pixels an image) are read whole.
  const archive = parseClassicArchive(allBytes(bytes));
  const model = await parseModel(archive.modelBytes);
  if (model.format !== "classic") throw new FormatError("a classic archive needs a classic model");
  const decode = (entry: ClassicCodedImage) =>
    decodeClassicRegion(entry, model.params, options.region);
  return {
    format: "classic",
    model,
    entries: archive.entries.map((e) => ({
      name: e.name,
      width: e.width,
      height: e.height,
      streamBytes: e.stream.length,
    })),
    decode: (i) => decodeEntry(archive.entries[i], options, decode),
    rebuild: (i) => Promise.reject(wrongKind(archive.entries[i].name, false)),
  };
}

/**
 * Decodes every image and rebuilds every kept file of an archive, with the model it embeds (or
 * the built-in one).
 *
 * @throws {FormatError} for damaged archives and unsafe entry names.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type ArchiveEntry, packArchive, trainModel, unpackArchive } from "./codec.ts";
 * const image = { width: 1, height: 1, maxValue: 255, data: new Uint16Array([9]) };
 * const bpa = await packArchive([{ name: "a.pgm", image }], await trainModel([image]));
 * const { entries } = await unpackArchive(bpa);
 * strictEqual(entries[0].name, "a.pgm");
 * strictEqual((entries[0] as ArchiveEntry).image.data[0], 9);
 * ```
 */
export async function unpackArchive(
  bytes: Uint8Array | ByteSource,
  options: DecodeOptions = {},
): Promise<{ model: Model; entries: (ArchiveEntry | ArchiveFile)[] }> {
  const archive = await openArchive(bytes, options);
  const entries = await Promise.allSettled(
    archive.entries.map(async (e, i) =>
      e.file ? { name: e.name, file: await archive.rebuild(i) } : {
        name: e.name,
        image: await archive.decode(i),
      }
    ),
  );
  // The first entry that fails, in archive order, whichever failed first.
  const failed = entries.find((entry) => entry.status === "rejected");
  if (failed) throw failed.reason;
  return {
    model: archive.model,
    entries: entries.map((entry) =>
      (entry as PromiseFulfilledResult<ArchiveEntry | ArchiveFile>).value
    ),
  };
}

/**
 * bpcodec: a strictly lossless codec for grayscale images that codes pixels bit plane by bit
 * plane with models trained on the user's own images.
 *
 * The coding functions run in any JavaScript runtime; only the command line (`./cli`) uses Deno's
 * file APIs.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeImage, encodeImage, trainModel } from "@bpcodec/bpcodec";
 * const image = { width: 2, height: 2, maxValue: 255, data: new Uint16Array([0, 50, 100, 150]) };
 * const model = await trainModel([image], { format: "classic" });
 * const bpc = await encodeImage(image, model);
 * const back = await decodeImage(bpc, model);
 * deepStrictEqual(back.data, new Uint16Array([0, 50, 100, 150]));
 * ```
 *
 * @module
 */
export {
  type ArchiveEntry,
  type ArchiveEntryInfo,
  type ArchiveFile,
  archiveOf,
  type ClassicContextCounter,
  decodeImage,
  type DecodeOptions,
  type DirectSlotCounter,
  encodeImage,
  type EncodeOptions,
  ModelTrainer,
  openArchive,
  type OpenArchiveOptions,
  type OpenedArchive,
  packArchive,
  packArchiveStream,
  type PackedArchive,
  type PackedEntry,
  type PackOptions,
  type TrainingImageSource,
  trainModel,
  type TrainOptions,
  unpackArchive,
} from "./src/codec.ts";
export {
  type CodedImageInfo,
  describeFile,
  type FileInfo,
  type KeptFileInfo,
  type PrimerInfo,
} from "./src/file_info.ts";
export {
  type ClassicModelFile,
  defaultModel,
  FORMAT_NAMES,
  type FormatName,
  type Model,
  modelFromClassic,
  modelFromV2,
  parseModel,
  type V2ModelFile,
} from "./src/model_file.ts";
export type { V2Model, V2Parameters, V2Primer } from "./src/v2/model.ts";
export type { ByteSource, ByteSpan } from "./src/bytes.ts";
export type { TileDecodeJob, TileEncodeJob, TileRunner } from "./src/v2/image_codec.ts";
export type { TileRect } from "./src/v2/tiles.ts";
export { LEVEL_NAMES, type LevelName } from "./src/v2/tile_coders.ts";
export {
  CODER_NAMES,
  type CoderName,
  type V2CodedTile,
  type V2ImageHeader,
} from "./src/v2/container.ts";
export type { DirectSlotCounts, TrainingImages } from "./src/v2/direct_counts.ts";
export type { TrainingProgress } from "./src/v2/progress.ts";
export type { Crop, CropJob, CropRunner } from "./src/v2/crop_work.ts";
export { defaultWorkerCount, TrainingWorkers } from "./src/workers/training_workers.ts";
export { DeviceError, type ErrorCode, FormatError } from "./src/errors.ts";
export { DEFAULT_MAX_PIXELS, type ImageLimits } from "./src/image/limits.ts";
export { createGrayImage, type GrayImage } from "./src/image/gray_image.ts";
export { decodeImageFile, encodeImageFile, loadCodecsFor } from "./src/image/image_file.ts";
export { POLARITY_MODES, type PolarityMode } from "./src/image/polarity.ts";
export type { ClassicModel } from "./src/classic/model.ts";
export { VERSION } from "./src/version.ts";

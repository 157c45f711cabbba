/**
 * Model files of every format, told apart by their magic, with the hash that coded files carry.
 *
 * @module
 */
import { magicOf } from "./bytes.ts";
import { type ClassicModel, parseClassicModel, serializeClassicModel } from "./classic/model.ts";
import { FormatError } from "./errors.ts";
import { sha256 } from "./sha256.ts";

/** The coded formats bpcodec writes. */
export type FormatName = "classic";

/** The formats, for parsing and help texts. */
export const FORMAT_NAMES: readonly FormatName[] = ["classic"];

/**
 * A loaded classic model with its file bytes and hash.
 *
 * @example
 * ```ts
 * import { modelFromClassic } from "./model_file.ts";
 * import { uniformClassicModel } from "./classic/model.ts";
 * const model = await modelFromClassic(uniformClassicModel());
 * console.log(model.format, model.bytes.length); // classic 10288
 * ```
 */
export interface ClassicModelFile {
  /** Always `"classic"`. */
  format: "classic";
  /** The probabilities. */
  params: ClassicModel;
  /** The model file, byte for byte. */
  bytes: Uint8Array;
  /** SHA-256 of `bytes`: the model hash coded files refer to. */
  hash: Uint8Array;
}

/**
 * A model of any format, ready to code with.
 *
 * @example
 * ```ts
 * import { parseModel, type Model } from "./model_file.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const model: Model = await parseModel(serializeClassicModel(uniformClassicModel()));
 * console.log(model.format); // classic
 * ```
 */
export type Model = ClassicModelFile;

/**
 * Wraps classic probabilities as a model file.
 *
 * @example
 * ```ts
 * import { modelFromClassic } from "./model_file.ts";
 * import { uniformClassicModel } from "./classic/model.ts";
 * console.log((await modelFromClassic(uniformClassicModel())).hash.length); // 32
 * ```
 */
export async function modelFromClassic(params: ClassicModel): Promise<ClassicModelFile> {
  const bytes = serializeClassicModel(params);
  return { format: "classic", params, bytes, hash: await sha256(bytes) };
}

/**
 * Parses a model file of any format, by its magic.
 *
 * @throws {FormatError} when the bytes are not a valid model file.
 * @example
 * ```ts
 * import { parseModel } from "./model_file.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const model = await parseModel(serializeClassicModel(uniformClassicModel()));
 * console.log(model.params.p0.length); // 5120
 * ```
 */
export async function parseModel(bytes: Uint8Array): Promise<Model> {
  const magic = magicOf(bytes);
  if (magic === "BPM1") {
    return {
      format: "classic",
      params: parseClassicModel(bytes),
      bytes,
      hash: await sha256(bytes),
    };
  }
  throw new FormatError("not a bpcodec model (.bpm) file: bad magic");
}

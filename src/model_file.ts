/**
 * Model files of every format, told apart by their magic, with the hash that coded files carry.
 *
 * @module
 */
import { magicOf, sameValues } from "./bytes.ts";
import { type ClassicModel, parseClassicModel, serializeClassicModel } from "./classic/model.ts";
import { FormatError } from "./errors.ts";
import { namesHash, sha256 } from "./sha256.ts";
import { unwrapV2Model, wrapV2Model } from "./v2/container.ts";
import {
  defaultV2Model,
  defaultV2ModelPayload,
  parseV2Model,
  serializeV2Model,
  type V2Model,
} from "./v2/model.ts";

/** The coded formats bpcodec writes: `v2` (the default) and `classic` (v1). */
export type FormatName = "v2" | "classic";

/** The formats, for parsing and help texts; the first is the default. */
export const FORMAT_NAMES: readonly FormatName[] = ["v2", "classic"];

/**
 * A loaded classic model with its file bytes and hash.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { modelFromClassic } from "./model_file.ts";
 * import { uniformClassicModel } from "./classic/model.ts";
 * const model = await modelFromClassic(uniformClassicModel());
 * strictEqual(model.format, "classic");
 * strictEqual(model.bytes.length, 10288);
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
 * A loaded v2 model with its file bytes and hash.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultModel } from "./model_file.ts";
 * const model = await defaultModel();
 * strictEqual(model.format, "v2");
 * strictEqual(model.builtIn, true);
 * ```
 */
export interface V2ModelFile {
  /** Always `"v2"`. */
  format: "v2";
  /** The trained starting state. */
  params: V2Model;
  /** The model file, byte for byte. */
  bytes: Uint8Array;
  /** SHA-256 of `bytes`: the model hash coded files refer to. */
  hash: Uint8Array;
  /** Whether this is the built-in default model (files can refer to it without embedding it). */
  builtIn: boolean;
}

/**
 * A model of any format, ready to code with.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type Model, parseModel } from "./model_file.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const model: Model = await parseModel(serializeClassicModel(uniformClassicModel()));
 * strictEqual(model.format, "classic");
 * ```
 */
export type Model = ClassicModelFile | V2ModelFile;

/**
 * Wraps classic probabilities as a model file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { modelFromClassic } from "./model_file.ts";
 * import { uniformClassicModel } from "./classic/model.ts";
 * strictEqual((await modelFromClassic(uniformClassicModel())).hash.length, 32);
 * ```
 */
export async function modelFromClassic(params: ClassicModel): Promise<ClassicModelFile> {
  const bytes = serializeClassicModel(params);
  return { format: "classic", params, bytes, hash: await sha256(bytes) };
}

/**
 * Wraps a v2 model as a model file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { modelFromV2 } from "./model_file.ts";
 * import { defaultV2Model } from "./v2/model.ts";
 * strictEqual((await modelFromV2(defaultV2Model())).format, "v2");
 * ```
 */
export async function modelFromV2(params: V2Model): Promise<V2ModelFile> {
  const bytes = wrapV2Model(serializeV2Model(params));
  const hash = await sha256(bytes);
  const builtIn = sameValues(hash, (await defaultModel()).hash);
  return { format: "v2", params, bytes, hash, builtIn };
}

let builtInModel: Promise<V2ModelFile> | undefined;

/**
 * The built-in default model (v2), used when no model is given.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultModel } from "./model_file.ts";
 * strictEqual((await defaultModel()).hash.length, 32);
 * ```
 */
export function defaultModel(): Promise<V2ModelFile> {
  builtInModel ??= (async () => {
    const params = defaultV2Model();
    const bytes = wrapV2Model(defaultV2ModelPayload());
    return { format: "v2" as const, params, bytes, hash: await sha256(bytes), builtIn: true };
  })();
  return builtInModel;
}

/**
 * Tells whether `hash` (whole, or the first bytes of it that a v2 image file keeps) is the
 * built-in default model's hash.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultModel, isDefaultModelHash } from "./model_file.ts";
 * strictEqual(await isDefaultModelHash((await defaultModel()).hash), true);
 * ```
 */
export async function isDefaultModelHash(hash: Uint8Array): Promise<boolean> {
  return namesHash(hash, (await defaultModel()).hash);
}

/**
 * Parses a model file of any format, by its magic.
 *
 * @throws {FormatError} when the bytes are not a valid model file.
 * @example
 * ```ts
 * import { ok, strictEqual } from "node:assert/strict";
 * import { parseModel } from "./model_file.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const model = await parseModel(serializeClassicModel(uniformClassicModel()));
 * ok(model.format === "classic");
 * strictEqual(model.params.p0.length, 5120);
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
  if (magic === "BPM2") {
    const params = parseV2Model(unwrapV2Model(bytes));
    const hash = await sha256(bytes);
    return { format: "v2", params, bytes, hash, builtIn: await isDefaultModelHash(hash) };
  }
  throw new FormatError("not a bpcodec model (.bpm) file: bad magic");
}

/**
 * The trainable starting state of the v2 model, its payload bytes, and the table shapes the
 * payload describes.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { MAX_SLOT_COUNT } from "./state_map.ts";
import { SIGNED_BUCKETS } from "./predictors.ts";

/** Bit positions a direct table distinguishes (samples have at most 16 bits). */
export const BIT_POSITIONS = 16;
/** Context classes (activity or error) per bit position in a direct table. */
export const DIRECT_CLASSES = 16;
/** Direct (non-hashed) predictor-relative tables. */
export const DIRECT_INPUTS = 4;
/** Slots of one direct table. */
export const DIRECT_TABLE_SLOTS = BIT_POSITIONS * DIRECT_CLASSES * SIGNED_BUCKETS;
/** Hashed value contexts. */
export const HASHED_INPUTS = 6;
/** Inputs of each first-layer mixer: every table plus a constant bias. */
export const MIXER_INPUTS = DIRECT_INPUTS + HASHED_INPUTS + 1;
/** First-layer mixers (each with its own weight-set selector). */
export const FIRST_LAYER_MIXERS = 3;
/** Inputs of the final mixer: the first-layer outputs plus a constant bias. */
export const FINAL_INPUTS = FIRST_LAYER_MIXERS + 1;
/** Largest magnitude of a stored mixer weight (16.16 fixed point, just under 8.0). */
export const MAX_WEIGHT = (1 << 19) - 1;

const PAYLOAD_VERSION = 1;

/**
 * The trained parameters of the v2 coder: where its adaptive tables and mixers start.
 *
 * @example
 * ```ts
 * import { defaultV2Model } from "./model.ts";
 * const model = defaultV2Model();
 * console.log(model.mixerWeights.length); // 33
 * ```
 */
export interface V2Model {
  /** Initial 12-bit probability (1…4095) of every direct-table slot, tables back to back. */
  readonly directProbabilities: Uint16Array;
  /** Initial count (0…255) of every direct-table slot: how much evidence the start is worth. */
  readonly directCounts: Uint8Array;
  /** Initial weights of the first-layer mixers, {@link MIXER_INPUTS} per mixer. */
  readonly mixerWeights: Int32Array;
  /** Initial weights of the final mixer, {@link FINAL_INPUTS} of them. */
  readonly finalWeights: Int32Array;
}

const DIRECT_SLOTS = DIRECT_INPUTS * DIRECT_TABLE_SLOTS;
const PAYLOAD_LENGTH = 1 + DIRECT_SLOTS * 3 +
  (FIRST_LAYER_MIXERS * MIXER_INPUTS + FINAL_INPUTS) * 4;

/**
 * A model whose tables start at probability 1/2 with no evidence and whose mixers start from
 * fixed untrained weights.
 *
 * @example
 * ```ts
 * import { untrainedV2Model } from "./model.ts";
 * console.log(untrainedV2Model().directCounts[0]); // 0
 * ```
 */
export function untrainedV2Model(): V2Model {
  const mixerWeights = new Int32Array(FIRST_LAYER_MIXERS * MIXER_INPUTS).fill(1 << 14);
  const finalWeights = new Int32Array(FINAL_INPUTS).fill(1 << 14);
  finalWeights[FIRST_LAYER_MIXERS] = 0;
  return {
    directProbabilities: new Uint16Array(DIRECT_SLOTS).fill(2048),
    directCounts: new Uint8Array(DIRECT_SLOTS),
    mixerWeights,
    finalWeights,
  };
}

/**
 * Serializes a model to its payload bytes (little-endian): a version byte (1), the direct
 * probabilities (u16 each), the direct counts (u8 each), the first-layer then final mixer
 * weights (i32 each).
 *
 * @example
 * ```ts
 * import { parseV2Model, serializeV2Model, untrainedV2Model } from "./model.ts";
 * const bytes = serializeV2Model(untrainedV2Model());
 * console.log(parseV2Model(bytes).finalWeights.length); // 4
 * ```
 */
export function serializeV2Model(model: V2Model): Uint8Array {
  checkModel(model);
  const bytes = new Uint8Array(PAYLOAD_LENGTH);
  const view = new DataView(bytes.buffer);
  bytes[0] = PAYLOAD_VERSION;
  let at = 1;
  for (const p of model.directProbabilities) {
    view.setUint16(at, p, true);
    at += 2;
  }
  bytes.set(model.directCounts, at);
  at += DIRECT_SLOTS;
  for (const weights of [model.mixerWeights, model.finalWeights]) {
    for (const w of weights) {
      view.setInt32(at, w, true);
      at += 4;
    }
  }
  return bytes;
}

/**
 * Parses model payload bytes written by {@link serializeV2Model}; throws a `FormatError` saying
 * what is wrong if the length, version or any value is out of range.
 *
 * @example
 * ```ts
 * import { parseV2Model } from "./model.ts";
 * try {
 *   parseV2Model(new Uint8Array(3));
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("v2 model payload")); // true
 * }
 * ```
 */
export function parseV2Model(payload: Uint8Array): V2Model {
  if (payload.length !== PAYLOAD_LENGTH) {
    throw new FormatError(
      `v2 model payload has ${payload.length} bytes, expected ${PAYLOAD_LENGTH}`,
    );
  }
  if (payload[0] !== PAYLOAD_VERSION) {
    throw new FormatError(`v2 model payload version ${payload[0]} is not supported`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  let at = 1;
  const directProbabilities = new Uint16Array(DIRECT_SLOTS);
  for (let i = 0; i < DIRECT_SLOTS; i++, at += 2) directProbabilities[i] = view.getUint16(at, true);
  const directCounts = payload.slice(at, at + DIRECT_SLOTS);
  at += DIRECT_SLOTS;
  const mixerWeights = new Int32Array(FIRST_LAYER_MIXERS * MIXER_INPUTS);
  for (let i = 0; i < mixerWeights.length; i++, at += 4) mixerWeights[i] = view.getInt32(at, true);
  const finalWeights = new Int32Array(FINAL_INPUTS);
  for (let i = 0; i < finalWeights.length; i++, at += 4) finalWeights[i] = view.getInt32(at, true);
  const model = { directProbabilities, directCounts, mixerWeights, finalWeights };
  checkModel(model);
  return model;
}

function checkModel(model: V2Model): void {
  const expect = (name: string, actual: number, expected: number) => {
    if (actual !== expected) {
      throw new FormatError(
        `v2 model payload: ${name} has ${actual} entries, expected ${expected}`,
      );
    }
  };
  expect("direct probabilities", model.directProbabilities.length, DIRECT_SLOTS);
  expect("direct counts", model.directCounts.length, DIRECT_SLOTS);
  expect("mixer weights", model.mixerWeights.length, FIRST_LAYER_MIXERS * MIXER_INPUTS);
  expect("final weights", model.finalWeights.length, FINAL_INPUTS);
  for (let i = 0; i < DIRECT_SLOTS; i++) {
    const p = model.directProbabilities[i];
    if (p < 1 || p > 4095) {
      throw new FormatError(`v2 model payload: direct probability ${i} is ${p}, not in 1…4095`);
    }
    if (model.directCounts[i] > MAX_SLOT_COUNT) {
      throw new FormatError(`v2 model payload: direct count ${i} is too large`);
    }
  }
  for (
    const [name, weights] of [["mixer", model.mixerWeights], ["final", model.finalWeights]] as const
  ) {
    for (let i = 0; i < weights.length; i++) {
      if (Math.abs(weights[i]) > MAX_WEIGHT) {
        throw new FormatError(
          `v2 model payload: ${name} weight ${i} is ${weights[i]}, beyond ±${MAX_WEIGHT}`,
        );
      }
    }
  }
}

/**
 * The built-in model, trained on the corpus training images (`tools/make_default_model.ts`).
 *
 * @example
 * ```ts
 * import { defaultV2Model } from "./model.ts";
 * console.log(defaultV2Model().finalWeights.length); // 4
 * ```
 */
export function defaultV2Model(): V2Model {
  return untrainedV2Model();
}

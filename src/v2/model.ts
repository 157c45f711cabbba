/**
 * The trainable starting state of the v2 model, its payload bytes, and the table shapes the
 * payload describes.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { DEFAULT_MODEL_BASE64, DEFAULT_PRIMER_FLAT } from "./default_model.ts";
import { packBytes, unpackBytes } from "./packed_bytes.ts";
import { SIGNED_BUCKETS } from "./predictors.ts";
import { MAX_SLOT_COUNT } from "./state_map.ts";

/** Bit positions a direct table distinguishes (samples have at most 16 bits). */
export const BIT_POSITIONS = 16;
/** Context classes (activity, error or texture) per bit position in a direct table. */
export const DIRECT_CLASSES = 16;
/** Direct (non-hashed) predictor-relative tables. */
export const DIRECT_INPUTS = 9;
/** Slots of one direct table. */
export const DIRECT_TABLE_SLOTS = BIT_POSITIONS * DIRECT_CLASSES * SIGNED_BUCKETS;
/** Slots of all direct tables. */
export const DIRECT_SLOTS = DIRECT_INPUTS * DIRECT_TABLE_SLOTS;
/** Hashed value contexts (models of payload version 3 or 4 use the first {@link NARROW_HASHED_INPUTS}). */
export const HASHED_INPUTS = 10;
/** Hashed value contexts of models of payload version 3 or 4 (before contexts 8 and 9). */
export const NARROW_HASHED_INPUTS = 8;
/** Inputs of each first-layer mixer: every table plus a constant bias. */
export const MIXER_INPUTS = DIRECT_INPUTS + HASHED_INPUTS + 1;
/**
 * Neurons in the first layer of the mixing network: (bit, error), (bit, LMS position), (bit,
 * texture), (bit, gradient shape), (bit, partial value). Models of payload versions 3 and 4 have
 * the first three only ({@link NARROW_NETWORK}).
 */
export const FIRST_LAYER_NEURONS = 5;
/** Most inputs of the final neuron: the first-layer outputs and a constant bias of 256. */
export const FINAL_NEURON_INPUTS = FIRST_LAYER_NEURONS + 1;

/** The shape of a model's mixing network: first-layer neurons and inputs of each. */
export interface NetworkShape {
  /** First-layer neurons (the first of {@link FIRST_LAYER_NEURONS}). */
  readonly neurons: number;
  /** Inputs of each: the direct tables, the first of the hashed contexts, the bias. */
  readonly inputs: number;
}

/** The network of current models (payload versions 5 and 6). */
export const WIDE_NETWORK: NetworkShape = { neurons: FIRST_LAYER_NEURONS, inputs: MIXER_INPUTS };
/**
 * The network of models of payload versions 3 and 4 (before the shape and value neurons and
 * hashed contexts 8 and 9): three neurons of 9 direct, 8 hashed and the bias input. Such a model
 * codes exactly as it did then.
 */
export const NARROW_NETWORK: NetworkShape = {
  neurons: 3,
  inputs: DIRECT_INPUTS + NARROW_HASHED_INPUTS + 1,
};
/** Largest magnitude of a stored mixer weight (16.16 fixed point, just under 8.0). */
export const MAX_WEIGHT = (1 << 19) - 1;

/** Learning rates and thresholds of the v2 model (all integers). */
export interface V2Parameters {
  /** First-layer mixer learning rate in 1/16 (1…255). */
  mixerRate: number;
  /** Final mixer learning rate in 1/16 (1…255). */
  finalRate: number;
  /** Step size `2^-lmsRateShift` of the fast LMS predictor (0…12). */
  lmsRateShift: number;
  /** Step size `2^-slowLmsRateShift` of the slow LMS predictor (0…12). */
  slowLmsRateShift: number;
  /** Count a trained direct slot starts with (0…255). */
  startCount: number;
  /** Stretch sum of the two LMS direct inputs beyond which a bit takes the short path (0…4095). */
  shortPathThreshold: number;
  /** Count limit of hashed slots (1…1023). */
  hashedLimit: number;
}

/**
 * The trained parameters of the v2 coder: where its adaptive tables and mixers start, and how
 * fast they learn.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultV2Model } from "./model.ts";
 * const model = defaultV2Model();
 * strictEqual(model.mixerWeights.length, 100); // 5 first-layer neurons × 20 inputs
 * ```
 */
export interface V2Model {
  /** Learning rates and thresholds. */
  readonly parameters: V2Parameters;
  /**
   * Start of every direct-table slot (tables back to back): 0 for untrained (probability 1/2,
   * count 0), else `q` for probability `squash(16·(q − 128))` with count `startCount`.
   */
  readonly directStarts: Uint8Array;
  /** Initial weights of the first-layer mixers, {@link MIXER_INPUTS} per mixer. */
  readonly mixerWeights: Int32Array;
  /** Initial weights of the final mixer, {@link FINAL_NEURON_INPUTS} of them. */
  readonly finalWeights: Int32Array;
  /** A small image every tile of its bit depth learns from before its first sample, if any. */
  readonly primer?: V2Primer;
  /**
   * Whether direct tables 3–8 are classed by their own predictor's recent errors (models of
   * payload versions 7 and 8) instead of the gradient-adjusted predictor's (3 to 6).
   */
  readonly ownErrorClasses?: boolean;
}

/**
 * A primer: a small image of a domain (a crop of a training image) that the model runs through
 * before every tile whose coded bit depth is `bits`, uncoded, so that the tile starts knowing the
 * domain's shapes (a document's glyphs, say) instead of learning them again.
 *
 * @example
 * ```ts
 * import type { V2Primer } from "./model.ts";
 * const primer: V2Primer = { width: 2, height: 1, bits: 8, samples: new Uint16Array([0, 255]) };
 * ```
 */
export interface V2Primer {
  /** Columns (1…{@link MAX_PRIMER_SIDE}). */
  readonly width: number;
  /** Rows (1…{@link MAX_PRIMER_SIDE}). */
  readonly height: number;
  /** The coded bit depth of the tiles it primes (1…16); its samples are below `2^bits`. */
  readonly bits: number;
  /** `width × height` samples, row-major. */
  readonly samples: Uint16Array;
}

/** Whether the built-in model's primers are flat, as recorded (their samples are unpacked late). */
const recordedFlatness = new WeakMap<V2Primer, boolean>();

/**
 * Whether `primer`'s samples are flat (`isFlatTile`), when that is recorded: for the built-in
 * model's primer (`tools/make_default_model.ts` writes it), so that the encoder learns which tiles
 * it may prime without unpacking it; else undefined.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultV2Model, parseV2Model, primerFlatness, serializeV2Model } from "./model.ts";
 * strictEqual(primerFlatness(defaultV2Model().primer!), true); // a page crop
 * strictEqual(primerFlatness(parseV2Model(serializeV2Model(defaultV2Model())).primer!), undefined);
 * ```
 */
export function primerFlatness(primer: V2Primer): boolean | undefined {
  return recordedFlatness.get(primer);
}

/**
 * `model` without its primer.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultV2Model, withoutPrimer } from "./model.ts";
 * strictEqual(withoutPrimer(defaultV2Model()).primer, undefined);
 * ```
 */
export function withoutPrimer(model: V2Model): V2Model {
  const { primer: _, ...plain } = model;
  return plain;
}

/** Largest width and height of a primer. */
export const MAX_PRIMER_SIDE = 1024;

/** What a payload version says about its model: the network, a primer, own error classes. */
interface PayloadVersion {
  readonly network: NetworkShape;
  readonly primed: boolean;
  readonly ownErrorClasses: boolean;
}

/**
 * Payload versions: 3 and 4 (with a primer) for {@link NARROW_NETWORK}, 5 and 6 for
 * {@link WIDE_NETWORK}, 7 and 8 for the wide network with own error classes (current models).
 */
const PAYLOAD_VERSIONS: Readonly<Record<number, PayloadVersion>> = {
  3: { network: NARROW_NETWORK, primed: false, ownErrorClasses: false },
  4: { network: NARROW_NETWORK, primed: true, ownErrorClasses: false },
  5: { network: WIDE_NETWORK, primed: false, ownErrorClasses: false },
  6: { network: WIDE_NETWORK, primed: true, ownErrorClasses: false },
  7: { network: WIDE_NETWORK, primed: false, ownErrorClasses: true },
  8: { network: WIDE_NETWORK, primed: true, ownErrorClasses: true },
};
/** Primer header after the direct starts: width and height (u16), bits (u8), packed length (u32). */
const PRIMER_HEADER = 9;
/** Bytes before the mixer weights: version, five u8 and two u16 parameters. */
const PARAMETERS_END = 10;

/** Bytes of a payload's header (parameters, weights, packed length) for a network. */
function headerLength({ neurons, inputs }: NetworkShape): number {
  return PARAMETERS_END + (neurons * inputs + neurons + 1) * 4 + 4;
}

/**
 * The network of `model`: {@link WIDE_NETWORK}, or {@link NARROW_NETWORK} for a model of payload
 * version 3 or 4 (told apart by its final neuron's weights, one per neuron and the bias).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { networkOf, untrainedV2Model } from "./model.ts";
 * strictEqual(networkOf(untrainedV2Model()).neurons, 5);
 * strictEqual(networkOf(untrainedV2Model({ narrow: true })).inputs, 18);
 * ```
 */
export function networkOf(model: V2Model): NetworkShape {
  return model.finalWeights.length === NARROW_NETWORK.neurons + 1 ? NARROW_NETWORK : WIDE_NETWORK;
}

const PARAMETER_RANGES: [keyof V2Parameters, number, number][] = [
  ["mixerRate", 1, 255],
  ["finalRate", 1, 255],
  ["lmsRateShift", 0, 12],
  ["slowLmsRateShift", 0, 12],
  ["startCount", 0, 255],
  ["shortPathThreshold", 0, 4095],
  ["hashedLimit", 1, MAX_SLOT_COUNT],
];

/**
 * A model whose tables start at probability 1/2 with no evidence, whose mixers start from fixed
 * untrained weights, with default learning rates, with own error classes; with `options.narrow`,
 * a model of payload versions 3 and 4 ({@link NARROW_NETWORK}, shared error classes).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { untrainedV2Model } from "./model.ts";
 * strictEqual(untrainedV2Model().directStarts[0], 0);
 * ```
 */
export function untrainedV2Model(options: { narrow?: boolean } = {}): V2Model {
  const { neurons, inputs } = options.narrow ? NARROW_NETWORK : WIDE_NETWORK;
  const mixerWeights = new Int32Array(neurons * inputs).fill(1 << 14);
  const finalWeights = new Int32Array(neurons + 1).fill(1 << 14);
  finalWeights[neurons] = 0;
  return {
    parameters: {
      mixerRate: 6,
      finalRate: 4,
      lmsRateShift: 2,
      slowLmsRateShift: 6,
      startCount: 4,
      shortPathThreshold: 3000,
      hashedLimit: 127,
    },
    directStarts: new Uint8Array(DIRECT_SLOTS),
    mixerWeights,
    finalWeights,
    ...(!options.narrow && { ownErrorClasses: true }),
  };
}

/**
 * Serializes a model to its payload bytes (little-endian): version byte 7 (8 with a primer; 5
 * and 6 without own error classes; 3 and 4 for a model of the {@link NARROW_NETWORK});
 * `mixerRate`, `finalRate`, `lmsRateShift`, `slowLmsRateShift`, `startCount` (u8 each);
 * `shortPathThreshold`, `hashedLimit` (u16 each); the first-layer then final mixer weights (i32
 * each); the length of the packed direct starts (u32) and those packed bytes (see
 * `packed_bytes.ts`); with a primer, its width and height (u16), bits (u8), the length of its
 * packed sample bytes (u32) and those bytes.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseV2Model, serializeV2Model, untrainedV2Model } from "./model.ts";
 * const bytes = serializeV2Model(untrainedV2Model());
 * strictEqual(parseV2Model(bytes).finalWeights.length, 6);
 * ```
 */
export function serializeV2Model(model: V2Model): Uint8Array {
  checkModel(model, true);
  const packed = packBytes(model.directStarts);
  const primer = model.primer;
  const packedPrimer = primer ? packBytes(primerBytes(primer)) : new Uint8Array(0);
  const primerLength = primer ? PRIMER_HEADER + packedPrimer.length : 0;
  const network = networkOf(model);
  const header = headerLength(network);
  const bytes = new Uint8Array(header + packed.length + primerLength);
  const view = new DataView(bytes.buffer);
  const p = model.parameters;
  const [version] = Object.entries(PAYLOAD_VERSIONS).find(([, shape]) =>
    shape.network === network && shape.primed === (primer !== undefined) &&
    shape.ownErrorClasses === (model.ownErrorClasses === true)
  )!;
  bytes.set([
    Number(version),
    p.mixerRate,
    p.finalRate,
    p.lmsRateShift,
    p.slowLmsRateShift,
    p.startCount,
  ]);
  view.setUint16(6, p.shortPathThreshold, true);
  view.setUint16(8, p.hashedLimit, true);
  let at = PARAMETERS_END;
  for (const weights of [model.mixerWeights, model.finalWeights]) {
    for (const w of weights) {
      view.setInt32(at, w, true);
      at += 4;
    }
  }
  view.setUint32(at, packed.length, true);
  bytes.set(packed, at + 4);
  if (primer) {
    at = header + packed.length;
    view.setUint16(at, primer.width, true);
    view.setUint16(at + 2, primer.height, true);
    bytes[at + 4] = primer.bits;
    view.setUint32(at + 5, packedPrimer.length, true);
    bytes.set(packedPrimer, at + PRIMER_HEADER);
  }
  return bytes;
}

/** A primer's samples as bytes: one a sample up to 8 bits, else two (high byte first). */
function primerBytes(primer: V2Primer): Uint8Array {
  const { samples } = primer;
  if (primer.bits <= 8) return Uint8Array.from(samples);
  const bytes = new Uint8Array(2 * samples.length);
  for (let i = 0; i < samples.length; i++) {
    bytes[2 * i] = samples[i] >> 8;
    bytes[2 * i + 1] = samples[i] & 255;
  }
  return bytes;
}

/**
 * Parses model payload bytes written by {@link serializeV2Model}; throws a `FormatError` saying
 * what is wrong if the length, version or any value is out of range.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { parseV2Model } from "./model.ts";
 * throws(() => parseV2Model(new Uint8Array(3)), /v2 model payload has 3 bytes, expected at least/);
 * ```
 */
export function parseV2Model(payload: Uint8Array): V2Model {
  return parsePayload(payload);
}

/**
 * {@link parseV2Model}, the primer's samples unpacked (and checked) only when first read if
 * `lazyPrimer` says whether they are flat: for the built-in model, whose payload is this module's
 * own, so that a process that primes no tile does not unpack its primer.
 */
function parsePayload(payload: Uint8Array, lazyPrimer?: { flat: boolean }): V2Model {
  const shortest = headerLength(NARROW_NETWORK);
  if (payload.length < shortest) {
    throw new FormatError(
      `v2 model payload has ${payload.length} bytes, expected at least ${shortest}`,
    );
  }
  const version = payload[0];
  const shape = PAYLOAD_VERSIONS[version];
  if (!shape) throw new FormatError(`v2 model payload version ${version} is not supported`);
  const header = headerLength(shape.network);
  if (payload.length < header) {
    throw new FormatError(
      `v2 model payload has ${payload.length} bytes, expected at least ${header}`,
    );
  }
  const { network: { neurons, inputs }, primed, ownErrorClasses } = shape;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const parameters: V2Parameters = {
    mixerRate: payload[1],
    finalRate: payload[2],
    lmsRateShift: payload[3],
    slowLmsRateShift: payload[4],
    startCount: payload[5],
    shortPathThreshold: view.getUint16(6, true),
    hashedLimit: view.getUint16(8, true),
  };
  let at = PARAMETERS_END;
  const mixerWeights = new Int32Array(neurons * inputs);
  for (let i = 0; i < mixerWeights.length; i++, at += 4) mixerWeights[i] = view.getInt32(at, true);
  const finalWeights = new Int32Array(neurons + 1);
  for (let i = 0; i < finalWeights.length; i++, at += 4) finalWeights[i] = view.getInt32(at, true);
  const packedLength = view.getUint32(at, true);
  const startsEnd = header + packedLength;
  if (primed ? payload.length < startsEnd + PRIMER_HEADER : payload.length !== startsEnd) {
    throw new FormatError(
      `v2 model payload has ${payload.length} bytes, expected ${primed ? "more than " : ""}` +
        `${startsEnd}`,
    );
  }
  let directStarts: Uint8Array;
  try {
    directStarts = unpackBytes(payload.subarray(header, startsEnd), DIRECT_SLOTS);
  } catch (e) {
    throw new FormatError(`v2 model payload: direct starts are damaged (${(e as Error).message})`);
  }
  const primer = primed ? parsePrimer(payload, startsEnd, lazyPrimer) : undefined;
  const model = {
    parameters,
    directStarts,
    mixerWeights,
    finalWeights,
    ...(primer && { primer }),
    ...(ownErrorClasses && { ownErrorClasses }),
  };
  checkModel(model, !lazyPrimer);
  return model;
}

/**
 * The primer section of a payload, at `at` (its last part); its samples unpacked when first read
 * if `lazy` says whether they are flat.
 */
function parsePrimer(payload: Uint8Array, at: number, lazy?: { flat: boolean }): V2Primer {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const width = view.getUint16(at, true);
  const height = view.getUint16(at + 2, true);
  const bits = payload[at + 4];
  const packedLength = view.getUint32(at + 5, true);
  if (payload.length !== at + PRIMER_HEADER + packedLength) {
    throw new FormatError(
      `v2 model payload has ${payload.length} bytes, expected ${at + PRIMER_HEADER + packedLength}`,
    );
  }
  checkPrimerShape(width, height, bits);
  const packed = payload.subarray(at + PRIMER_HEADER);
  if (!lazy) return { width, height, bits, samples: primerSamples(packed, width, height, bits) };
  let samples: Uint16Array | undefined;
  const primer = {
    width,
    height,
    bits,
    get samples() {
      return samples ??= primerSamples(packed, width, height, bits);
    },
  };
  recordedFlatness.set(primer, lazy.flat);
  return primer;
}

/** A primer's samples from their packed bytes (see {@link primerBytes}). */
function primerSamples(
  packed: Uint8Array,
  width: number,
  height: number,
  bits: number,
): Uint16Array {
  let bytes: Uint8Array;
  try {
    bytes = unpackBytes(packed, width * height * (bits > 8 ? 2 : 1));
  } catch (e) {
    throw new FormatError(`v2 model payload: the primer is damaged (${(e as Error).message})`);
  }
  const samples = new Uint16Array(width * height);
  if (bits <= 8) samples.set(bytes);
  else for (let i = 0; i < samples.length; i++) samples[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  return samples;
}

function checkPrimerShape(width: number, height: number, bits: number): void {
  const sides = [width, height].every((side) =>
    Number.isInteger(side) && side >= 1 && side <= MAX_PRIMER_SIDE
  );
  if (!sides || !Number.isInteger(bits) || bits < 1 || bits > 16) {
    throw new FormatError(
      `v2 model payload: a primer of ${width}x${height} samples of ${bits} bits is not ` +
        `within 1…${MAX_PRIMER_SIDE} a side and 1…16 bits`,
    );
  }
}

function checkModel(model: V2Model, checkPrimerSamples: boolean): void {
  for (const [name, low, high] of PARAMETER_RANGES) {
    const value = model.parameters[name];
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new FormatError(`v2 model payload: ${name} is ${value}, not in ${low}…${high}`);
    }
  }
  const { neurons, inputs } = networkOf(model);
  if (model.ownErrorClasses && neurons === NARROW_NETWORK.neurons) {
    throw new FormatError("v2 model: the narrow network has no own error classes");
  }
  const counts: [string, number, number][] = [
    ["direct starts", model.directStarts.length, DIRECT_SLOTS],
    ["final weights", model.finalWeights.length, neurons + 1],
    ["mixer weights", model.mixerWeights.length, neurons * inputs],
  ];
  for (const [name, actual, expected] of counts) {
    if (actual !== expected) {
      throw new FormatError(
        `v2 model payload: ${name} has ${actual} entries, expected ${expected}`,
      );
    }
  }
  for (const weights of [model.mixerWeights, model.finalWeights]) {
    for (let i = 0; i < weights.length; i++) {
      if (Math.abs(weights[i]) > MAX_WEIGHT) {
        throw new FormatError(`v2 model payload: weight ${weights[i]} is beyond ±${MAX_WEIGHT}`);
      }
    }
  }
  const primer = model.primer;
  if (primer && checkPrimerSamples) {
    checkPrimerShape(primer.width, primer.height, primer.bits);
    if (primer.samples.length !== primer.width * primer.height) {
      throw new FormatError(`v2 model payload: the primer's samples are not its width × height`);
    }
    const limit = 2 ** primer.bits;
    for (let i = 0; i < primer.samples.length; i++) {
      if (primer.samples[i] >= limit) {
        throw new FormatError(`v2 model payload: a primer sample is not below 2^${primer.bits}`);
      }
    }
  }
}

/**
 * The built-in model, trained on the corpus training images by `tools/make_default_model.ts`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultV2Model } from "./model.ts";
 * strictEqual(defaultV2Model().finalWeights.length, 6); // five neurons and the bias
 * ```
 */
export function defaultV2Model(): V2Model {
  return parsePayload(defaultV2ModelPayload(), { flat: DEFAULT_PRIMER_FLAT });
}

/**
 * The payload of the built-in model as stored ({@link serializeV2Model} of
 * {@link defaultV2Model}, which need not be recomputed to hash it).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultV2ModelPayload } from "./model.ts";
 * strictEqual(defaultV2ModelPayload()[0], 8); // payload version 8: wide, own error classes, primed
 * ```
 */
export function defaultV2ModelPayload(): Uint8Array {
  return decodeBase64(DEFAULT_MODEL_BASE64);
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

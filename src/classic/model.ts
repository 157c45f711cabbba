/**
 * The classic model (`.bpm`, magic `BPM1`): 5120 static probabilities, trained by counting.
 *
 * @module
 */
import { ByteReader, ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import { sha256 } from "../sha256.ts";
import { PROB_TOTAL } from "./arith_coder.ts";
import { CLASSIC_CONTEXTS, type ClassicDecisionSink, scanPlanes } from "./context.ts";

/** Size in bytes of every classic model file. */
export const CLASSIC_MODEL_BYTES = 48 + CLASSIC_CONTEXTS * 2;
/** The smoothing constant classic training uses unless told otherwise. */
export const DEFAULT_ALPHA = 16;

/**
 * A classic model: `p0[c]` is the probability (in 1/4096) that a bit in context `c` is 0.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { uniformClassicModel } from "./model.ts";
 * const model = uniformClassicModel();
 * strictEqual(model.p0[0], 2048);
 * ```
 */
export interface ClassicModel {
  /** The smoothing constant the model was trained with (informational). */
  alpha: number;
  /** One probability of a 0 per context, each in 1…4095. */
  p0: Uint16Array;
}

/**
 * A model that gives every decision probability 1/2 (what training on no data gives).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { uniformClassicModel } from "./model.ts";
 * strictEqual(uniformClassicModel().alpha, 16);
 * ```
 */
export function uniformClassicModel(): ClassicModel {
  return { alpha: DEFAULT_ALPHA, p0: new Uint16Array(CLASSIC_CONTEXTS).fill(PROB_TOTAL / 2) };
}

/**
 * Zero and one counts per classic context, accumulated over training images.
 *
 * Counts are kept in `Float64Array`s, exact up to 2^53 decisions per context.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ClassicCounts } from "./model.ts";
 * const counts = new ClassicCounts();
 * counts.addImage(new Uint8Array([255]), 1, 1);
 * strictEqual(counts.ones[3], 1); // plane 0, corner context
 * ```
 */
export class ClassicCounts implements ClassicDecisionSink {
  /** Zeros seen per context. */
  readonly zeros: Float64Array = new Float64Array(CLASSIC_CONTEXTS);
  /** Ones seen per context. */
  readonly ones: Float64Array = new Float64Array(CLASSIC_CONTEXTS);

  /** Counts every decision of one normalized (polarity already applied) 8-bit image. */
  addImage(samples: Uint8Array, width: number, height: number): void {
    // `decide` returns each bit as it is, so the scan leaves `samples` unchanged.
    scanPlanes(samples, width, height, this);
  }

  /** Counts one decision (the {@link ClassicDecisionSink} side of `addImage`). */
  decide(context: number, bit: number): number {
    if (bit) this.ones[context]++;
    else this.zeros[context]++;
    return bit;
  }

  /** Adds counts gathered elsewhere (e.g. on a GPU), context by context. */
  addCounts(zeros: ArrayLike<number>, ones: ArrayLike<number>): void {
    for (let c = 0; c < CLASSIC_CONTEXTS; c++) {
      this.zeros[c] += zeros[c];
      this.ones[c] += ones[c];
    }
  }

  /**
   * Turns the counts into a model with smoothing constant `alpha` (≥ 1):
   * `p0 = round((z + alpha) × 4096 / (z + o + 2 × alpha))`, clamped to 1…4095, in exact
   * integer arithmetic.
   */
  toModel(alpha: number = DEFAULT_ALPHA): ClassicModel {
    if (!Number.isInteger(alpha) || alpha < 1 || alpha > 0xffffffff) {
      throw new RangeError(`alpha must be an integer from 1 to 4294967295, got ${alpha}`);
    }
    const p0 = new Uint16Array(CLASSIC_CONTEXTS);
    const a = BigInt(alpha);
    for (let c = 0; c < CLASSIC_CONTEXTS; c++) {
      const z = BigInt(this.zeros[c]);
      const num = (z + a) * BigInt(PROB_TOTAL);
      const den = z + BigInt(this.ones[c]) + 2n * a;
      const q = Number((num + den / 2n) / den);
      p0[c] = Math.min(PROB_TOTAL - 1, Math.max(1, q));
    }
    return { alpha, p0 };
  }
}

/**
 * Writes a model as the 10 288 bytes of a `BPM1` file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { serializeClassicModel, uniformClassicModel } from "./model.ts";
 * strictEqual(serializeClassicModel(uniformClassicModel()).length, 10288);
 * ```
 */
export function serializeClassicModel(model: ClassicModel): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPM1");
  w.u16(1);
  w.u16(PROB_TOTAL);
  w.u32(CLASSIC_CONTEXTS);
  w.u32(model.alpha);
  w.zeros(32);
  for (const p of model.p0) w.u16(p);
  return w.finish();
}

/**
 * Parses a `BPM1` file, checking every field.
 *
 * @throws {FormatError} when the bytes are not a valid classic model.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseClassicModel, serializeClassicModel, uniformClassicModel } from "./model.ts";
 * const model = parseClassicModel(serializeClassicModel(uniformClassicModel()));
 * strictEqual(model.p0.length, 5120);
 * ```
 */
export function parseClassicModel(bytes: Uint8Array): ClassicModel {
  const r = new ByteReader(bytes);
  r.magic("BPM1");
  const version = r.u16("version");
  if (version !== 1) throw new FormatError(`unsupported BPM1 version ${version}`);
  const total = r.u16("total probability");
  if (total !== PROB_TOTAL) throw new FormatError(`total probability must be 4096, got ${total}`);
  const contexts = r.u32("context count");
  if (contexts !== CLASSIC_CONTEXTS) {
    throw new FormatError(`context count must be 5120, got ${contexts}`);
  }
  const alpha = r.u32("alpha");
  if (alpha < 1) throw new FormatError("alpha must be at least 1");
  r.reserved(32, "reserved model header bytes");
  const p0 = new Uint16Array(CLASSIC_CONTEXTS);
  for (let c = 0; c < CLASSIC_CONTEXTS; c++) {
    const p = r.u16("probability table");
    if (p < 1 || p >= PROB_TOTAL) {
      throw new FormatError(`probability ${p} of context ${c} is outside 1…4095`);
    }
    p0[c] = p;
  }
  r.end();
  return { alpha, p0 };
}

/**
 * The model hash: SHA-256 of the complete model file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { classicModelHash, uniformClassicModel } from "./model.ts";
 * strictEqual((await classicModelHash(uniformClassicModel())).length, 32);
 * ```
 */
export function classicModelHash(model: ClassicModel): Promise<Uint8Array> {
  return sha256(serializeClassicModel(model));
}

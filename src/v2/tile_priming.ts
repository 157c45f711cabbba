/**
 * Whether a tile starts from the model's primer (`docs/v2-stream.md` §3.4), which the encoder
 * chooses per tile and records in the tile's flags: only a tile of the primer's bit depth that
 * is as flat as the primer (both flat, as a page and a page crop, or neither, as two slices of
 * one scan) may be primed, and it is when a trial on its middle rows codes smaller primed than
 * not.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { encodeV2 } from "./codec.ts";
import { primerFlatness, type V2Model, type V2Primer, withoutPrimer } from "./model.ts";
import type { V2CodingOptions } from "./predictor.ts";
import { isFlatTile } from "./tiles.ts";

/** At most this many samples (whole rows, at least one) of a tile are coded both ways to choose. */
export const PRIMING_TRIAL_SAMPLES = 1 << 18;

/**
 * Whether a tile of these samples may start from `model`'s primer: the primer is of `bits` bits
 * and the tile is flat (`isFlatTile`) if and only if the primer is.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { mayPrime } from "./tile_priming.ts";
 * import { defaultV2Model } from "./model.ts";
 * const flat = new Uint16Array(64 * 64); // the built-in model's primer is a flat page crop
 * strictEqual(mayPrime(flat, 64, 64, 8, defaultV2Model()), true);
 * const ramp = flat.map((_, i) => i & 255);
 * strictEqual(mayPrime(ramp, 64, 64, 8, defaultV2Model()), false);
 * strictEqual(mayPrime(flat, 64, 64, 8, { ...defaultV2Model(), primer: undefined }), false);
 * ```
 */
export function mayPrime(
  samples: Uint16Array,
  width: number,
  height: number,
  bits: number,
  model: V2Model,
): boolean {
  const primer = model.primer;
  return primer?.bits === bits && isFlatTile(samples, width, height) === isFlatPrimer(primer);
}

/** Whether each primer seen whose flatness is not recorded is flat, computed once. */
const computedFlatness = new WeakMap<V2Primer, boolean>();

/**
 * Whether `primer`'s samples are flat (`isFlatTile`, or as recorded: `primerFlatness`): then flat
 * tiles may start from it, else tiles that are not flat.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isFlatPrimer } from "./tile_priming.ts";
 * import { defaultV2Model } from "./model.ts";
 * strictEqual(isFlatPrimer(defaultV2Model().primer!), true); // a page crop
 * ```
 */
export function isFlatPrimer(primer: V2Primer): boolean {
  let flat = primerFlatness(primer) ?? computedFlatness.get(primer);
  if (flat === undefined) {
    flat = isFlatTile(primer.samples, primer.width, primer.height);
    computedFlatness.set(primer, flat);
  }
  return flat;
}

/**
 * Codes a tile's (normalized) samples with a context-mixing coder (`options`), primed or not: unprimed
 * unless {@link mayPrime}; else its middle rows (at most {@link PRIMING_TRIAL_SAMPLES} samples,
 * from row `⌊(height − rows) / 2⌋`) are coded both ways, as an image of their own, and the smaller
 * wins (ties: unprimed); a trial that covers the whole tile is the result.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodePrimedOrNot } from "./tile_priming.ts";
 * import { defaultV2Model } from "./model.ts";
 * const coded = encodePrimedOrNot(new Uint16Array([1, 2, 3, 4]), 2, 2, 3, defaultV2Model());
 * strictEqual(coded.primed, false); // the built-in model has no 3-bit primer
 * ```
 */
export function encodePrimedOrNot(
  samples: Uint16Array,
  width: number,
  height: number,
  bits: number,
  model: V2Model,
  options: V2CodingOptions = {},
): { stream: Uint8Array; primed: boolean } {
  const plain = withoutPrimer(model);
  if (!mayPrime(samples, width, height, bits, model)) {
    return { stream: encodeV2(samples, width, height, bits, plain, options), primed: false };
  }
  const rows = Math.min(height, Math.max(1, Math.floor(PRIMING_TRIAL_SAMPLES / width)));
  const top = (height - rows) >> 1;
  const trial = samples.subarray(top * width, (top + rows) * width);
  const primedTrial = encodeV2(trial, width, rows, bits, model, options);
  const plainTrial = encodeV2(trial, width, rows, bits, plain, options);
  const primed = primedTrial.length < plainTrial.length;
  if (rows === height) return { stream: primed ? primedTrial : plainTrial, primed };
  const chosen = primed ? model : plain;
  return { stream: encodeV2(samples, width, height, bits, chosen, options), primed };
}

/**
 * The model a tile decodes with: `model` when the tile is primed (its primer must be of the
 * tile's bits), else `model` without its primer.
 *
 * @throws {FormatError} `model-mismatch` for a primed tile that the model has no primer for.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { decodingModel } from "./tile_priming.ts";
 * import { defaultV2Model } from "./model.ts";
 * throws(() => decodingModel(true, 8, { ...defaultV2Model(), primer: undefined }), /primer/);
 * ```
 */
export function decodingModel(primed: boolean, bits: number, model: V2Model): V2Model {
  if (!primed) return withoutPrimer(model);
  if (model.primer?.bits !== bits) {
    throw new FormatError(
      `a tile was coded from a ${bits}-bit primer that this model does not have ` +
        `(coded with another model)`,
      "model-mismatch",
    );
  }
  return model;
}

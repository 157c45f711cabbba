/**
 * The v2 bit kernel's memory layout and shapes, in one place: `bit_kernel.ts` lays out the
 * memory with them, and `tools/build_wasm.ts` writes them into `bit_kernel.wat`, where the text
 * names them as `${NAME}` or `${NAME + N}`, before it compiles it. Widening the model (more
 * tables, hashed contexts, network inputs) is a change here and in the code that fills them.
 *
 * Memory, in order: the fixed regions ({@link FIXED_REGIONS}: tables, then the per-sample context
 * area), then the state whose size depends on the image ({@link kernelState}): the first-layer
 * weight sets, the final neuron's sets, the APM cells, the sets' update counts, the certainty
 * slots and the slots.
 *
 * @module
 */
import {
  BIT_POSITIONS,
  DIRECT_CLASSES,
  DIRECT_INPUTS,
  DIRECT_SLOTS,
  DIRECT_TABLE_SLOTS,
  FINAL_NEURON_INPUTS,
  FIRST_LAYER_NEURONS,
  HASHED_INPUTS,
  MIXER_INPUTS,
} from "./model.ts";
import { MAX_DIFFERENCE, SIGNED_BUCKETS } from "./predictors.ts";
import { SQUASH_TABLE } from "./squash.ts";
import { INITIAL_SLOT } from "./state_map.ts";

/** Inputs of the LMS predictors: ten neighbours and two fixed predictors. */
export const LMS_INPUTS = 12;
/** Lanes of an LMS weight vector: {@link LMS_INPUTS} rounded up to whole v128s. */
const LMS_LANES = 16;
/**
 * Taps of the least-squares predictor (coder 2): the LMS inputs, then eight more distant
 * neighbours (a multiple of 4).
 */
export const OLS_TAPS = 20;
/**
 * Certainty (coders 12 and 13): a 12-bit probability within this many of 0 or 4096 (a level
 * 1…16: its distance from the nearer end) is refined by a certainty slot.
 */
export const CERTAINTY_LEVELS = 16;
/**
 * Run classes of the certainty slots: the bit length of the run (the bits coded at certainty
 * since one went against its side), at most 15.
 */
export const CERTAINTY_RUN_CLASSES = 16;
/** Certainty slots: by run class, path (long, short), side (0, 1), bit position and level. */
export const CERTAINTY_SLOTS = CERTAINTY_RUN_CLASSES * 2 * 2 * BIT_POSITIONS * CERTAINTY_LEVELS;
/**
 * The count a certainty slot starts with, at its level's probability: it learns as a slot seen
 * this many times would.
 */
export const CERTAINTY_START_COUNT = 300;
/** Cells of an APM context (stretched probability −2048…2048 in steps of 128). */
export const APM_CELLS = 33;

/**
 * Fills `cells` (whole APM contexts of {@link APM_CELLS} u16 cells) with their start values:
 * cell `c` of a context is `16·squash(min(128c, 4095) − 2048)`, the identity map.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { APM_CELLS, fillApmCells } from "./kernel_layout.ts";
 * const cells = fillApmCells(new Uint16Array(2 * APM_CELLS));
 * deepStrictEqual(cells.subarray(APM_CELLS), cells.subarray(0, APM_CELLS));
 * deepStrictEqual([cells[0], cells[16], cells[32]], [16, 32752, 65504]);
 * ```
 */
export function fillApmCells(cells: Uint16Array): Uint16Array {
  for (let c = 0; c < APM_CELLS; c++) cells[c] = SQUASH_TABLE[Math.min(128 * c, 4095)] * 16;
  for (let filled = APM_CELLS; filled < cells.length; filled *= 2) {
    cells.copyWithin(filled, 0, Math.min(filled, cells.length - filled));
  }
  return cells;
}
/**
 * Slots a hashed context's bucket holds for a group of up to 4 bits (the node 1…15; slot 0
 * holds the bucket's check when buckets are checked).
 */
const BUCKET_SLOTS = 16;
/** Direct tables looked up first, whose agreement decides the short path. */
const SHORT_PATH_TABLES = 2;
/** The direct input whose class is the (bit, error) context of the network and APM. */
const ERROR_CLASS_INPUT = 3;
/** The direct input whose class is the (bit, texture) context of the network. */
const TEXTURE_CLASS_INPUT = 2;
/** With own error classes, direct tables 3…8 are classed by their own predictions' errors. */
const FIRST_OWN_CLASS_TABLE = 3;
const OWN_CLASS_TABLES = DIRECT_INPUTS - FIRST_OWN_CLASS_TABLE;
/**
 * Blocks of two error rows an image bound to a kernel keeps: |v − GAP|, |v − FAST|, and the
 * signed errors of each table with an own error class.
 */
const ERROR_BLOCKS = 2 + OWN_CLASS_TABLES;
/** Rows of its image a kernel keeps: the row being coded and the three above it. */
export const ROWS_KEPT = 4;
/**
 * With phase sets (coders 8 to 10), the pixel's phase, `(x mod side) + side·(y mod side)`, takes
 * part in choosing the weight set of the error-selected first-layer neuron (side 8: the blocks of
 * block-transform-coded images, as photos saved as JPEG once were) and of the texture-selected
 * one (side 2: the 2 × 2 blocks of images enlarged twofold or H-transform-compressed).
 */
export const ERROR_SET_PHASE_SIDE = 8;
/** The phase side of the texture-selected neuron's weight sets (see {@link ERROR_SET_PHASE_SIDE}). */
export const TEXTURE_SET_PHASE_SIDE = 2;
/** Bytes per first-layer weight set: {@link MIXER_INPUTS} lanes rounded up to whole v128s. */
export const SET_BYTES = Math.ceil(MIXER_INPUTS / 4) * 16;
/** The constant input of every neuron (a first-layer input, and the final neuron's last). */
export const BIAS_INPUT = 256;
/** Bytes per final-neuron weight set: {@link FINAL_NEURON_INPUTS} lanes rounded up to v128s. */
export const FINAL_SET_BYTES = Math.ceil(FINAL_NEURON_INPUTS / 4) * 16;

/** A region of the fixed part of the memory: its name, size in bytes and alignment. */
interface Region {
  readonly name: string;
  readonly bytes: number;
  readonly align: number;
}

/** The fixed regions, in memory order (each placed at the next multiple of its alignment). */
const FIXED_REGIONS: readonly Region[] = [
  { name: "SQUASH_AT", bytes: 4096 * 2, align: 64 }, // squash(x): i16 at x + 2048
  { name: "STRETCH_AT", bytes: 4096 * 2, align: 64 }, // stretch(p): i16
  { name: "RATES_AT", bytes: 1024 * 4, align: 64 }, // slot learning rate by count: i32
  { name: "BUCKETS_AT", bytes: 2 * MAX_DIFFERENCE + 1, align: 64 }, // signedBucket(d) at d + 65535
  // The per-sample contexts, written by prepareSample before a sample's first bit:
  { name: "PREDICTIONS_AT", bytes: DIRECT_INPUTS * 4, align: 64 }, // direct predictions: i32
  { name: "CLASSES_AT", bytes: DIRECT_INPUTS * 4, align: 64 }, // direct classes: i32
  // The first slot of each hashed context's bucket for the current group: i32
  { name: "GROUP_BUCKETS_AT", bytes: HASHED_INPUTS * 4, align: 64 },
  // The check of each hashed context's bucket for the current group (checked buckets): i32
  { name: "GROUP_CHECKS_AT", bytes: HASHED_INPUTS * 4, align: 64 },
  // The slot of each input used by the last probability, direct tables first: i32
  { name: "SLOT_INDEX_AT", bytes: (DIRECT_INPUTS + HASHED_INPUTS) * 4, align: 64 },
  // The network inputs: the stretched slots, the bias, zeros to the set's width: i32
  { name: "INPUTS_AT", bytes: SET_BYTES, align: 64 },
  // Per first-layer neuron: the offset of its weight sets (bit_kernel.ts writes them), the set
  // p() selected (its index, then its offset), and squash of its output: i32
  { name: "NEURON_BASE_AT", bytes: FIRST_LAYER_NEURONS * 4, align: 64 },
  { name: "SELECTED_SET_AT", bytes: FIRST_LAYER_NEURONS * 4, align: 64 },
  { name: "NEURON_P_AT", bytes: FIRST_LAYER_NEURONS * 4, align: 64 },
  // With decaying learning rates, per first-layer neuron: the offset of its sets' update counts
  // (bit_kernel.ts writes them), and the address of the selected set's count: i32
  { name: "NEURON_COUNTS_AT", bytes: FIRST_LAYER_NEURONS * 4, align: 64 },
  { name: "SELECTED_COUNT_AT", bytes: FIRST_LAYER_NEURONS * 4, align: 64 },
  // The final neuron's inputs: the first-layer outputs, the bias, zeros to the set's width: i32
  { name: "FINAL_INPUTS_AT", bytes: FINAL_SET_BYTES, align: 64 },
  // The current sample's neighbours (W, N, NW, NE, WW, NN, NNE, NWW, NEE, NNW): i32
  { name: "NEIGHBOURS_AT", bytes: 10 * 4, align: 64 },
  // The current sample's hashed contexts, those looked up, in order: i32
  { name: "HASHES_AT", bytes: HASHED_INPUTS * 4, align: 64 },
  // Which of the model's hashed contexts each one looked up is (bit_kernel.ts writes them): i32
  { name: "HASH_CHOICE_AT", bytes: HASHED_INPUTS * 4, align: 64 },
  { name: "SHAPE_AT", bytes: 4, align: 4 }, // the gradient shape (0…242): i32
  // The pixel's phases for the error- and texture-selected neurons' sets (phase sets), else 0: i32
  { name: "PHASES_AT", bytes: 8, align: 8 },
  // Mean-removed neighbours: the LMS inputs, then the least-squares taps: i32
  { name: "LMS_INPUTS_AT", bytes: OLS_TAPS * 4, align: 64 },
  { name: "FAST_LMS_WEIGHTS_AT", bytes: LMS_LANES * 4, align: 64 },
  { name: "SLOW_LMS_WEIGHTS_AT", bytes: LMS_LANES * 4, align: 64 },
  { name: "LMS_STATE_AT", bytes: 4, align: 64 }, // the LMS inputs' mean: i32
  // The least-squares predictor: its weights (16 fraction bits), its sums of tap products (row
  // by row) and of tap times sample: i64
  { name: "OLS_WEIGHTS_AT", bytes: OLS_TAPS * 8, align: 64 },
  { name: "OLS_PRODUCTS_AT", bytes: OLS_TAPS * OLS_TAPS * 8, align: 64 },
  { name: "OLS_TARGETS_AT", bytes: OLS_TAPS * 8, align: 64 },
  { name: "TABLES_AT", bytes: 0, align: 64 }, // where the state of kernelState() begins
];

function placeRegions(): Record<string, number> {
  const at: Record<string, number> = {};
  let next = 0;
  for (const { name, bytes, align } of FIXED_REGIONS) {
    next = Math.ceil(next / align) * align;
    at[name] = next;
    next += bytes;
  }
  return at;
}

const FIXED_AT = placeRegions();

/**
 * Every number the kernel's text names: the fixed offsets and the shapes. `bit_kernel.wat` uses
 * them as `${NAME}`; `tools/build_wasm.ts` substitutes them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { KERNEL_CONSTANTS } from "./kernel_layout.ts";
 * equal(KERNEL_CONSTANTS.STRETCH_AT, 8192);
 * equal(KERNEL_CONSTANTS.HASHED_FIRST_SLOT, 9 * 16384); // the hashed slots follow the direct ones
 * ```
 */
export const KERNEL_CONSTANTS: Readonly<Record<string, number>> = {
  ...FIXED_AT,
  ERROR_CLASS_AT: FIXED_AT.CLASSES_AT + 4 * ERROR_CLASS_INPUT,
  CLASS_MAX: DIRECT_CLASSES - 1,
  FIRST_OWN_CLASS_TABLE,
  OWN_CLASS_TABLES_END: FIRST_OWN_CLASS_TABLE + OWN_CLASS_TABLES,
  ERROR_ENTRY_BYTES: ERROR_BLOCKS * 4,
  ROWS_KEPT,
  ERROR_SET_PHASE_SIDE,
  TEXTURE_SET_PHASE_SIDE,
  TEXTURE_CLASS_AT: FIXED_AT.CLASSES_AT + 4 * TEXTURE_CLASS_INPUT,
  DIRECT_INPUTS,
  SHORT_PATH_TABLES,
  HASHED_FIRST_SLOT: DIRECT_SLOTS,
  DIRECT_TABLE_SHIFT: Math.log2(DIRECT_TABLE_SLOTS),
  BIT_POSITION_SHIFT: Math.log2(DIRECT_CLASSES * SIGNED_BUCKETS),
  CLASS_SHIFT: Math.log2(SIGNED_BUCKETS),
  DIRECT_CLASS_SHIFT: Math.log2(DIRECT_CLASSES),
  ERROR_SET_PHASE_SHIFT: 2 * Math.log2(ERROR_SET_PHASE_SIDE),
  TEXTURE_SET_PHASE_SHIFT: 2 * Math.log2(TEXTURE_SET_PHASE_SIDE),
  BUCKET_SHIFT: Math.log2(BUCKET_SLOTS),
  INITIAL_SLOT,
  MAX_DIFFERENCE,
  SET_BYTES,
  FINAL_SET_BYTES,
  APM_CELLS,
  CERTAINTY_LEVELS,
  CERTAINTY_MAX_RUN_CLASS: CERTAINTY_RUN_CLASSES - 1,
  BIT_POSITION_BITS: Math.log2(BIT_POSITIONS),
  BIAS_INPUT,
  OLS_TAPS,
  OLS_TAP_BYTES: OLS_TAPS * 4,
  OLS_ROW_BYTES: OLS_TAPS * 8,
  // The sums forget 1/512 of themselves a sample, count products 64-fold, and the solve adds
  // a ridge of 512 (1/64 of one unit product) to the diagonal; weights stay within ±8.
  OLS_FORGET_SHIFT: 9,
  OLS_FORGET_HALF: 256,
  OLS_SCALE: 6,
  OLS_RIDGE: 512,
  OLS_MAX_WEIGHT: 1 << 19,
  // Decaying learning rates (`decayingRates`): a set's boost halves every 2^8 updates and is
  // gone (shifted by 31) when its count stops.
  DECAY_HALVING: 8,
  DECAY_COUNT_LIMIT: (32 << 8) - 1,
};

/**
 * The first-layer weight sets per neuron: (bit, error, phase), (bit, LMS position), (bit, texture,
 * phase), (bit, gradient shape), (bit, partial value); without phase sets the phases are 0.
 */
export const MIXER_SET_COUNTS: readonly number[] = [
  BIT_POSITIONS * DIRECT_CLASSES * ERROR_SET_PHASE_SIDE ** 2,
  BIT_POSITIONS * SIGNED_BUCKETS,
  BIT_POSITIONS * DIRECT_CLASSES * TEXTURE_SET_PHASE_SIDE ** 2,
  BIT_POSITIONS * 256,
  BIT_POSITIONS * 256,
];
/** APM contexts: by position, by error, by value (the known high bits). */
export const APM_CONTEXTS: readonly number[] = [
  BIT_POSITIONS * SIGNED_BUCKETS,
  BIT_POSITIONS * DIRECT_CLASSES,
  BIT_POSITIONS * 256,
];

/** Where the state of an image's kernel lies, after the fixed regions. */
export interface KernelState {
  /** Byte offset of each first-layer neuron's weight sets ({@link SET_BYTES} each). */
  readonly neuronAt: readonly number[];
  /** Byte offset of the final neuron's sets ({@link FINAL_NEURON_INPUTS} i32 per bit position). */
  readonly finalAt: number;
  /** Byte offset of each APM's cells (u16, {@link APM_CELLS} per context). */
  readonly apmAt: readonly number[];
  /**
   * Byte offset of each first-layer neuron's update counts (u32, one per weight set), which only
   * decaying learning rates use.
   */
  readonly countsAt: readonly number[];
  /**
   * Byte offset of the certainty slots (i32, {@link CERTAINTY_SLOTS}), which only coders 12 and
   * 13 use.
   */
  readonly certaintyAt: number;
  /** Byte offset of the slots (i32): the direct tables', then the hashed table's. */
  readonly slotsAt: number;
  /** Slots: the direct ones and `2^hashBits` hashed ones. */
  readonly slotCount: number;
  /** Bytes of memory the kernel needs. */
  readonly bytes: number;
}

/**
 * The layout of the state of a kernel with a hashed table of `2^hashBits` slots.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { kernelState } from "./kernel_layout.ts";
 * const state = kernelState(12);
 * equal(state.slotCount, 9 * 16384 + 4096);
 * equal(state.bytes, state.slotsAt + 4 * state.slotCount);
 * ```
 */
export function kernelState(hashBits: number): KernelState {
  const neuronAt = [FIXED_AT.TABLES_AT];
  for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
    neuronAt.push(neuronAt[k] + MIXER_SET_COUNTS[k] * SET_BYTES);
  }
  const finalAt = neuronAt[FIRST_LAYER_NEURONS];
  const apmAt = [finalAt + BIT_POSITIONS * FINAL_SET_BYTES];
  for (let a = 0; a < APM_CONTEXTS.length; a++) {
    apmAt.push(apmAt[a] + APM_CONTEXTS[a] * APM_CELLS * 2);
  }
  const countsAt = [Math.ceil(apmAt[APM_CONTEXTS.length] / 64) * 64];
  for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
    countsAt.push(countsAt[k] + MIXER_SET_COUNTS[k] * 4);
  }
  const certaintyAt = Math.ceil(countsAt[FIRST_LAYER_NEURONS] / 64) * 64;
  const slotsAt = certaintyAt + CERTAINTY_SLOTS * 4;
  const slotCount = DIRECT_SLOTS + 2 ** hashBits;
  return {
    neuronAt: neuronAt.slice(0, FIRST_LAYER_NEURONS),
    finalAt,
    apmAt: apmAt.slice(0, APM_CONTEXTS.length),
    countsAt: countsAt.slice(0, FIRST_LAYER_NEURONS),
    certaintyAt,
    slotsAt,
    slotCount,
    bytes: slotsAt + slotCount * 4,
  };
}

/**
 * `text` with every `${NAME}` and `${NAME + N}` (or `- N`) replaced by its value from
 * `constants`; an unknown name is an error.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { substituteConstants } from "./kernel_layout.ts";
 * equal(substituteConstants("offset=${A + 4} ${B}", { A: 8, B: 1 }), "offset=12 1");
 * ```
 */
export function substituteConstants(
  text: string,
  constants: Readonly<Record<string, number>>,
): string {
  return text.replace(
    /\$\{\s*([A-Z_][A-Z0-9_]*)\s*(?:([+-])\s*(\d+)\s*)?\}/g,
    (_, name: string, sign?: string, n?: string) => {
      const value = constants[name];
      if (value === undefined) throw new Error(`unknown constant \${${name}}`);
      return String(sign === "-" ? value - Number(n) : value + Number(n ?? 0));
    },
  );
}

/**
 * Decaying learning rates of a first-layer weight set, for the model's mixer rate `rate`: a set
 * trained `n` times before learns at `floor + (boost >> (n >> 8))`, `floor = rate − ⌊rate/3⌋`,
 * `boost = 6 · rate`: seven times the rate at first, 2/3 of it in the long run.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decayingRates } from "./kernel_layout.ts";
 * deepStrictEqual(decayingRates(6), { floor: 4, boost: 36 });
 * ```
 */
export function decayingRates(rate: number): { floor: number; boost: number } {
  return { floor: rate - Math.floor(rate / 3), boost: 6 * rate };
}

/**
 * Where the image bound to a kernel lies, from the start of its part of the memory: first the
 * blocks of two error rows (i32, `2·width + 1` each), then its last {@link ROWS_KEPT} rows (u16,
 * row `y` at place `y mod ROWS_KEPT`), then a few bytes that reads beyond the last row's end
 * (which the kernel makes, and discards) may touch.
 */
export interface ImageRegion {
  /** Byte offset of the rows. */
  readonly rowsAt: number;
  /** Bytes of the whole region. */
  readonly bytes: number;
}

/**
 * The layout of the part of a kernel's memory that holds the image it models, `width` samples
 * wide: its error rows and its last rows.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { imageRegion } from "./kernel_layout.ts";
 * const region = imageRegion(10);
 * equal(region.rowsAt, 8 * 21 * 4);
 * equal(region.bytes, region.rowsAt + 4 * 10 * 2 + 8);
 * ```
 */
export function imageRegion(width: number): ImageRegion {
  const rowsAt = ERROR_BLOCKS * (2 * width + 1) * 4;
  return { rowsAt, bytes: rowsAt + ROWS_KEPT * width * 2 + 8 };
}

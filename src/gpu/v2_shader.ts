/**
 * The WGSL compute shader that counts v2 direct slots (`src/v2/direct_counts.ts`): the CPU
 * computes each sample's direct predictions and classes (they depend on the LMS predictors,
 * which run through the image in order); the GPU walks every bit of every sample through every
 * direct table, one invocation per sample, and adds one per use (and per 1 bit) to the slot's
 * `u32` counter with an atomic add. Integer atomics make the counts independent of scheduling,
 * so every adapter gives the CPU's counts.
 *
 * @module
 */
import { DIRECT_CLASSES, DIRECT_INPUTS, DIRECT_SLOTS, DIRECT_TABLE_SLOTS } from "../v2/model.ts";
import { SIGNED_BUCKETS } from "../v2/predictors.ts";
import { CLASS_WORD, RECORD_WORDS } from "./v2_records.ts";

/** Invocations per workgroup. */
const WORKGROUP_SIZE = 64;

/** Samples one workgroup counts (one job). */
export const V2_SEGMENT_SAMPLES = 256;

/**
 * WGSL source of the v2 counting shader, entry point `main`. Bindings: 0 = sample records
 * ({@link RECORD_WORDS} words each), 1 = jobs (first record, records, bit depth, fold), 2 = the
 * counters: per fold, the ones of every direct slot, then the uses. Dispatch one workgroup per
 * job.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { V2_COUNTS_WGSL } from "./v2_shader.ts";
 * ok(V2_COUNTS_WGSL.includes("fn main"));
 * ```
 */
export const V2_COUNTS_WGSL: string = /* wgsl */ `
struct Job { first: u32, count: u32, bits: u32, fold: u32 }

@group(0) @binding(0) var<storage, read> records: array<u32>;
@group(0) @binding(1) var<storage, read> jobs: array<Job>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

// predictors.ts: logBucket and signedBucket
fn logBucket(value: u32) -> u32 {
  if (value < 4u) { return value; }
  let log = 31u - countLeadingZeros(value);
  return min(2u * log + ((value >> (log - 1u)) & 1u), 31u);
}

fn signedBucket(d: i32) -> u32 {
  if (d >= 0) { return 32u + logBucket(u32(d)); }
  return 31u - logBucket(u32(-d - 1));
}

// 16-bit field k of the record at word \`at\`: 0 is the value, 1 + j the prediction of table j.
fn field(at: u32, k: u32) -> u32 {
  return (records[at + (k >> 1u)] >> ((k & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let job = jobs[group.x];
  let onesAt = job.fold * ${2 * DIRECT_SLOTS}u;
  let totalsAt = onesAt + ${DIRECT_SLOTS}u;
  for (var k = local; k < job.count; k += ${WORKGROUP_SIZE}u) {
    let at = (job.first + k) * ${RECORD_WORDS}u;
    let value = field(at, 0u);
    for (var j = 0u; j < ${DIRECT_INPUTS}u; j++) {
      let prediction = i32(field(at, 1u + j));
      let klass = (records[at + ${CLASS_WORD}u + (j >> 3u)] >> ((j & 7u) * 4u)) & 15u;
      let byClass = j * ${DIRECT_TABLE_SLOTS}u + klass * ${SIGNED_BUCKETS}u;
      for (var b = job.bits; b > 0u; b--) {
        let bit = b - 1u;
        // the split point: the bits above \`bit\`, then a 1
        let middle = ((value >> bit) | 1u) << bit;
        let slot = byClass + bit * ${DIRECT_CLASSES * SIGNED_BUCKETS}u +
          signedBucket(prediction - i32(middle));
        atomicAdd(&counts[totalsAt + slot], 1u);
        if (((value >> bit) & 1u) == 1u) { atomicAdd(&counts[onesAt + slot], 1u); }
      }
    }
  }
}
`;

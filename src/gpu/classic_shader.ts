/**
 * The WGSL compute shader that counts classic contexts: one workgroup per (job, pair of planes),
 * a workgroup-local histogram of the two planes' 2 × 640 contexts, then one atomic add per
 * non-empty context into the batch totals. Integer atomics make the totals independent of
 * scheduling, so every adapter gives the same counts.
 *
 * @module
 */
import { CLASSIC_CONTEXTS } from "../classic/context.ts";

/** Invocations per workgroup. */
const WORKGROUP_SIZE = 128;
/** Contexts of one bit plane (5120 / 8). */
const PLANE_CONTEXTS = CLASSIC_CONTEXTS / 8;
/**
 * Bit planes one workgroup counts, reading each sample and its neighbours once for all of them.
 * Dispatch `8 / CLASSIC_PLANES_PER_WORKGROUP` workgroups per job in the second dimension.
 */
export const CLASSIC_PLANES_PER_WORKGROUP = 2;
/**
 * Most samples one workgroup counts. A local histogram entry holds its context's total in the
 * low 16 bits and its ones in the high 16 bits, so this must stay below 2^16.
 */
export const CLASSIC_SEGMENT_PIXELS = 65535;

const HISTOGRAM_SIZE = CLASSIC_PLANES_PER_WORKGROUP * PLANE_CONTEXTS;

/**
 * WGSL source of the classic counting shader, entry point `main`. Bindings: 0 = samples (4 per
 * `u32`, little-endian), 1 = jobs (see `SampleBatch`), 2 = `2 × 5120` counters (zeros, then
 * ones). Dispatch `(jobCount, 8 / CLASSIC_PLANES_PER_WORKGROUP)`: workgroup `(j, g)` counts
 * job `j` in planes `g × CLASSIC_PLANES_PER_WORKGROUP` onwards.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { CLASSIC_COUNTS_WGSL } from "./classic_shader.ts";
 * ok(CLASSIC_COUNTS_WGSL.includes("fn main"));
 * ```
 */
export const CLASSIC_COUNTS_WGSL = /* wgsl */ `
struct Job { base: u32, width: u32, first: u32, count: u32 }

@group(0) @binding(0) var<storage, read> samples: array<u32>;
@group(0) @binding(1) var<storage, read> jobs: array<Job>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

var<workgroup> histogram: array<atomic<u32>, ${HISTOGRAM_SIZE}>;

fn sampleAt(base: u32, i: u32) -> u32 {
  return (samples[base + (i >> 2u)] >> ((i & 3u) * 8u)) & 0xffu;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let job = jobs[group.x];
  let firstPlane = group.y * ${CLASSIC_PLANES_PER_WORKGROUP}u;
  for (var c = local; c < ${HISTOGRAM_SIZE}u; c += ${WORKGROUP_SIZE}u) {
    atomicStore(&histogram[c], 0u);
  }
  workgroupBarrier();
  for (var k = local; k < job.count; k += ${WORKGROUP_SIZE}u) {
    let i = job.first + k;
    let y = i / job.width;
    let x = i - y * job.width;
    let value = sampleAt(job.base, i);
    // Neighbour samples, 0 outside the image (then every bit of them is 0).
    var left = 0u;
    var up = 0u;
    var upLeft = 0u;
    var upRight = 0u;
    if (x > 0u) { left = sampleAt(job.base, i - 1u); }
    if (y > 0u) {
      up = sampleAt(job.base, i - job.width);
      if (x > 0u) { upLeft = sampleAt(job.base, i - job.width - 1u); }
      if (x + 1u < job.width) { upRight = sampleAt(job.base, i - job.width + 1u); }
    }
    let border = select(0u, 1u, x == 0u) + select(0u, 2u, y == 0u);
    for (var p = 0u; p < ${CLASSIC_PLANES_PER_WORKGROUP}u; p++) {
      let b = 7u - (firstPlane + p);
      // The bits above b, as a class 0…7 (the spec's min(7, …) never bites on 8-bit samples).
      let prefix = ((value >> (b + 1u)) << (b + 1u)) >> 5u;
      let l = (left >> b) & 1u;
      let u = (up >> b) & 1u;
      let sum = l + u + ((upLeft >> b) & 1u) + ((upRight >> b) & 1u);
      let contextInPlane = (((prefix * 5u + sum) * 2u + l) * 2u + u) * 4u + border;
      let bit = (value >> b) & 1u;
      atomicAdd(&histogram[p * ${PLANE_CONTEXTS}u + contextInPlane], 1u + (bit << 16u));
    }
  }
  workgroupBarrier();
  for (var c = local; c < ${HISTOGRAM_SIZE}u; c += ${WORKGROUP_SIZE}u) {
    let entry = atomicLoad(&histogram[c]);
    if (entry != 0u) {
      let ones = entry >> 16u;
      let index = firstPlane * ${PLANE_CONTEXTS}u + c;
      atomicAdd(&counts[index], (entry & 0xffffu) - ones);
      atomicAdd(&counts[${CLASSIC_CONTEXTS}u + index], ones);
    }
  }
}
`;

import { assert, assertEquals, assertThrows } from "./assert.ts";
import { classicContext } from "../src/classic/context.ts";
import { ClassicCounts } from "../src/classic/model.ts";
import {
  type BatchLimits,
  JOB_WORDS,
  type SampleBatch,
  SampleBatcher,
} from "../src/gpu/sample_batches.ts";
import { randomGenerator } from "./helpers.ts";

/** Counts a batch the way the GPU shader does, with the CPU's `classicContext`. */
function countBatch(counts: ClassicCounts, batch: SampleBatch): void {
  for (let j = 0; j < batch.jobCount; j++) {
    const [base, width, first, count] = batch.jobs.subarray(j * JOB_WORDS, (j + 1) * JOB_WORDS);
    const band = batch.samples.subarray(base * 4);
    for (let b = 7; b >= 0; b--) {
      for (let i = first; i < first + count; i++) {
        const c = classicContext(band, width, i % width, Math.floor(i / width), b);
        if ((band[i] >> b) & 1) counts.ones[c]++;
        else counts.zeros[c]++;
      }
    }
  }
}

function randomSamples(length: number, seed: number): Uint8Array {
  const rand = randomGenerator(seed);
  return Uint8Array.from({ length }, () => rand() & 0xff);
}

Deno.test("sample batches: bands and jobs count every decision once, within the limits", () => {
  const sizes = [[1, 1], [300, 41], [1, 300], [61, 1], [7, 5], [128, 128]];
  const images = sizes.map(([w, h], i) => ({ w, h, samples: randomSamples(w * h, i + 1) }));
  const expected = new ClassicCounts();
  for (const { w, h, samples } of images) expected.addImage(samples, w, h);
  const limitSets: BatchLimits[] = [
    { maxBytes: 608, maxJobs: 65535, segmentPixels: 16384 },
    { maxBytes: 1 << 20, maxJobs: 3, segmentPixels: 100 },
    { maxBytes: 4096, maxJobs: 7, segmentPixels: 333 },
    { maxBytes: 1 << 20, maxJobs: 5000, segmentPixels: 1 },
  ];
  for (const limits of limitSets) {
    const counts = new ClassicCounts();
    let batches = 0;
    const batcher = new SampleBatcher(limits, (batch) => {
      assert(batch.samples.length <= limits.maxBytes && batch.samples.length % 4 === 0);
      assert(batch.jobCount >= 1 && batch.jobCount <= limits.maxJobs);
      for (let j = 0; j < batch.jobCount; j++) {
        assert(batch.jobs[j * JOB_WORDS + 3] <= limits.segmentPixels);
      }
      countBatch(counts, batch);
      batches++;
    });
    for (const { w, h, samples } of images) batcher.add(samples, w, h);
    batcher.flush();
    batcher.flush();
    assert(batches > 1);
    assertEquals(counts.zeros, expected.zeros);
    assertEquals(counts.ones, expected.ones);
  }
});

Deno.test("sample batches: limits that cannot work are refused", () => {
  const send = () => {};
  assertThrows(() => new SampleBatcher({ maxBytes: 6, maxJobs: 1, segmentPixels: 1 }, send));
  assertThrows(() => new SampleBatcher({ maxBytes: 2 ** 32, maxJobs: 1, segmentPixels: 1 }, send));
  assertThrows(() => new SampleBatcher({ maxBytes: 8, maxJobs: 0, segmentPixels: 1 }, send));
  const batcher = new SampleBatcher({ maxBytes: 8, maxJobs: 9, segmentPixels: 9 }, send);
  assertThrows(() => batcher.add(new Uint8Array(10), 5, 2), /two rows/);
});

/**
 * Packs 8-bit images into batches that fit a GPU's buffer limits: the samples of many images in
 * one buffer (each image starting on a 4-byte word, so a `u32` holds 4 samples), and a table of
 * jobs, each a run of at most `segmentPixels` samples of one image for one workgroup. An image too
 * large for what is left of a batch is cut into row bands; every band after the first also
 * carries the row above it, which the causal context of its first row needs.
 *
 * @module
 */

/** Number of `u32` words that describe one job in {@linkcode SampleBatch.jobs}. */
export const JOB_WORDS = 4;

/**
 * One batch ready for the GPU. Job `j` is `jobs[4j…4j+3]` = (word offset of its band in
 * `samples`, image width, index of its first sample inside the band, number of samples). Row 0 of
 * a band is row 0 of the image unless the band starts past it, in which case row 0 is the
 * overlap row and no job covers it.
 *
 * @example
 * ```ts
 * import type { SampleBatch } from "./sample_batches.ts";
 * const batch: SampleBatch = {
 *   samples: new Uint8Array(4), jobs: new Uint32Array([0, 1, 0, 1]), jobCount: 1,
 * };
 * ```
 */
export interface SampleBatch {
  /** The samples of every band, bands in order, each padded to a multiple of 4 bytes. */
  samples: Uint8Array<ArrayBuffer>;
  /** `JOB_WORDS` words per job. */
  jobs: Uint32Array<ArrayBuffer>;
  /** Number of jobs. */
  jobCount: number;
}

/**
 * What a batch may hold.
 *
 * @example
 * ```ts
 * import type { BatchLimits } from "./sample_batches.ts";
 * const limits: BatchLimits = { maxBytes: 1 << 20, maxJobs: 65535, segmentPixels: 4096 };
 * ```
 */
export interface BatchLimits {
  /** Largest `samples` size in bytes: a multiple of 4, below 2^32. */
  maxBytes: number;
  /** Largest number of jobs (the GPU's `maxComputeWorkgroupsPerDimension`). */
  maxJobs: number;
  /** Largest number of samples in one job. */
  segmentPixels: number;
}

/**
 * Collects images into batches and hands each full batch to `send`, which must copy what it
 * needs before returning (the batcher reuses its memory).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { SampleBatcher } from "./sample_batches.ts";
 * const sizes: number[] = [];
 * const batcher = new SampleBatcher(
 *   { maxBytes: 8, maxJobs: 16, segmentPixels: 4 },
 *   (batch) => sizes.push(batch.samples.length),
 * );
 * batcher.add(new Uint8Array(12), 4, 3); // 4×3 image: rows 0–1, then rows 1–2 (row 1 as overlap)
 * batcher.flush();
 * deepStrictEqual(sizes, [8, 8]);
 * ```
 */
export class SampleBatcher {
  #limits: BatchLimits;
  #send: (batch: SampleBatch) => void;
  #samples: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #bytes = 0;
  #jobs: number[] = [];

  /** Starts an empty batch; `send` receives every batch that {@linkcode flush} closes. */
  constructor(limits: BatchLimits, send: (batch: SampleBatch) => void) {
    const { maxBytes, maxJobs, segmentPixels } = limits;
    if (maxBytes % 4 !== 0 || maxBytes < 4 || maxBytes >= 2 ** 32) {
      throw new RangeError(`batch size must be a multiple of 4 below 2^32 bytes, got ${maxBytes}`);
    }
    if (!(maxJobs >= 1 && segmentPixels >= 1)) {
      throw new RangeError("a batch must allow at least one job of at least one sample");
    }
    this.#limits = limits;
    this.#send = send;
  }

  /** Adds one 8-bit image, sending batches as they fill. */
  add(samples: Uint8Array, width: number, height: number): void {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
    }
    if (samples.length !== width * height) {
      throw new RangeError(
        `${width}×${height} image needs ${width * height} samples, got ${samples.length}`,
      );
    }
    for (let y = 0; y < height;) {
      const overlap = y > 0 ? 1 : 0;
      let rows = this.#rowsThatFit(width, overlap);
      if (rows < 1) {
        this.flush();
        rows = this.#rowsThatFit(width, overlap);
        if (rows < 1) {
          throw new RangeError(
            `a batch of ${this.#limits.maxBytes} bytes cannot hold two rows of ${width} samples: allow larger batches`,
          );
        }
      }
      rows = Math.min(rows, height - y);
      this.#addBand(samples.subarray((y - overlap) * width, (y + rows) * width), width, overlap);
      y += rows;
    }
  }

  /** Sends the batch being filled, if it holds anything. */
  flush(): void {
    if (this.#jobs.length === 0) return;
    const jobs = Uint32Array.from(this.#jobs);
    this.#send({
      samples: this.#samples.subarray(0, this.#bytes),
      jobs,
      jobCount: jobs.length / JOB_WORDS,
    });
    this.#bytes = 0;
    this.#jobs = [];
  }

  #rowsThatFit(width: number, overlap: number): number {
    const { maxBytes, maxJobs, segmentPixels } = this.#limits;
    const jobsLeft = maxJobs - this.#jobs.length / JOB_WORDS;
    const byRoom = Math.floor((maxBytes - this.#bytes) / width) - overlap;
    return Math.min(byRoom, Math.floor((jobsLeft * segmentPixels) / width));
  }

  #addBand(band: Uint8Array, width: number, overlap: number): void {
    const size = Math.ceil(band.length / 4) * 4;
    this.#reserve(this.#bytes + size);
    this.#samples.set(band, this.#bytes);
    const base = this.#bytes / 4;
    const { segmentPixels } = this.#limits;
    for (let first = overlap * width; first < band.length; first += segmentPixels) {
      this.#jobs.push(base, width, first, Math.min(segmentPixels, band.length - first));
    }
    this.#bytes += size;
  }

  #reserve(bytes: number): void {
    if (bytes <= this.#samples.length) return;
    const grown = new Uint8Array(
      Math.min(this.#limits.maxBytes, Math.max(bytes, this.#samples.length * 2)),
    );
    grown.set(this.#samples.subarray(0, this.#bytes));
    this.#samples = grown;
  }
}

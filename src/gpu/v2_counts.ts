/**
 * v2 training statistics on a GPU: the direct-slot counts of `src/v2/direct_counts.ts`, equal to
 * what `countDirectSlots` gathers on the CPU. The CPU computes each sample's contexts and packs
 * them into records; batches of records go to the GPU, which does the per-bit counting.
 *
 * @module
 */
import { DeviceError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { significantBits } from "../v2/codec.ts";
import type { TrainingProgress } from "../v2/progress.ts";
import {
  asTrainingImages,
  countingProgress,
  type DirectSlotCounts,
  emptyDirectSlotCounts,
  SampleContexts,
  TRAINING_FOLDS,
  type TrainingImages,
} from "../v2/direct_counts.ts";
import { DIRECT_SLOTS, type V2Model } from "../v2/model.ts";
import type { GpuContext } from "./device.ts";
import { V2_COUNTS_WGSL, V2_SEGMENT_SAMPLES } from "./v2_shader.ts";
import { packRecords, RECORD_WORDS } from "./v2_records.ts";

/** Samples packed at a time (whole rows, at least one). */
const CHUNK_SAMPLES = 1 << 16;
/** `u32` words per job: first record, records, bit depth, fold. */
const JOB_WORDS = 4;
/** Counters on the GPU: per fold, ones and uses of every slot. */
const COUNTERS = TRAINING_FOLDS * 2 * DIRECT_SLOTS;
/** Samples per batch unless the adapter's limits or the caller ask for fewer. */
const DEFAULT_BATCH_SAMPLES = 1 << 20;
/**
 * Samples counted before the counters are read back and cleared: a counter gains at most one
 * per sample, so this keeps every `u32` far from overflowing.
 */
const SAMPLES_PER_READBACK = 2 ** 31;

/**
 * Options of {@linkcode countDirectSlotsOnGpu}.
 *
 * @example
 * ```ts
 * import type { GpuDirectCountOptions } from "./v2_counts.ts";
 * const options: GpuDirectCountOptions = { maxBatchSamples: 4096 };
 * ```
 */
export interface GpuDirectCountOptions {
  /** Most samples sent at once (default 2^20, fewer if the GPU's limits say so). */
  maxBatchSamples?: number;
  /**
   * Packs the records somewhere else, e.g. on workers (`TrainingWorkers.packRecords`); by
   * default in this thread.
   */
  packer?: RecordPacker;
  /** Told the percentage of the samples counted, as it grows. */
  progress?: TrainingProgress;
}

/**
 * Counts the direct slots of `images` (image `i` in fold `i % 2`) with `start`'s learning rates,
 * on `gpu`: the same counts as `countDirectSlots` on the CPU.
 *
 * @throws {DeviceError} when the GPU fails (counting on the CPU gives the same counts).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { requestGpu } from "./device.ts";
 * import { countDirectSlotsOnGpu } from "./v2_counts.ts";
 * import { countDirectSlots } from "../v2/direct_counts.ts";
 * import { untrainedV2Model } from "../v2/model.ts";
 * const gpu = await requestGpu();
 * if (gpu !== null) {
 *   const image = { width: 4, height: 4, maxValue: 255, data: new Uint16Array(16).fill(7) };
 *   const counts = await countDirectSlotsOnGpu(gpu, [image], untrainedV2Model());
 *   gpu.device.destroy();
 *   deepStrictEqual(counts, await countDirectSlots([image], untrainedV2Model())); // as on the CPU
 * }
 * ```
 */
export async function countDirectSlotsOnGpu(
  gpu: GpuContext,
  images: TrainingImages | readonly GrayImage[],
  start: V2Model,
  options: GpuDirectCountOptions = {},
): Promise<DirectSlotCounts> {
  const source = asTrainingImages(images);
  const counter = new GpuDirectCounter(gpu, options.maxBatchSamples ?? DEFAULT_BATCH_SAMPLES);
  const tell = countingProgress(options.progress, source.samples);
  let done = 0;
  try {
    await (options.packer ?? packInThisThread)(
      source,
      start,
      CHUNK_SAMPLES,
      async (records, bits, index) => {
        counter.addRecords(records, bits, index % TRAINING_FOLDS);
        done += records.length / RECORD_WORDS;
        tell(done);
        await counter.throttle();
      },
    );
    return await counter.finish();
  } finally {
    counter.destroy();
  }
}

/**
 * Packs the sample records of every image from `start`, in chunks of about `chunkSamples`
 * samples (whole rows), handing each to `onRecords` with the image's bit depth and index and
 * waiting for the promise it returns before going on.
 *
 * @example
 * ```ts
 * import type { RecordPacker } from "./v2_counts.ts";
 * import { TrainingWorkers } from "../workers/training_workers.ts";
 * const workers = new TrainingWorkers(2);
 * const packer: RecordPacker = workers.packRecords.bind(workers);
 * workers.close();
 * ```
 */
export type RecordPacker = (
  images: TrainingImages,
  start: V2Model,
  chunkSamples: number,
  onRecords: (records: Uint32Array, bits: number, index: number) => Promise<void>,
) => Promise<void>;

/** The {@link RecordPacker} that packs in this thread, image after image. */
const packInThisThread: RecordPacker = async (images, start, chunkSamples, onRecords) => {
  for (let i = 0; i < images.count; i++) {
    const image = await images.image(i);
    const bits = significantBits(image.data);
    const contexts = new SampleContexts(image, bits, start);
    const rows = Math.max(1, Math.floor(chunkSamples / image.width));
    while (contexts.rowsLeft > 0) {
      await onRecords(packRecords(contexts, image.width, rows), bits, i);
    }
  }
};

/** Runs `work`, saying of any failure that it is the GPU's and what to do. */
async function gpuWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DeviceError(`GPU counting failed (${message}): the CPU gives the same counts`, {
      cause,
    });
  }
}

/** Packs sample records into batches, sends them, and keeps the GPU's counters. */
class GpuDirectCounter {
  readonly #device: GPUDevice;
  readonly #pipeline: GPUComputePipeline;
  readonly #records: Uint32Array<ArrayBuffer>;
  readonly #jobs: Uint32Array<ArrayBuffer>;
  readonly #recordBuffer: GPUBuffer;
  readonly #jobBuffer: GPUBuffer;
  readonly #counterBuffer: GPUBuffer;
  readonly #capacity: number;
  readonly #maxJobs: number;
  readonly #totals = emptyDirectSlotCounts();
  /** Records in the batch being filled, and its jobs. */
  #size = 0;
  #jobCount = 0;
  /** Samples counted since the counters were last read. */
  #unread = 0;
  /** Sent batches not known to be done, and the checks of their errors. */
  #inFlight: Promise<void>[] = [];
  #errors: Promise<GPUError | null>[] = [];

  constructor(gpu: GpuContext, maxBatchSamples: number) {
    const device = gpu.device;
    const { limits } = device;
    const recordBytes = RECORD_WORDS * 4;
    const bytesLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.#capacity = Math.max(1, Math.min(maxBatchSamples, Math.floor(bytesLimit / recordBytes)));
    // One job per segment, plus the partial segments where images or chunks meet.
    this.#maxJobs = Math.min(
      limits.maxComputeWorkgroupsPerDimension,
      Math.floor(bytesLimit / (JOB_WORDS * 4)),
      Math.ceil(this.#capacity / V2_SEGMENT_SAMPLES) + 64,
    );
    this.#device = device;
    this.#pipeline = device.createComputePipeline({
      label: "v2 direct counts",
      layout: "auto",
      compute: {
        module: device.createShaderModule({ code: V2_COUNTS_WGSL }),
        entryPoint: "main",
      },
    });
    this.#records = new Uint32Array(this.#capacity * RECORD_WORDS);
    this.#jobs = new Uint32Array(this.#maxJobs * JOB_WORDS);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.#recordBuffer = device.createBuffer({
      label: "v2 sample records",
      size: this.#records.byteLength,
      usage: storage,
    });
    this.#jobBuffer = device.createBuffer({
      label: "v2 jobs",
      size: this.#jobs.byteLength,
      usage: storage,
    });
    this.#counterBuffer = device.createBuffer({
      label: "v2 direct counters",
      size: COUNTERS * 4,
      usage: storage | GPUBufferUsage.COPY_SRC,
    });
  }

  /**
   * Queues `records` (whole records, see `v2_records.ts`) of an image of `bits`-bit samples in
   * fold `fold`; full batches are sent at once. Records of different images may come in any
   * order: the counts are sums.
   */
  addRecords(records: Uint32Array, bits: number, fold: number): void {
    const samples = records.length / RECORD_WORDS;
    for (let done = 0; done < samples;) {
      if (this.#size === this.#capacity || this.#jobCount === this.#maxJobs) this.#send();
      const take = Math.min(samples - done, this.#capacity - this.#size, V2_SEGMENT_SAMPLES);
      const job = this.#jobCount++ * JOB_WORDS;
      this.#jobs.set([this.#size, take, bits, fold], job);
      this.#records.set(
        records.subarray(done * RECORD_WORDS, (done + take) * RECORD_WORDS),
        this.#size * RECORD_WORDS,
      );
      this.#size += take;
      done += take;
    }
  }

  /** Waits while more than one sent batch is being counted; reads the counters when due. */
  throttle(): Promise<void> {
    return gpuWork(async () => {
      while (this.#inFlight.length > 1) await this.#inFlight[0];
      if (this.#unread >= SAMPLES_PER_READBACK) await this.#readCounters();
    });
  }

  /** Sends what is left and returns the totals. */
  finish(): Promise<DirectSlotCounts> {
    return gpuWork(async () => {
      this.#send();
      await this.#readCounters();
      return this.#totals;
    });
  }

  destroy(): void {
    for (const buffer of [this.#recordBuffer, this.#jobBuffer, this.#counterBuffer]) {
      buffer.destroy();
    }
  }

  #send(): void {
    if (this.#size === 0) return;
    const device = this.#device;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    device.queue.writeBuffer(this.#recordBuffer, 0, this.#records, 0, this.#size * RECORD_WORDS);
    device.queue.writeBuffer(this.#jobBuffer, 0, this.#jobs, 0, this.#jobCount * JOB_WORDS);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: this.#pipeline.getBindGroupLayout(0),
        entries: [this.#recordBuffer, this.#jobBuffer, this.#counterBuffer].map(
          (buffer, binding) => ({ binding, resource: { buffer } }),
        ),
      }),
    );
    pass.dispatchWorkgroups(this.#jobCount);
    pass.end();
    device.queue.submit([encoder.finish()]);
    this.#errors.push(device.popErrorScope(), device.popErrorScope());
    const done = device.queue.onSubmittedWorkDone().finally(() => {
      this.#inFlight.splice(this.#inFlight.indexOf(done), 1);
    });
    this.#inFlight.push(done);
    this.#unread += this.#size;
    this.#size = 0;
    this.#jobCount = 0;
  }

  /** Adds the GPU's counters to the totals and clears them. */
  async #readCounters(): Promise<void> {
    const device = this.#device;
    const readback = device.createBuffer({
      label: "v2 counters readback",
      size: COUNTERS * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.#counterBuffer, 0, readback, 0, COUNTERS * 4);
      encoder.clearBuffer(this.#counterBuffer);
      device.queue.submit([encoder.finish()]);
      const error = (await Promise.all(this.#errors.splice(0))).find((e) => e !== null);
      if (error) throw error;
      await readback.mapAsync(GPUMapMode.READ);
      const counters = new Uint32Array(readback.getMappedRange());
      const { ones, totals } = this.#totals;
      for (let f = 0; f < TRAINING_FOLDS; f++) {
        const from = f * 2 * DIRECT_SLOTS;
        for (let s = 0; s < DIRECT_SLOTS; s++) {
          ones[f * DIRECT_SLOTS + s] += counters[from + s];
          totals[f * DIRECT_SLOTS + s] += counters[from + DIRECT_SLOTS + s];
        }
      }
      readback.unmap();
      this.#unread = 0;
    } finally {
      readback.destroy();
    }
  }
}

/**
 * v2 training statistics on a GPU: the direct-slot counts of `src/v2/direct_counts.ts`, equal to
 * what `countDirectSlots` gathers on the CPU. The CPU computes each sample's contexts and packs
 * them into records; batches of records go to the GPU, which does the per-bit counting.
 *
 * @module
 */
import type { GrayImage } from "../image/gray_image.ts";
import { significantBits } from "../v2/codec.ts";
import type { TrainingProgress } from "../v2/progress.ts";
import {
  asTrainingImages,
  countingProgress,
  type DirectSlotCounts,
  emptyDirectSlotCounts,
  SampleContexts,
  type SampleContextVisitor,
  TRAINING_FOLDS,
  type TrainingImages,
} from "../v2/direct_counts.ts";
import { DIRECT_INPUTS, DIRECT_SLOTS, type V2Model } from "../v2/model.ts";
import type { GpuContext } from "./device.ts";
import { CLASS_WORD, RECORD_WORDS, V2_COUNTS_WGSL, V2_SEGMENT_SAMPLES } from "./v2_shader.ts";

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
  /** Told the percentage of the samples counted, as it grows. */
  progress?: TrainingProgress;
}

/**
 * Counts the direct slots of `images` (image `i` in fold `i % 2`) with `start`'s learning rates,
 * on `gpu`: the same counts as `countDirectSlots` on the CPU.
 *
 * @throws {Error} when the GPU fails (then train with `--device cpu`).
 * @example
 * ```ts
 * import { requestGpu } from "./device.ts";
 * import { countDirectSlotsOnGpu } from "./v2_counts.ts";
 * import { untrainedV2Model } from "../v2/model.ts";
 * const gpu = await requestGpu();
 * if (gpu !== null) {
 *   const image = { width: 4, height: 4, maxValue: 255, data: new Uint16Array(16).fill(7) };
 *   const counts = await countDirectSlotsOnGpu(gpu, [image], untrainedV2Model());
 *   console.log(counts.totals.reduce((a, b) => a + b)); // 432
 *   gpu.device.destroy();
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
    for (let i = 0; i < source.count; i++) {
      const image = await source.image(i);
      const bits = significantBits(image.data);
      counter.startImage(bits, i % TRAINING_FOLDS);
      const contexts = new SampleContexts(image, bits, start);
      while (contexts.rowsLeft > 0) {
        contexts.visitRow(counter.addSample);
        done += image.width;
        tell(done);
        await counter.throttle();
      }
    }
    return await counter.finish();
  } finally {
    counter.destroy();
  }
}

/** Runs `work`, saying of any failure that it is the GPU's and what to do. */
async function gpuWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`GPU counting failed (${message}): run with --device cpu`, { cause });
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
  /** The current image's bit depth, fold, and records so far in this batch. */
  #bits = 0;
  #fold = 0;
  #run = 0;
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
    this.#maxJobs = Math.min(
      limits.maxComputeWorkgroupsPerDimension,
      Math.floor(bytesLimit / (JOB_WORDS * 4)),
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
    const jobLimit = Math.min(this.#maxJobs, Math.ceil(this.#capacity / V2_SEGMENT_SAMPLES) + 64);
    this.#maxJobs = jobLimit;
    this.#jobs = new Uint32Array(jobLimit * JOB_WORDS);
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

  /** The samples that follow belong to an image of `bits`-bit samples in fold `fold`. */
  startImage(bits: number, fold: number): void {
    this.#bits = bits;
    this.#fold = fold;
    this.#run = 0;
  }

  /** Packs one sample's record (a bound method, for `SampleContexts.visitRow`). */
  readonly addSample: SampleContextVisitor = (value, predictions, classes) => {
    if (this.#size === this.#capacity) this.#send();
    if (this.#run % V2_SEGMENT_SAMPLES === 0) {
      if (this.#jobCount === this.#maxJobs) this.#send();
      const job = this.#jobCount++ * JOB_WORDS;
      this.#jobs[job] = this.#size;
      this.#jobs[job + 1] = 0;
      this.#jobs[job + 2] = this.#bits;
      this.#jobs[job + 3] = this.#fold;
    }
    this.#jobs[(this.#jobCount - 1) * JOB_WORDS + 1]++;
    const records = this.#records;
    const at = this.#size * RECORD_WORDS;
    records[at] = value | (predictions[0] << 16);
    for (let j = 1; j < DIRECT_INPUTS; j += 2) {
      records[at + ((j + 1) >> 1)] = predictions[j] | (predictions[j + 1] << 16);
    }
    for (let w = CLASS_WORD; w < RECORD_WORDS; w++) records[at + w] = 0;
    for (let j = 0; j < DIRECT_INPUTS; j++) {
      records[at + CLASS_WORD + (j >> 3)] |= classes[j] << ((j & 7) * 4);
    }
    this.#size++;
    this.#run++;
  };

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
    this.#run = 0;
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

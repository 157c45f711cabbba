/**
 * Classic training statistics on a GPU: the zero and one counts of the 5120 classic contexts over
 * every decision of every image, equal to what `ClassicCounts.addImage` gathers on the CPU.
 *
 * @module
 */
import { DeviceError } from "../errors.ts";
import { CLASSIC_CONTEXTS } from "../classic/context.ts";
import {
  CLASSIC_COUNTS_WGSL,
  CLASSIC_PLANES_PER_WORKGROUP,
  CLASSIC_SEGMENT_PIXELS,
} from "./classic_shader.ts";
import type { GpuContext } from "./device.ts";
import { type SampleBatch, SampleBatcher } from "./sample_batches.ts";

/** Bytes of the per-batch counters: zeros then ones, one `u32` per context each. */
const COUNTS_BYTES = 2 * CLASSIC_CONTEXTS * 4;
/** Batch size used unless the adapter's limits or the caller ask for less. */
const DEFAULT_BATCH_BYTES = 32 << 20;

/**
 * Options of a {@linkcode GpuClassicCounter}.
 *
 * @example
 * ```ts
 * import type { GpuClassicCounterOptions } from "./classic_counts.ts";
 * const options: GpuClassicCounterOptions = { maxBatchBytes: 1 << 20 };
 * ```
 */
export interface GpuClassicCounterOptions {
  /** Largest batch of samples sent at once, in bytes (default 32 MiB, less if the GPU says so). */
  maxBatchBytes?: number;
}

/**
 * Zero and one counts per classic context.
 *
 * @example
 * ```ts
 * import type { ClassicContextCounts } from "./classic_counts.ts";
 * const counts: ClassicContextCounts = { zeros: new Float64Array(5120), ones: new Float64Array(5120) };
 * ```
 */
export interface ClassicContextCounts {
  /** Zeros seen per context (exact integers). */
  zeros: Float64Array;
  /** Ones seen per context (exact integers). */
  ones: Float64Array;
}

/**
 * Counts classic contexts on a GPU. Images are queued and sent in batches that fit the device's
 * limits; each batch is counted in `u32` (a batch holds fewer than 2^32 samples, so no counter
 * can overflow) and its counts are added into `Float64Array` totals, exact up to 2^53.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { ClassicCounts } from "../classic/model.ts";
 * import { GpuClassicCounter } from "./classic_counts.ts";
 * import { requestGpu } from "./device.ts";
 * const gpu = await requestGpu();
 * if (gpu !== null) {
 *   const counter = new GpuClassicCounter(gpu);
 *   counter.addImage(new Uint8Array([255]), 1, 1);
 *   const { zeros, ones } = await counter.finish();
 *   gpu.device.destroy();
 *   const cpu = new ClassicCounts();
 *   cpu.addImage(new Uint8Array([255]), 1, 1);
 *   deepStrictEqual({ zeros, ones }, { zeros: cpu.zeros, ones: cpu.ones }); // as on the CPU
 * }
 * ```
 */
export class GpuClassicCounter {
  #device: GPUDevice;
  #pipeline: GPUComputePipeline;
  #batcher: SampleBatcher;
  #counts: GPUBuffer;
  #samples: GPUBuffer | null = null;
  #jobs: GPUBuffer | null = null;
  #totals: ClassicContextCounts = {
    zeros: new Float64Array(CLASSIC_CONTEXTS),
    ones: new Float64Array(CLASSIC_CONTEXTS),
  };
  /** Batches sent and not yet added to the totals, oldest first. */
  #inFlight: Promise<void>[] = [];
  #failure: Error | null = null;
  #finished = false;

  /** Prepares the shader and buffers on `gpu`'s device. */
  constructor(gpu: GpuContext, options: GpuClassicCounterOptions = {}) {
    const device = gpu.device;
    const { limits } = device;
    const maxBytes = Math.min(
      options.maxBatchBytes ?? DEFAULT_BATCH_BYTES,
      limits.maxStorageBufferBindingSize,
      limits.maxBufferSize,
      2 ** 32 - 4,
    );
    this.#device = device;
    this.#pipeline = device.createComputePipeline({
      label: "classic counts",
      layout: "auto",
      compute: {
        module: device.createShaderModule({ code: CLASSIC_COUNTS_WGSL }),
        entryPoint: "main",
      },
    });
    this.#counts = device.createBuffer({
      label: "classic batch counts",
      size: COUNTS_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.#batcher = new SampleBatcher(
      {
        maxBytes: maxBytes - (maxBytes % 4),
        maxJobs: limits.maxComputeWorkgroupsPerDimension,
        segmentPixels: CLASSIC_SEGMENT_PIXELS,
      },
      (batch) => this.#count(batch),
    );
  }

  /**
   * Queues every decision of one normalized (polarity already applied) 8-bit image; a full
   * batch is sent to the GPU at once. The samples are copied: the caller may reuse them.
   */
  addImage(samples: Uint8Array, width: number, height: number): void {
    this.#checkOpen();
    this.#batcher.add(samples, width, height);
  }

  /**
   * Waits while more than one sent batch is still being counted. Awaiting it between images
   * bounds memory when images arrive faster than the GPU counts them, and still lets the next
   * batch fill while the last one is counted.
   *
   * @throws {Error} when counting a batch failed.
   */
  async throttle(): Promise<void> {
    while (this.#inFlight.length > 1) await this.#inFlight[0];
    if (this.#failure !== null) throw this.#failure;
  }

  /** Counts what is still queued and returns the totals; the counter then frees its buffers. */
  async finish(): Promise<ClassicContextCounts> {
    this.#checkOpen();
    this.#finished = true;
    try {
      this.#batcher.flush();
      await Promise.all(this.#inFlight);
    } finally {
      for (const buffer of [this.#counts, this.#samples, this.#jobs]) buffer?.destroy();
    }
    if (this.#failure !== null) throw this.#failure;
    return this.#totals;
  }

  #checkOpen(): void {
    if (this.#finished) throw new Error("this GPU counter is finished: start a new one");
  }

  #count(batch: SampleBatch): void {
    const device = this.#device;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    this.#samples = this.#storage(this.#samples, batch.samples, "classic samples");
    this.#jobs = this.#storage(this.#jobs, batch.jobs, "classic jobs");
    const readback = device.createBuffer({
      label: "classic counts readback",
      size: COUNTS_BYTES,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = device.createCommandEncoder();
    encoder.clearBuffer(this.#counts);
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: this.#pipeline.getBindGroupLayout(0),
        entries: [this.#samples, this.#jobs, this.#counts].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      }),
    );
    pass.dispatchWorkgroups(batch.jobCount, 8 / CLASSIC_PLANES_PER_WORKGROUP);
    pass.end();
    encoder.copyBufferToBuffer(this.#counts, 0, readback, 0, COUNTS_BYTES);
    device.queue.submit([encoder.finish()]);
    const failures = Promise.all([device.popErrorScope(), device.popErrorScope()]);
    const done = this.#addReadback(readback, failures).catch((cause) => {
      const message = `GPU counting failed (${cause.message}): the CPU gives the same counts`;
      this.#failure ??= new DeviceError(message, { cause });
    }).finally(() => this.#inFlight.splice(this.#inFlight.indexOf(done), 1));
    this.#inFlight.push(done);
  }

  /** Returns `buffer` if it can hold `data`, else a new storage buffer; then uploads `data`. */
  #storage(
    buffer: GPUBuffer | null,
    data: Uint8Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
    label: string,
  ): GPUBuffer {
    if (buffer === null || buffer.size < data.byteLength) {
      buffer?.destroy();
      buffer = this.#device.createBuffer({
        label,
        size: data.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
    }
    this.#device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  async #addReadback(
    readback: GPUBuffer,
    failures: Promise<(GPUError | null)[]>,
  ): Promise<void> {
    try {
      const error = (await failures).find((e) => e !== null);
      if (error) throw error;
      await readback.mapAsync(GPUMapMode.READ);
      const counts = new Uint32Array(readback.getMappedRange());
      const { zeros, ones } = this.#totals;
      for (let c = 0; c < CLASSIC_CONTEXTS; c++) {
        zeros[c] += counts[c];
        ones[c] += counts[CLASSIC_CONTEXTS + c];
      }
      readback.unmap();
    } finally {
      readback.destroy();
    }
  }
}

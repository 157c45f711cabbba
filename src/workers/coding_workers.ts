/**
 * Codes and decodes v2 tiles on several Web Workers at once. Each tile is independent and goes
 * back to the call that asked for it, so a file is the same bytes whatever the number of workers
 * or the order in which they finish.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import type { TileDecodeJob, TileEncodeJob, TileRunner } from "../v2/image_codec.ts";
import { headerOf, type V2CodedTile } from "../v2/container.ts";
import type { V2Model } from "../v2/model.ts";
import type { CodingReply, CodingRequest } from "./coding_worker.ts";

type Result = V2CodedTile | Uint16Array | Uint8Array;
type Pending = { resolve: (value: Result) => void; reject: (e: Error) => void };

/**
 * A job waiting for a free worker: its request without the model, and its model (none for bytes
 * to compress).
 */
interface Queued {
  job: number;
  model: V2Model | undefined;
  request: (model: number) => CodingRequest;
  transfer: Transferable[];
}

/**
 * A pool of `count` workers that code tiles and compress and expand bytes (a `TileRunner`).
 * Workers start with the first job and {@link CodingWorkers.close} ends them (call it, or the
 * process stays alive).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { CodingWorkers } from "./coding_workers.ts";
 * import { decodeV2Image, encodeV2Image } from "../v2/image_codec.ts";
 * import { defaultV2Model } from "../v2/model.ts";
 * const workers = new CodingWorkers(2);
 * try {
 *   const image = { width: 3, height: 2, maxValue: 255, data: new Uint16Array([1, 2, 3, 4, 5, 6]) };
 *   const coded = await encodeV2Image(image, defaultV2Model(), "auto", workers);
 *   deepStrictEqual(coded, await encodeV2Image(image, defaultV2Model(), "auto")); // as in this thread
 *   deepStrictEqual(await decodeV2Image(coded, defaultV2Model(), { runner: workers }), image);
 * } finally {
 *   workers.close();
 * }
 * ```
 */
export class CodingWorkers implements TileRunner {
  readonly #count: number;
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  /** Per worker, the models it holds (the pool's numbers). */
  #held = new Map<Worker, Set<number>>();
  #modelNumbers = new WeakMap<V2Model, number>();
  #nextModel = 0;
  #nextJob = 0;
  #queue: Queued[] = [];
  #pending = new Map<number, Pending>();
  #failure: Error | undefined;

  /** A pool of `count` workers (at least 1). */
  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`the number of workers must be a whole number ≥ 1, not ${count}`);
    }
    this.#count = count;
  }

  /** The number of workers the pool runs (at most): tiles coded at once. */
  get concurrency(): number {
    return this.#count;
  }

  /** Codes a tile on the next free worker. */
  encodeTile(job: TileEncodeJob): Promise<V2CodedTile> {
    const { samples, rect, header, polarity } = job;
    return this.#submit(job.model, [samples.buffer as ArrayBuffer], (model) => ({
      type: "encode",
      job: 0,
      model,
      samples,
      rect,
      header: headerOf(header),
      polarity,
    })) as Promise<V2CodedTile>;
  }

  /** Decodes a tile on the next free worker. */
  decodeTile(job: TileDecodeJob): Promise<Uint16Array> {
    const { rect, header } = job;
    // A copy of the stream alone: a view would take its whole buffer (the file) along.
    const tile = { ...job.tile, stream: job.tile.stream.slice() };
    return this.#submit(job.model, [tile.stream.buffer as ArrayBuffer], (model) => ({
      type: "decode",
      job: 0,
      model,
      tile,
      rect,
      header: headerOf(header), // not the coded image: its tiles' views would take the file along
    })) as Promise<Uint16Array>;
  }

  /** Compresses bytes with the byte model (after `dictionary`) on the next free worker. */
  compressBytes(raw: Uint8Array, dictionary?: Uint8Array): Promise<Uint8Array> {
    const bytes = raw.slice(); // transferred: the caller keeps its own
    return this.#submit(undefined, [bytes.buffer as ArrayBuffer], () => ({
      type: "compress",
      job: 0,
      bytes,
      ...(dictionary !== undefined && { dictionary }),
    })) as Promise<Uint8Array>;
  }

  /** Expands what {@link CodingWorkers.compressBytes} wrote on the next free worker. */
  expandBytes(data: Uint8Array, rawBytes: number, dictionary?: Uint8Array): Promise<Uint8Array> {
    const bytes = data.slice(); // a view would take its whole buffer (the archive) along
    return this.#submit(undefined, [bytes.buffer as ArrayBuffer], () => ({
      type: "expand",
      job: 0,
      bytes,
      rawBytes,
      ...(dictionary !== undefined && { dictionary }),
    })) as Promise<Uint8Array>;
  }

  /** Ends the workers; tiles still waiting fail. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
    this.#idle = [];
    this.#held.clear();
    for (const { reject } of this.#pending.values()) reject(new Error("the coding pool closed"));
    this.#pending.clear();
    this.#queue = [];
  }

  #submit(
    model: V2Model | undefined,
    transfer: Transferable[],
    request: (model: number) => CodingRequest,
  ): Promise<Result> {
    if (this.#failure) return Promise.reject(this.#failure);
    const job = this.#nextJob++;
    const done = new Promise<Result>((resolve, reject) => {
      this.#pending.set(job, { resolve, reject });
    });
    this.#queue.push({ job, model, transfer, request });
    this.#start();
    this.#dispatch();
    return done;
  }

  /** Starts workers while there are queued tiles and fewer workers than the pool's size. */
  #start(): void {
    while (this.#workers.length < Math.min(this.#count, this.#pending.size)) {
      const url = new URL("./coding_worker.ts", import.meta.url).href;
      const worker = new Worker(url, { type: "module" });
      worker.onmessage = (event: MessageEvent<CodingReply>) => this.#answered(worker, event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        this.#fail(new Error(`a coding worker failed: ${event.message}`));
      };
      this.#workers.push(worker);
      this.#idle.push(worker);
      this.#held.set(worker, new Set());
    }
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.shift()!;
      const { job, model, transfer, request } = this.#queue.shift()!;
      if (model === undefined) {
        worker.postMessage({ ...request(-1), job }, transfer);
        continue;
      }
      let number = this.#modelNumbers.get(model);
      if (number === undefined) {
        number = this.#nextModel++;
        this.#modelNumbers.set(model, number);
      }
      const held = this.#held.get(worker)!;
      if (!held.has(number)) {
        const send: CodingRequest = { type: "model", model: number, params: model };
        worker.postMessage(send);
        held.add(number);
      }
      worker.postMessage({ ...request(number), job }, transfer);
    }
  }

  #answered(worker: Worker, reply: CodingReply): void {
    const pending = this.#pending.get(reply.job);
    this.#pending.delete(reply.job);
    this.#idle.push(worker);
    this.#dispatch();
    if (!pending) return;
    if ("error" in reply) {
      pending.reject(
        reply.code ? new FormatError(reply.error, reply.code) : new Error(reply.error),
      );
    } else {
      pending.resolve(
        "tile" in reply ? reply.tile : "samples" in reply ? reply.samples : reply.bytes,
      );
    }
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
    this.#queue = [];
  }
}

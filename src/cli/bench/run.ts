/**
 * The bench's measurement: every codec codes and decodes every image in memory, in this
 * process; every decoded image is compared with the input, sample by sample. Each codec first
 * makes one untimed round trip (on the first image it accepts: JIT compilation, WebAssembly
 * start-up); then each image is coded and decoded `repeat` times and the median times count.
 * The clock times only the encode and decode calls (a codec that runs an external tool reports
 * the tool's own times instead).
 *
 * @module
 */
import { FormatError } from "../../errors.ts";
import type { GrayImage } from "../../image/gray_image.ts";
import type { BenchCodec, Decoded } from "./bench_codec.ts";

/**
 * What became of one image with one codec: `ok` (decoded exactly), `mismatch` (decoded to other
 * samples), `error` (the codec threw) or `unsupported` (the codec does not code such images).
 *
 * @example
 * ```ts
 * import type { RowStatus } from "./run.ts";
 * const status: RowStatus = "unsupported";
 * ```
 */
export type RowStatus = "ok" | "mismatch" | "error" | "unsupported";

/**
 * One image × one codec: sizes, median times, and what became of it.
 *
 * @example
 * ```ts
 * import type { BenchRow } from "./run.ts";
 * const row: BenchRow = {
 *   image: "a.pgm", width: 4, height: 4, maxValue: 255,
 *   codec: "png", level: "9+filters", workers: 1,
 *   status: "ok", bytes: 60, encodeSeconds: 0.001, decodeSeconds: 0.0005,
 * };
 * ```
 */
export interface BenchRow {
  image: string;
  domain?: string;
  width: number;
  height: number;
  maxValue: number;
  codec: string;
  level: string;
  workers: number;
  status: RowStatus;
  /** Why it is not `ok`. */
  detail?: string;
  /** Coded size (also for a mismatch). */
  bytes?: number;
  /** Median encode time of the timed runs (`ok` rows). */
  encodeSeconds?: number;
  /** Median decode time of the timed runs (`ok` rows). */
  decodeSeconds?: number;
}

/**
 * An image to measure: its name, domain, and how to read it.
 *
 * @example
 * ```ts
 * import type { RunImage } from "./run.ts";
 * const image: RunImage = {
 *   name: "dot.pgm",
 *   read: () => Promise.resolve({ width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) }),
 * };
 * ```
 */
export interface RunImage {
  name: string;
  domain?: string;
  read(): Promise<GrayImage>;
}

/**
 * How to run: timed runs per image (at least 1), and who is told of progress and of every row
 * that is not `ok`.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "./run.ts";
 * const options: RunOptions = { repeat: 3, problem: (row) => console.error(row.detail) };
 * ```
 */
export interface RunOptions {
  repeat?: number;
  progress?(done: number, total: number, what: string): void;
  problem?(row: BenchRow): void;
}

/** Whether the decoded image is the input, sample for sample. */
function isExact(decoded: Decoded, image: GrayImage): boolean {
  const { samples } = decoded;
  if (decoded.width !== image.width || decoded.height !== image.height) return false;
  if (samples.length !== image.data.length) return false;
  for (let i = 0; i < samples.length; i++) if (samples[i] !== image.data[i]) return false;
  return true;
}

/** One timed round trip. */
async function roundTrip(codec: BenchCodec, image: GrayImage) {
  const t0 = performance.now();
  const coded = await codec.encode(image);
  const t1 = performance.now();
  const decoded = await codec.decode(coded.bytes, image);
  const t2 = performance.now();
  return {
    bytes: coded.bytes.length,
    encodeSeconds: coded.seconds ?? (t1 - t0) / 1000,
    decodeSeconds: decoded.seconds ?? (t2 - t1) / 1000,
    exact: isExact(decoded, image),
  };
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { median } from "./run.ts";
 * strictEqual(median([3, 1, 2]), 2);
 * strictEqual(median([4, 1, 2, 3]), 2.5);
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What one codec made of one image. */
async function measure(
  codec: BenchCodec,
  image: GrayImage,
  repeat: number,
  warmed: Set<BenchCodec>,
): Promise<Pick<BenchRow, "status" | "detail" | "bytes" | "encodeSeconds" | "decodeSeconds">> {
  try {
    if (!warmed.has(codec)) {
      await roundTrip(codec, image);
      warmed.add(codec);
    }
    const runs = [];
    for (let r = 0; r < repeat; r++) runs.push(await roundTrip(codec, image));
    const bytes = runs[0].bytes;
    if (runs.some((run) => !run.exact)) {
      return { status: "mismatch", detail: "decoded samples differ from the input", bytes };
    }
    return {
      status: "ok",
      bytes,
      encodeSeconds: median(runs.map((run) => run.encodeSeconds)),
      decodeSeconds: median(runs.map((run) => run.decodeSeconds)),
    };
  } catch (e) {
    const detail = e instanceof Error ? e.message.split("\n")[0] : String(e);
    const unsupported = e instanceof FormatError && e.code === "unsupported";
    return { status: unsupported ? "unsupported" : "error", detail };
  }
}

/**
 * Measures every codec on every image (images in order, each read once; codecs in order for
 * each image).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { runBench } from "./run.ts";
 * import { pngPeer } from "./peers/png.ts";
 * const image = { width: 8, height: 8, maxValue: 255, data: new Uint16Array(64).fill(7) };
 * const rows = await runBench([{ name: "flat.pgm", read: () => Promise.resolve(image) }], [
 *   pngPeer,
 * ]);
 * deepStrictEqual(rows.map((r) => [r.image, r.codec, r.status]), [["flat.pgm", "png", "ok"]]);
 * ```
 */
export async function runBench(
  images: readonly RunImage[],
  codecs: readonly BenchCodec[],
  options: RunOptions = {},
): Promise<BenchRow[]> {
  const repeat = Math.max(1, options.repeat ?? 1);
  const warmed = new Set<BenchCodec>();
  const rows: BenchRow[] = [];
  const total = images.length * codecs.length;
  for (const item of images) {
    const image = await item.read();
    const { width, height, maxValue } = image;
    for (const codec of codecs) {
      options.progress?.(rows.length, total, `${item.name}: ${codec.name}`);
      const row: BenchRow = {
        image: item.name,
        ...(item.domain === undefined ? {} : { domain: item.domain }),
        width,
        height,
        maxValue,
        codec: codec.name,
        level: codec.level,
        workers: codec.workers,
        ...await measure(codec, image, repeat, warmed),
      };
      if (row.status !== "ok") options.problem?.(row);
      rows.push(row);
    }
  }
  return rows;
}

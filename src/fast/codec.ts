/**
 * The fast level's coder: one residual per sample (a blend of five predictors with bias
 * correction, a match model and adaptive binary range coding of the residual), or for bilevel
 * images one decision per sample in a 16-neighbour context. The per-sample work runs in a
 * WebAssembly kernel (`fast_kernel.wat`); this module moves rows and stream bytes in and out.
 * The stream is specified in `docs/fast-level.md`.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { FAST_KERNEL_WASM_BASE64 } from "./fast_kernel_wasm.ts";

/** Images wider than this are coded as vertical stripes of at most this many columns. */
const STRIPE_WIDTH = 65536;
/**
 * Samples a stream byte can hold at most. Every sample costs at least one decision, and a
 * decision costs at least −log2(1 − (1 − 2^−8) · 2^−16) ≈ 2.19·10^−5 bits (the range is at least
 * 2^24 when a probability of at most 65535/65536 splits it), so a byte holds fewer than 364 830.
 */
const SAMPLES_PER_BYTE = 365000;
/** Bytes the bound allows on top of the stream (the coder's four final bytes and rounding). */
const SLACK_BYTES = 8;
/** The most stream bytes one sample can take (20 decisions of ≤ 2 bytes, 30 bypass bits). */
const MAX_BYTES_PER_SAMPLE = 80;

/**
 * The most samples a fast-level stream of `streamBytes` bytes can hold: {@link decodeFast}
 * refuses a larger image as damaged before it allocates anything.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { maxFastSamples } from "./codec.ts";
 * ok(maxFastSamples(60) < 60000 * 60000); // a 60-byte stream cannot hold a 60000×60000 image
 * ```
 */
export function maxFastSamples(streamBytes: number): number {
  return (streamBytes + SLACK_BYTES) * SAMPLES_PER_BYTE;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  init(width: number, bits: number, decoding: number, streamBytes: number): number;
  reserve(bytes: number): number;
  startStripe(width: number): void;
  rowAt(): number;
  codeRow(): void;
  startDecoding(): void;
  finish(): number;
  unread(): number;
}

let compiled: WebAssembly.Module | undefined;

/** A fresh instance of the kernel (the module is compiled once). */
function instantiate(): KernelExports {
  compiled ??= new WebAssembly.Module(
    Uint8Array.from(atob(FAST_KERNEL_WASM_BASE64.join("")), (c) => c.charCodeAt(0)),
  );
  return new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
}

function checkShape(length: number, width: number, height: number, bits: number): void {
  for (const [name, size] of [["width", width], ["height", height]] as const) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad ${name} ${size}`);
  }
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
    throw new RangeError(`bits must be 1…16, got ${bits}`);
  }
  if (length !== width * height) {
    throw new RangeError(`${length} samples for a ${width}×${height} image`);
  }
}

/** Checks the shape and that every sample is below `2^bits`. */
function checkSamples(samples: Uint16Array, width: number, height: number, bits: number): void {
  checkShape(samples.length, width, height, bits);
  const limit = 2 ** bits;
  let i = 0;
  while (i < samples.length && samples[i] < limit) i++;
  if (i < samples.length) throw new RangeError(`sample ${i} is ${samples[i]}, not below 2^${bits}`);
}

/**
 * Calls `row(y, x0, rowView)` for every row of every stripe (after starting the stripe), where
 * `rowView()` is the kernel's buffer of the row to code next.
 */
function eachRow(
  kernel: KernelExports,
  width: number,
  height: number,
  row: (y: number, x0: number, rowView: () => Uint16Array) => void,
): void {
  for (let x0 = 0; x0 < width; x0 += STRIPE_WIDTH) {
    const stripeWidth = Math.min(STRIPE_WIDTH, width - x0);
    const rowView = () => new Uint16Array(kernel.memory.buffer, kernel.rowAt(), stripeWidth);
    kernel.startStripe(stripeWidth);
    for (let y = 0; y < height; y++) row(y, x0, rowView);
  }
}

/**
 * Encodes `width × height` samples (row-major, each below `2^bits`) into a fast-level stream.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeFast, encodeFast } from "./codec.ts";
 * const samples = new Uint16Array([0, 1, 2, 3, 4, 5]);
 * const stream = encodeFast(samples, 3, 2, 3);
 * deepStrictEqual(decodeFast(stream, 3, 2, 3), samples);
 * ```
 */
export function encodeFast(
  samples: Uint16Array,
  width: number,
  height: number,
  bits: number,
): Uint8Array {
  checkSamples(samples, width, height, bits);
  const kernel = instantiate();
  const stripe = Math.min(STRIPE_WIDTH, width);
  const rowBytes = stripe * MAX_BYTES_PER_SAMPLE + 64;
  const start = kernel.init(stripe, bits, 0, rowBytes);
  if (start === 0) throw new RangeError(`no memory for a ${width}×${height} image`);
  eachRow(kernel, width, height, (y, x0, rowView) => {
    if (!kernel.reserve(rowBytes)) throw new RangeError("the fast stream outgrew the memory");
    const view = rowView(); // after reserve(), which may grow the memory
    view.set(samples.subarray(y * width + x0, y * width + x0 + view.length));
    kernel.codeRow();
  });
  const end = kernel.finish();
  return new Uint8Array(kernel.memory.buffer.slice(start, end));
}

/**
 * Decodes a fast-level stream written by {@link encodeFast} with the same size and bit depth.
 * Throws a `FormatError` if the stream is too short for the size given (checked before anything
 * is allocated), is found truncated or has trailing bytes; other damage yields different
 * samples (the container's pixel checksum catches it).
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert/strict";
 * import { decodeFast, encodeFast } from "./codec.ts";
 * const stream = encodeFast(new Uint16Array([4000, 4001]), 2, 1, 12);
 * strictEqual(decodeFast(stream, 2, 1, 12)[1], 4001);
 * throws(() => decodeFast(stream.subarray(0, stream.length - 1), 2, 1, 12), /truncated/);
 * ```
 */
export function decodeFast(
  stream: Uint8Array,
  width: number,
  height: number,
  bits: number,
): Uint16Array {
  checkShape(width * height, width, height, bits);
  if (width * height > maxFastSamples(stream.length)) {
    throw new FormatError(
      `fast stream of ${stream.length} bytes is too short for a ${width}x${height} image ` +
        `(damaged header or stream)`,
    );
  }
  const samples = new Uint16Array(width * height);
  const kernel = instantiate();
  const start = kernel.init(Math.min(STRIPE_WIDTH, width), bits, 1, stream.length);
  if (start === 0) throw new RangeError(`no memory for a ${width}×${height} image`);
  new Uint8Array(kernel.memory.buffer, start, stream.length).set(stream);
  kernel.startDecoding();
  eachRow(kernel, width, height, (y, x0, rowView) => {
    const view = rowView(); // the row codeRow() decodes, which then moves on to the next
    kernel.codeRow();
    if (kernel.unread() < 0) throw new FormatError("fast stream is truncated");
    samples.set(view, y * width + x0);
  });
  if (kernel.unread() !== 0) throw new FormatError("fast stream has trailing bytes");
  return samples;
}

/**
 * OpenJPH, the HTJ2K (High-Throughput JPEG 2000) library, built to WebAssembly
 * (`@cornerstonejs/codec-openjph`), in one place so that replacing it is a one-file change.
 *
 * @module
 */
// Full specifiers, so that the command line also runs from a URL (no import map there).
// deno-lint-ignore no-import-prefix
import OpenJph from "npm:@cornerstonejs/codec-openjph@2.4.11/wasmjs";
import type { FrameDecoder, FrameEncoder } from "./frame_codec.ts";

/**
 * An HTJ2K encoder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { Htj2kEncoder } from "./openjph.ts";
 * const method: keyof Htj2kEncoder = "setQuality";
 * strictEqual(method, "setQuality");
 * ```
 */
export interface Htj2kEncoder extends FrameEncoder {
  /** `lossless` true: the reversible 5/3 wavelet, no quantization (the step is then ignored). */
  setQuality(lossless: boolean, quantizationStep: number): void;
}

/**
 * The OpenJPH module.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { OpenJphModule } from "./openjph.ts";
 * const method: keyof OpenJphModule = "getVersion";
 * strictEqual(method, "getVersion");
 * ```
 */
export interface OpenJphModule {
  HTJ2KEncoder: new () => Htj2kEncoder;
  HTJ2KDecoder: new () => FrameDecoder;
  /** OpenJPH's version, e.g. `0.31.0`. */
  getVersion(): string;
}

/**
 * Instantiates the OpenJPH WebAssembly module (its glue code reads the `.wasm` file beside it
 * with Node's `fs`, which Deno provides).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { loadOpenJph } from "./openjph.ts";
 * strictEqual((await loadOpenJph()).getVersion(), "0.31.0");
 * ```
 */
export async function loadOpenJph(): Promise<OpenJphModule> {
  return await (OpenJph as () => Promise<OpenJphModule>)();
}

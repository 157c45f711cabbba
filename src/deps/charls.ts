/**
 * CharLS, the JPEG-LS library, built to WebAssembly (`@cornerstonejs/codec-charls`), in one place
 * so that replacing it is a one-file change.
 *
 * @module
 */
// Full specifiers, so that the command line also runs from a URL (no import map there).
// deno-lint-ignore no-import-prefix
import CharLS from "npm:@cornerstonejs/codec-charls@1.2.7/wasmjs";
import type { FrameDecoder, FrameEncoder } from "./frame_codec.ts";

/**
 * A JPEG-LS encoder.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { JpegLsEncoder } from "./charls.ts";
 * const method: keyof JpegLsEncoder = "setNearLossless";
 * strictEqual(method, "setNearLossless");
 * ```
 */
export interface JpegLsEncoder extends FrameEncoder {
  /** The largest error allowed per sample: 0 is lossless. */
  setNearLossless(error: number): void;
}

/**
 * The CharLS module.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { CharlsModule } from "./charls.ts";
 * const method: keyof CharlsModule = "getVersion";
 * strictEqual(method, "getVersion");
 * ```
 */
export interface CharlsModule {
  JpegLSEncoder: new () => JpegLsEncoder;
  JpegLSDecoder: new () => FrameDecoder;
  /** CharLS's version, e.g. `2.4.4`. */
  getVersion(): string;
}

/**
 * Instantiates the CharLS WebAssembly module (its glue code reads the `.wasm` file beside it with
 * Node's `fs`, which Deno provides).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { loadCharls } from "./charls.ts";
 * strictEqual((await loadCharls()).getVersion(), "2.4.4");
 * ```
 */
export async function loadCharls(): Promise<CharlsModule> {
  return await (CharLS as () => Promise<CharlsModule>)();
}

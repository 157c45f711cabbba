/**
 * The WebAssembly text sources of `src/` and the TypeScript modules that embed them: the v2 bit
 * kernel (`src/v2/bit_kernel.wat`) and the fast level's kernel (`src/fast/fast_kernel.wat`),
 * compiled with wabt, the WebAssembly binary toolkit. Used by `tools/build_wasm.ts` to regenerate
 * the embedded modules, and by the tests to check that the embedded bytes are the compiled source.
 *
 * @module
 */
import wabtInit from "wabt";

/** The text source of the v2 bit kernel's WebAssembly module. */
export const BIT_KERNEL_WAT_URL: URL = new URL("../src/v2/bit_kernel.wat", import.meta.url);
/** The text source of the fast level's WebAssembly kernel. */
export const FAST_KERNEL_WAT_URL: URL = new URL("../src/fast/fast_kernel.wat", import.meta.url);

/** A WebAssembly module of `src/`: its text source and the TypeScript module that embeds it. */
export interface WasmModule {
  /** The `.wat` source. */
  readonly wat: URL;
  /** The generated TypeScript module. */
  readonly target: URL;
  /** The name of the exported constant that holds the base64 lines. */
  readonly constant: string;
  /** What the module is, for the generated file's comment ("The … module"). */
  readonly title: string;
}

/** Every WebAssembly module of `src/`. */
export const WASM_MODULES: readonly WasmModule[] = [
  {
    wat: BIT_KERNEL_WAT_URL,
    target: new URL("../src/v2/bit_kernel_wasm.ts", import.meta.url),
    constant: "BIT_KERNEL_WASM_BASE64",
    title: "The v2 bit kernel's WebAssembly module",
  },
  {
    wat: FAST_KERNEL_WAT_URL,
    target: new URL("../src/fast/fast_kernel_wasm.ts", import.meta.url),
    constant: "FAST_KERNEL_WASM_BASE64",
    title: "The fast level's WebAssembly kernel",
  },
];

/** Compiles a WebAssembly text file (SIMD enabled) into module bytes. */
export async function compileWat(url: URL): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(url.pathname, await Deno.readTextFile(url), { simd: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** Base64 of `bytes`, wrapped at 96 characters per line. */
export function base64Lines(bytes: Uint8Array): string[] {
  const text = btoa(String.fromCharCode(...bytes));
  const lines = [];
  for (let at = 0; at < text.length; at += 96) lines.push(text.slice(at, at + 96));
  return lines;
}

/**
 * The WebAssembly text sources of `src/` and the TypeScript modules that embed them: the v2 bit
 * kernel (`src/v2/bit_kernel.wat`) and the fast level's kernel (`src/fast/fast_kernel.wat`),
 * compiled with wabt, the WebAssembly binary toolkit. Used by `tools/build_wasm.ts` to regenerate
 * the embedded modules, and by the tests to check that the embedded bytes are the compiled source.
 *
 * @module
 */
import wabtInit from "wabt";
import { KERNEL_CONSTANTS, substituteConstants } from "../src/v2/kernel_layout.ts";

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
  /** The numbers the source names as `${NAME}`, written in before it is compiled. */
  readonly constants: Readonly<Record<string, number>>;
}

/** The v2 bit kernel's WebAssembly module (its layout from `src/v2/kernel_layout.ts`). */
export const BIT_KERNEL: WasmModule = {
  wat: new URL("../src/v2/bit_kernel.wat", import.meta.url),
  target: new URL("../src/v2/bit_kernel_wasm.ts", import.meta.url),
  constant: "BIT_KERNEL_WASM_BASE64",
  title: "The v2 bit kernel's WebAssembly module",
  constants: KERNEL_CONSTANTS,
};

/** The fast level's WebAssembly kernel. */
export const FAST_KERNEL: WasmModule = {
  wat: new URL("../src/fast/fast_kernel.wat", import.meta.url),
  target: new URL("../src/fast/fast_kernel_wasm.ts", import.meta.url),
  constant: "FAST_KERNEL_WASM_BASE64",
  title: "The fast level's WebAssembly kernel",
  constants: {},
};

/** Every WebAssembly module of `src/`. */
export const WASM_MODULES: readonly WasmModule[] = [BIT_KERNEL, FAST_KERNEL];

/** Compiles a module's text source (its constants written in, SIMD enabled) into its bytes. */
export async function compileWat({ wat, constants }: WasmModule): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const text = substituteConstants(await Deno.readTextFile(wat), constants);
  const module = wabt.parseWat(wat.pathname, text, { simd: true });
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

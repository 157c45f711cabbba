/**
 * Compiles the WebAssembly text source of `src/` (`src/v2/bit_kernel.wat`) with wabt, the WebAssembly
 * binary toolkit. Used by `tools/build_wasm.ts` to regenerate `src/v2/bit_kernel_wasm.ts`, and by the
 * tests to check that the embedded bytes are the compiled source.
 *
 * @module
 */
import wabtInit from "wabt";

/** The text source of the v2 bit kernel's WebAssembly module. */
export const BIT_KERNEL_WAT_URL: URL = new URL("../src/v2/bit_kernel.wat", import.meta.url);

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

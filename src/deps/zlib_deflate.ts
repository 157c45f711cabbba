/**
 * The DEFLATE compressor bpcodec uses, in one place so that replacing it is a one-file change:
 * pako, a port of zlib whose output is byte for byte zlib's for the same settings (what
 * rebuilding a PNG's image data needs), and the same on every machine and runtime (the runtime's
 * own compressors are neither).
 *
 * @module
 */
// The source runs from a URL, so the package is named in full here (no import map).
// deno-lint-ignore no-import-prefix
import pako from "npm:pako@2.1.0";

/** zlib's settings: level 0…9, window bits 8…15, memory level 1…9, strategy 0…4. */
export interface ZlibSettings {
  /** Compression level, 0 (stored) to 9. */
  level: number;
  /** Base-two logarithm of the window size, 8…15. */
  windowBits: number;
  /** Memory level, 1…9 (zlib's default is 8). */
  memLevel: number;
  /** 0 default, 1 filtered, 2 Huffman only, 3 RLE, 4 fixed codes. */
  strategy: number;
}

/** A zlib stream compressed piece by piece, each piece of output handed to `onData`. */
export interface ZlibDeflater {
  /** Compresses the next piece of input; `last` ends the stream. */
  push(data: Uint8Array, last: boolean): void;
}

/** Starts compressing a zlib stream with `settings`, its output going to `onData`. */
export function zlibDeflater(
  settings: ZlibSettings,
  onData: (piece: Uint8Array) => void,
): ZlibDeflater {
  const deflater = new pako.Deflate({ ...settings, chunkSize: 65536 });
  deflater.onData = onData;
  return {
    push(data: Uint8Array, last: boolean) {
      deflater.push(data, last);
      if (deflater.err) throw new Error(`deflate failed: ${deflater.msg}`);
    },
  };
}

/**
 * Compresses `data` into a zlib stream at the given level (9 unless told), with a preset
 * dictionary (RFC 1950's FDICT) when one is given.
 */
export function zlibDeflate(
  data: Uint8Array,
  level = 9,
  options: { dictionary?: Uint8Array } = {},
): Uint8Array {
  return pako.deflate(data, { level, ...options });
}

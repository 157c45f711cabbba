/**
 * Finding the zlib setting (level, window, memory level, strategy) that reproduces a given zlib
 * stream from its data: the candidates the stream's header allows, most common first, each tried
 * until its first differing byte.
 *
 * @module
 */
import { zlibDeflater, type ZlibSettings } from "../deps/zlib_deflate.ts";

/** The zlib settings tried, most common first (libpng's default, then the other levels). */
function candidateSettings(cmf: number, flg: number): ZlibSettings[] {
  const windowBits = (cmf >> 4) + 8;
  const levelClass = flg >> 6;
  // zlib writes level class 0 for levels 0–1 and the Huffman-only and RLE strategies, 1 for
  // 2–5, 2 for 6, 3 for 7–9.
  const levels = [[1, 0], [2, 3, 4, 5], [6], [9, 7, 8]][levelClass];
  const found: ZlibSettings[] = [];
  for (const memLevel of [8, 9, 7, 6, 5, 4, 3, 2, 1]) {
    for (const level of levels) {
      for (const strategy of [0, 1, 4]) found.push({ level, windowBits, memLevel, strategy });
    }
    if (levelClass === 0) {
      for (const level of [6, 9, 1, 2, 3, 4, 5, 7, 8]) {
        for (const strategy of [2, 3]) found.push({ level, windowBits, memLevel, strategy });
      }
    }
  }
  return found;
}

/** Whether deflating `data` with `settings` gives exactly `stream`, stopping at a difference. */
function reproduces(data: Uint8Array, stream: Uint8Array, settings: ZlibSettings): boolean {
  let made = 0;
  let same = true;
  const deflater = zlibDeflater(settings, (piece) => {
    if (!same) return;
    if (made + piece.length > stream.length) same = false;
    for (let i = 0; same && i < piece.length; i++) same = piece[i] === stream[made + i];
    made += piece.length;
  });
  const step = 65536;
  for (let at = 0; same && at < data.length; at += step) {
    const end = Math.min(at + step, data.length);
    deflater.push(data.subarray(at, end), end === data.length);
  }
  if (data.length === 0) deflater.push(data, true);
  return same && made === stream.length;
}

/**
 * The zlib setting that compresses `data` to exactly `stream`, if any.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { zlibDeflate } from "../deps/zlib_deflate.ts";
 * import { zlibSettingOf } from "./zlib_settings.ts";
 * const data = new TextEncoder().encode("a row, a row, a row");
 * deepStrictEqual(zlibSettingOf(data, zlibDeflate(data, 9))?.level, 9);
 * strictEqual(zlibSettingOf(data, new Uint8Array([0x78, 0x9c, 1])), undefined);
 * ```
 */
export function zlibSettingOf(data: Uint8Array, stream: Uint8Array): ZlibSettings | undefined {
  if (stream.length < 2) return undefined;
  return candidateSettings(stream[0], stream[1]).find((settings) =>
    reproduces(data, stream, settings)
  );
}

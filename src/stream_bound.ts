/**
 * How many binary decisions a coded stream of a given length can hold. The arithmetic coders
 * code every decision with a probability of at most 4095/4096 (classic, and v2 coders 0 to 11:
 * 12-bit probabilities) or 65534/65536 (v2 coders 12 and 13: 16-bit probabilities, §2 and §3.3 of
 * `docs/v2-stream.md`), so each decision costs at least log2(4096/4095) ≈ 0.000352 bits, or
 * log2(65536/65534) ≈ 0.0000440 bits: a stream of n bytes holds fewer than about 22 714, or
 * 181 711, decisions per byte (plus the coder's few bytes of start and flush). A header that
 * declares more pixels than its stream can hold is refused before anything is allocated for
 * them: a 60-byte file cannot make the decoder hold or work through a gigapixel.
 *
 * @module
 */
import { FormatError } from "./errors.ts";

/**
 * Decisions per stream byte, by the precision of the coder's probabilities: with a margin over
 * 8 / log2(4096 / 4095) ≈ 22 714 (12 bits) and 8 / log2(65536 / 65534) ≈ 181 711 (16 bits).
 */
const DECISIONS_PER_BYTE = { 12: 23600, 16: 186000 } as const;

/** Options of {@link maxDecisions} and {@link checkStreamHolds}. */
export interface StreamBoundOptions {
  /** The precision of the coder's probabilities: 12 bits (the default) or 16. */
  probabilityBits?: 12 | 16;
}
/** Bytes of coder state (start, flush, rounding) the bound allows on top of the stream. */
const SLACK_BYTES = 8;

/**
 * The most decisions a stream of `streamBytes` bytes can hold.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { maxDecisions } from "./stream_bound.ts";
 * ok(maxDecisions(60) < 60000 * 60000); // a 60-byte stream cannot hold a 60000×60000 image
 * // 16-bit probabilities code the one plane of a blank 2048 × 2048 page in 24 bytes
 * ok(maxDecisions(24, { probabilityBits: 16 }) > 2048 * 2048);
 * ok(maxDecisions(24) < 2048 * 2048);
 * ```
 */
export function maxDecisions(streamBytes: number, options: StreamBoundOptions = {}): number {
  return (streamBytes + SLACK_BYTES) * DECISIONS_PER_BYTE[options.probabilityBits ?? 12];
}

/**
 * Checks that a coded stream is long enough for the image its header declares
 * (`width × height × bits` decisions).
 *
 * @throws {FormatError} when it cannot be: the header or the stream length is damaged.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkStreamHolds } from "./stream_bound.ts";
 * checkStreamHolds(100, 100, 8, 40); // fine
 * checkStreamHolds(2048, 2048, 1, 24, { probabilityBits: 16 }); // a blank page, 16-bit probabilities
 * throws(() => checkStreamHolds(60000, 60000, 8, 60), /too short/);
 * ```
 */
export function checkStreamHolds(
  width: number,
  height: number,
  bits: number,
  streamBytes: number,
  options: StreamBoundOptions = {},
): void {
  if (width * height * bits > maxDecisions(streamBytes, options)) {
    throw new FormatError(
      `coded stream of ${streamBytes} bytes is too short for a ${width}x${height} image ` +
        `(damaged header or stream)`,
    );
  }
}

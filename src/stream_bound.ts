/**
 * How many binary decisions a coded stream of a given length can hold. Both arithmetic coders
 * (classic and v2) code every decision with a probability of at most 4095/4096, so each decision
 * costs at least log2(4096/4095) ≈ 0.000352 bits: a stream of n bytes holds fewer than about
 * 22 714 decisions per byte (plus the coder's few bytes of start and flush). A header that
 * declares more pixels than its stream can hold is refused before anything is allocated for
 * them: a 60-byte file cannot make the decoder hold or work through a gigapixel.
 *
 * @module
 */
import { FormatError } from "./errors.ts";

/** Decisions per stream byte, with a margin over 8 / log2(4096 / 4095) ≈ 22 714. */
const DECISIONS_PER_BYTE = 23600;
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
 * ```
 */
export function maxDecisions(streamBytes: number): number {
  return (streamBytes + SLACK_BYTES) * DECISIONS_PER_BYTE;
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
 * throws(() => checkStreamHolds(60000, 60000, 8, 60), /too short/);
 * ```
 */
export function checkStreamHolds(
  width: number,
  height: number,
  bits: number,
  streamBytes: number,
): void {
  if (width * height * bits > maxDecisions(streamBytes)) {
    throw new FormatError(
      `coded stream of ${streamBytes} bytes is too short for a ${width}x${height} image ` +
        `(damaged header or stream)`,
    );
  }
}

/**
 * What a mutation makes, and the pieces every mutator shares: where to aim (the spans of a
 * layout) and how to make damage reach past the checksums (recomputing them).
 *
 * @module
 */
import { crc32 } from "../../src/crc32.ts";
import type { Model } from "../../src/model_file.ts";
import type { Layout, Region } from "./layout.ts";
import type { Rng } from "./prng.ts";
import type { Seed } from "./seeds.ts";

/** One mutated file and what the oracle needs to know about how it was made. */
export interface Mutant {
  bytes: Uint8Array;
  /** The mutation kind: a row of the report. */
  kind: string;
  /** Exactly what was done, e.g. `width @6 (u16) = 65535 (was 32)`. */
  description: string;
  /**
   * The mutation may have made a valid file of other content: it kept every checksum over what
   * it changed valid (recomputed, or rewrote through the container writers), or it changed only
   * what no checksum covers and what legitimately defines the content (a PNG's IHDR, PLTE or
   * tRNS with its CRC fixed, a re-deflated PNG raster).
   */
  mayChange?: boolean;
  /** The mutant is a valid file of the very same content: it must decode to the original. */
  sameValue?: boolean;
}

/** Everything a mutator may use: the seed, the run's models, and the case's generator. */
export interface MutationInput {
  seed: Seed;
  models: readonly Model[];
  rng: Rng;
}

/** A way of mutating; `undefined` when it does not apply to this seed. */
export interface Mutator {
  kind: string;
  /** How often it is chosen relative to the others (default 1). */
  weight?: number;
  apply(input: MutationInput): Mutant | undefined;
}

/** Every region and field of a layout, as spans to aim at (small headers as likely as streams). */
export function spansOf(layout: Layout): Region[] {
  const fields = layout.fields.map((f) => ({
    name: f.name,
    start: f.offset,
    end: f.offset + f.size,
  }));
  return [...layout.regions, ...fields];
}

/** Whether `[start, end)` overlaps a stored checksum. */
export function overlapsChecksum(layout: Layout, start: number, end: number): boolean {
  return layout.checksums.some((c) => start < c.offset + 4 && c.offset < end);
}

/** Recomputes, in place and in layout order, every checksum that `keep` allows. */
export function fixChecksums(
  bytes: Uint8Array,
  layout: Layout,
  keep: (name: string) => boolean = () => true,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const c of layout.checksums) {
    if (!keep(c.name) || c.end > bytes.length || c.offset + 4 > bytes.length) continue;
    view.setUint32(c.offset, crc32(bytes.subarray(c.start, c.end)), !c.bigEndian);
  }
}

/** The byte as two hex digits. */
export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, "0")}`;
}

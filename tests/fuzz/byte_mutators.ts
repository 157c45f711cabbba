/**
 * Format-blind mutations aimed by the seed's layout: bit flips, byte sets, integer fields set
 * to edge values, truncations (anywhere and at structure boundaries) and appended bytes. For
 * formats with checksums (v2 files, PNG) the flips, sets and field changes also come in a
 * `+crc` variant that recomputes the checksums over the damage, so it reaches the decoder.
 *
 * @module
 */
import { boundaries, type Field, readField, writeField } from "./layout.ts";
import {
  fixChecksums,
  hex,
  type Mutant,
  type MutationInput,
  type Mutator,
  overlapsChecksum,
  spansOf,
} from "./mutation.ts";

/** PNG chunks whose change, with the CRC fixed, legitimately changes the image. */
const PNG_CONTENT_CHUNKS = /^(IHDR|PLTE|tRNS)\b/;

/**
 * Makes damage at `at` pass the checksums: PNG fixes the CRC of the chunk hit, v2 files every
 * checksum (streams, model payload, archive). Tells whether the mutant may now be a valid file
 * of other content.
 */
function repair({ seed }: MutationInput, bytes: Uint8Array, at: number): boolean {
  const { layout } = seed;
  if (seed.format !== "png") {
    fixChecksums(bytes, layout);
    return true;
  }
  const chunk = layout.checksums.find((c) => c.start <= at && at < c.end);
  if (!chunk) return false;
  fixChecksums(bytes, layout, (name) => name === chunk.name);
  return PNG_CONTENT_CHUNKS.test(chunk.name);
}

/** A byte position, aimed at a random span (with `crc`, not at a stored checksum). */
function aim(input: MutationInput, crc: boolean): { at: number; span: string } | undefined {
  const { layout } = input.seed;
  const spans = spansOf(layout).filter((s) => !crc || !overlapsChecksum(layout, s.start, s.end));
  if (spans.length === 0) return undefined;
  const span = input.rng.pick(spans);
  return { at: input.rng.range(span.start, span.end - 1), span: span.name };
}

function finish(
  input: MutationInput,
  bytes: Uint8Array,
  kind: string,
  description: string,
  crc: boolean,
  at: number,
): Mutant {
  if (!crc) return { bytes, kind, description };
  return {
    bytes,
    kind: `${kind}+crc`,
    description: `${description}, CRCs fixed`,
    mayChange: repair(input, bytes, at),
  };
}

/** Flips one bit. */
export function bitFlip(crc: boolean): Mutator {
  return {
    kind: crc ? "bit-flip+crc" : "bit-flip",
    apply(input) {
      const target = aim(input, crc);
      if (!target) return undefined;
      const bytes = input.seed.bytes.slice();
      const bit = input.rng.int(8);
      bytes[target.at] ^= 1 << bit;
      const what = `flip bit ${bit} of byte ${target.at} (${target.span})`;
      return finish(input, bytes, "bit-flip", what, crc, target.at);
    },
  };
}

/** Sets one byte to 0, 0xff, a neighbour of its value or a random value. */
export function byteSet(crc: boolean): Mutator {
  return {
    kind: crc ? "byte-set+crc" : "byte-set",
    apply(input) {
      const target = aim(input, crc);
      if (!target) return undefined;
      const bytes = input.seed.bytes.slice();
      const was = bytes[target.at];
      const value = input.rng.pick([
        0,
        0xff,
        (was + 1) & 0xff,
        (was - 1) & 0xff,
        input.rng.int(256),
      ]);
      if (value === was) return undefined;
      bytes[target.at] = value;
      const what = `byte ${target.at} (${target.span}) = ${hex(value)} (was ${hex(was)})`;
      return finish(input, bytes, "byte-set", what, crc, target.at);
    },
  };
}

/** Edge values for a field of `size` bytes holding `was`. */
function edgeValues(field: Field, was: number, random: number): bigint[] {
  const bits = BigInt(field.size * 8);
  const max = (1n << bits) - 1n;
  const w = BigInt(was);
  return [0n, 1n, max, max - 1n, 1n << (bits - 1n), w + 1n, w - 1n, w * 2n, w / 2n, BigInt(random)];
}

/** Sets an integer field of the layout to an edge value. */
export function fieldSet(crc: boolean): Mutator {
  return {
    kind: crc ? "field+crc" : "field",
    apply(input) {
      const { layout } = input.seed;
      const fields = layout.fields.filter((f) =>
        !crc || !overlapsChecksum(layout, f.offset, f.offset + f.size)
      );
      if (fields.length === 0) return undefined;
      const field = input.rng.pick(fields);
      const bytes = input.seed.bytes.slice();
      const view = new DataView(bytes.buffer);
      const was = readField(view, field);
      const value = input.rng.pick(edgeValues(field, was, input.rng.u32()));
      writeField(bytes, field, value);
      const now = readField(view, field);
      if (now === was) return undefined;
      const what = `${field.name} @${field.offset} (u${field.size * 8}) = ${now} (was ${was})`;
      return finish(input, bytes, "field", what, crc, field.offset);
    },
  };
}

/**
 * Sets an image's width and height together: to the field's maximum, just either side of 2^31
 * pixels, or many times the original, so that a tiny file claims a huge image. Chosen a third
 * as often as the others: a decoder whose work the stream does not bound hangs on most of them.
 */
export function dimensions(crc: boolean): Mutator {
  return {
    kind: crc ? "dimensions+crc" : "dimensions",
    weight: 1 / 3,
    apply(input) {
      const { fields } = input.seed.layout;
      const widths = fields.filter((f) => f.name.endsWith("width"));
      if (widths.length === 0) return undefined;
      const width = input.rng.pick(widths);
      const height = fields.find((f) => f.name === width.name.replace(/width$/, "height"))!;
      const bytes = input.seed.bytes.slice();
      const view = new DataView(bytes.buffer);
      const [w, h] = [readField(view, width), readField(view, height)];
      const max = 2 ** (8 * width.size) - 1;
      const pairs = [[max, max], [max, h], [w, max], [46341, 46341], [46340, 46340], [
        w * 16,
        h * 16,
      ], [
        w * 256,
        h * 256,
      ]];
      const [nw, nh] = input.rng.pick(pairs).map((v) => Math.min(v, max));
      writeField(bytes, width, BigInt(nw));
      writeField(bytes, height, BigInt(nh));
      const what = `${width.name.slice(0, -5)}size ${nw}x${nh} (was ${w}x${h})`;
      return finish(input, bytes, "dimensions", what, crc, width.offset);
    },
  };
}

/** Cuts the file at a random length. */
export const truncate: Mutator = {
  kind: "truncate",
  apply({ seed, rng }) {
    const length = rng.int(seed.bytes.length);
    return {
      bytes: seed.bytes.slice(0, length),
      kind: "truncate",
      description: `truncate to ${length} of ${seed.bytes.length} bytes`,
    };
  },
};

/** Cuts the file at a structure boundary, or one byte either side. */
export const truncateAtBoundary: Mutator = {
  kind: "truncate@boundary",
  apply({ seed, rng }) {
    const points = boundaries(seed.layout).filter((p) => p < seed.bytes.length);
    if (points.length === 0) return undefined;
    const point = rng.pick(points);
    const length = Math.min(seed.bytes.length - 1, Math.max(0, point + rng.range(-1, 1)));
    return {
      bytes: seed.bytes.slice(0, length),
      kind: "truncate@boundary",
      description: `truncate to ${length} of ${seed.bytes.length} bytes (boundary ${point})`,
    };
  },
};

/** Appends zeros, 0xff, random bytes or a copy of the file's last bytes. */
export const append: Mutator = {
  kind: "append",
  apply({ seed, rng }) {
    const n = rng.pick([1, 2, 3, 4, 8, 16, 64]);
    const style = rng.pick(["zeros", "0xff", "random", "copy of the end"] as const);
    const tail = style === "zeros"
      ? new Uint8Array(n)
      : style === "0xff"
      ? new Uint8Array(n).fill(0xff)
      : style === "random"
      ? rng.bytes(n)
      : seed.bytes.slice(Math.max(0, seed.bytes.length - n));
    const bytes = new Uint8Array(seed.bytes.length + tail.length);
    bytes.set(seed.bytes);
    bytes.set(tail, seed.bytes.length);
    return { bytes, kind: "append", description: `append ${tail.length} bytes (${style})` };
  },
};

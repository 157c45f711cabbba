/**
 * PNG mutations that keep every chunk CRC valid: chunks dropped, duplicated, swapped or
 * inserted; the image data re-split or recompressed (the same image, which must decode
 * exactly); and the inflated raster changed (a filter type, a byte, its length) and deflated
 * again, so that the damage passes CRC and Adler-32 and reaches the unfilter.
 *
 * @module
 */
import { deflateSync, inflateSync } from "node:zlib";
import { concat } from "../png_writer.ts";
import type { Mutant, Mutator } from "./mutation.ts";
import { type PngChunk, pngHeader, readPngChunks, writePng } from "./png_chunks.ts";

const CONTENT = new Set(["IHDR", "PLTE", "tRNS"]);

/** The chunks with every IDAT replaced by `data` split into `pieces` IDATs. */
function withImageData(chunks: PngChunk[], data: Uint8Array, pieces: number): PngChunk[] {
  const first = chunks.findIndex((c) => c.type === "IDAT");
  const size = Math.max(1, Math.ceil(data.length / pieces));
  const idats: PngChunk[] = [];
  for (let at = 0; at < data.length || idats.length === 0; at += size) {
    idats.push({ type: "IDAT", data: data.slice(at, at + size) });
  }
  const rest = chunks.filter((c) => c.type !== "IDAT");
  return [...rest.slice(0, first), ...idats, ...rest.slice(first)];
}

function pngMutant(kind: string, chunks: PngChunk[], description: string, extra: Partial<Mutant>) {
  return { bytes: writePng(chunks), kind, description, ...extra };
}

/** Drops, duplicates, swaps or inserts chunks; re-splits or recompresses the image data. */
export const chunksMutator: Mutator = {
  kind: "chunks",
  apply({ seed, rng }) {
    if (seed.format !== "png") return undefined;
    const chunks = readPngChunks(seed.bytes);
    const zlib = concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data));
    const i = rng.int(chunks.length);
    const j = Math.min(chunks.length - 1, i + 1);
    const touches = (...k: number[]) => k.some((n) => CONTENT.has(chunks[n].type));
    const out = chunks.slice();
    switch (rng.int(8)) {
      case 0:
        out.splice(i, 1);
        return pngMutant("chunks", out, `drop chunk ${i} (${chunks[i].type})`, {
          mayChange: touches(i),
        });
      case 1:
        out.splice(i, 0, chunks[i]);
        return pngMutant("chunks", out, `duplicate chunk ${i} (${chunks[i].type})`, {
          mayChange: touches(i),
        });
      case 2:
        [out[i], out[j]] = [out[j], out[i]];
        return pngMutant("chunks", out, `swap chunks ${i} and ${j}`, { mayChange: touches(i, j) });
      case 3: {
        const end = out.pop()!;
        out.splice(rng.range(1, Math.max(1, out.length - 1)), 0, end);
        return pngMutant("chunks", out, "move IEND before its place", {});
      }
      case 4:
      case 5: {
        const chunk = rng.chance(0.5)
          ? { type: "tEXt", data: new TextEncoder().encode("Comment\0fuzz") }
          : { type: "fuZz", data: rng.bytes(rng.int(16)) };
        // Anywhere after IHDR and before IEND, but not between two IDATs.
        const places = out.map((_, k) => k).filter((k) =>
          k >= 1 && k < out.length && !(out[k - 1].type === "IDAT" && out[k].type === "IDAT")
        );
        const at = rng.pick(places);
        out.splice(at, 0, chunk);
        return pngMutant("chunks", out, `insert a ${chunk.type} chunk before chunk ${at}`, {
          sameValue: true,
        });
      }
      case 6: {
        const pieces = rng.range(1, 5);
        return pngMutant(
          "chunks",
          withImageData(chunks, zlib, pieces),
          `image data in ${pieces} IDATs`,
          {
            sameValue: true,
          },
        );
      }
      default: {
        const level = rng.range(0, 9);
        const again = new Uint8Array(deflateSync(inflateSync(zlib), { level }));
        return pngMutant(
          "chunks",
          withImageData(chunks, again, 1),
          `recompress at level ${level}`,
          {
            sameValue: true,
          },
        );
      }
    }
  },
};

/** Bytes per row of the raster after the filter byte, for a non-interlaced image. */
function rowBytes(bytes: Uint8Array): number | undefined {
  const header = pngHeader(bytes);
  if (!header || header.interlace !== 0) return undefined;
  const channels = [1, 0, 3, 1, 2, 0, 4][header.colorType] ?? 1;
  return Math.ceil((header.width * channels * header.depth) / 8);
}

/** Changes the inflated raster and deflates it again (valid CRCs and Adler-32). */
export const rasterMutator: Mutator = {
  kind: "raster",
  apply({ seed, rng }) {
    if (seed.format !== "png") return undefined;
    const chunks = readPngChunks(seed.bytes);
    const raw = new Uint8Array(
      inflateSync(concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data))),
    );
    const stride = rowBytes(seed.bytes);
    let changed: Uint8Array;
    let what: string;
    let mayChange = true;
    const choice = rng.int(4);
    if (choice === 0 && stride !== undefined) {
      const row = rng.int(raw.length / (stride + 1));
      const type = rng.pick([0, 1, 2, 3, 4, 5, 255, rng.int(256)]);
      changed = raw.slice();
      changed[row * (stride + 1)] = type;
      what = `filter type of row ${row} = ${type} (was ${raw[row * (stride + 1)]})`;
      mayChange = type <= 4;
    } else if (choice <= 1) {
      const at = rng.int(raw.length);
      changed = raw.slice();
      changed[at] ^= 1 + rng.int(255);
      what = `raster byte ${at} = ${changed[at]} (was ${raw[at]})`;
    } else if (choice === 2) {
      const cut = rng.pick([1, 2, stride ?? 3, raw.length >> 1, raw.length - 1]);
      changed = raw.slice(0, raw.length - cut);
      what = `raster cut by ${cut} of ${raw.length} bytes`;
      mayChange = false;
    } else {
      const extra = rng.pick([1, 16, (stride ?? 8) + 1]);
      changed = concat([raw, rng.bytes(extra)]);
      what = `raster extended by ${extra} random bytes`;
      mayChange = false;
    }
    const zlib = new Uint8Array(deflateSync(changed));
    return pngMutant("raster", withImageData(chunks, zlib, 1), `${what}, re-deflated`, {
      mayChange,
    });
  },
};

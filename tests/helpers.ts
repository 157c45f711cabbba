/**
 * Shared pieces of the tests: paths to the shared test material and small image makers.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { sha256, toHex } from "../src/sha256.ts";
import { encodeV2, significantBits, type V2Model } from "../src/v2/mod.ts";

/** The repository root. */
export const ROOT: string = fromFileUrl(new URL("../", import.meta.url));
/** The shared, read-only material beside the repository. */
export const SHARED: string = fromFileUrl(new URL("../../shared/", import.meta.url));
/** The classic test vectors. */
export const COMPAT: string = `${SHARED}compat/`;

/** Makes an image whose samples are `f(x, y)`. */
export function makeImage(
  width: number,
  height: number,
  f: (x: number, y: number) => number,
  maxValue = 255,
): GrayImage {
  const data = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, maxValue, data };
}

/** A deterministic pseudo-random generator (xorshift32) for test data. */
export function randomGenerator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The images of `corpus/<domain>/<split>`, in name order. */
export function corpusSplit(domain: string, split: string): GrayImage[] {
  const dir = `${SHARED}corpus/${domain}/${split}/`;
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort().map((name) =>
    decodeImageFile(Deno.readFileSync(dir + name))
  );
}

/** The total v2 stream bytes of `images`, each coded at its significant bit depth with `model`. */
export function v2Bytes(images: GrayImage[], model: V2Model): number {
  return images.reduce(
    (sum, { width, height, data }) =>
      sum + encodeV2(data, width, height, significantBits(data), model).length,
    0,
  );
}

/**
 * The SHA-256 of every page's pixel values in page order, as little-endian int32 (signed
 * samples shifted back by half their range): how `tests/formats/expected.tsv` hashes what the
 * independent readers saw.
 */
export async function pixelsHash(pages: readonly GrayImage[]): Promise<string> {
  const bytes = new Uint8Array(4 * pages.reduce((n, p) => n + p.data.length, 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const page of pages) {
    const offset = page.signed ? (page.maxValue + 1) / 2 : 0;
    for (let i = 0; i < page.data.length; i++, at += 4) {
      view.setInt32(at, page.data[i] - offset, true);
    }
  }
  return toHex(await sha256(bytes));
}

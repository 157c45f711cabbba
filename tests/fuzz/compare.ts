/**
 * Equality of what the library returns — images, models, unpacked archives — with a short
 * account of the first difference for failure reports.
 *
 * @module
 */
import type { ArchiveEntry, ArchiveFile } from "../../src/codec.ts";
import type { GrayImage } from "../../src/image/gray_image.ts";
import type { Model } from "../../src/model_file.ts";

/** Whether two byte or sample arrays hold the same values. */
export function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How two images differ, or undefined when they are the same. */
export function imageDifference(got: GrayImage, want: GrayImage): string | undefined {
  if (got.width !== want.width || got.height !== want.height || got.maxValue !== want.maxValue) {
    return `got ${got.width}x${got.height} maxval ${got.maxValue}, ` +
      `want ${want.width}x${want.height} maxval ${want.maxValue}`;
  }
  if (got.data.length !== want.data.length) {
    return `got ${got.data.length} samples for ${got.width}x${got.height}`;
  }
  let count = 0;
  let first = -1;
  for (let i = 0; i < want.data.length; i++) {
    if (got.data[i] !== want.data[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count === 0) return undefined;
  return `${count} of ${want.data.length} samples differ, first at ${first}: ` +
    `got ${got.data[first]}, want ${want.data[first]}`;
}

/** How two models differ (their parameters and tables), or undefined when they are the same. */
export function modelDifference(got: Model, want: Model): string | undefined {
  if (got.format !== want.format) return `got a ${got.format} model, want ${want.format}`;
  if (got.format === "classic" && want.format === "classic") {
    if (got.params.alpha !== want.params.alpha) return `alpha ${got.params.alpha}`;
    return sameArray(got.params.p0, want.params.p0) ? undefined : "other probabilities";
  }
  if (got.format !== "v2" || want.format !== "v2") return undefined;
  const [g, w] = [got.params, want.params];
  if (JSON.stringify(g.parameters) !== JSON.stringify(w.parameters)) {
    return `parameters ${JSON.stringify(g.parameters)}`;
  }
  if (!sameArray(g.mixerWeights, w.mixerWeights)) return "other mixer weights";
  if (!sameArray(g.finalWeights, w.finalWeights)) return "other final weights";
  return sameArray(g.directStarts, w.directStarts) ? undefined : "other direct starts";
}

/** An unpacked archive, as `unpackArchive` returns it. */
export interface Unpacked {
  model: Model;
  entries: (ArchiveEntry | ArchiveFile)[];
}

/** How two unpacked archives differ, or undefined when they are the same. */
export function archiveDifference(got: Unpacked, want: Unpacked): string | undefined {
  if (!sameArray(got.model.hash, want.model.hash)) return "another model";
  const names = (u: Unpacked) => JSON.stringify(u.entries.map((e) => e.name));
  if (names(got) !== names(want)) return `entries ${names(got)}, want ${names(want)}`;
  for (let i = 0; i < want.entries.length; i++) {
    const [a, b] = [got.entries[i], want.entries[i]];
    if (!("image" in a) || !("image" in b)) {
      if ("file" in a && "file" in b && sameArray(a.file, b.file)) continue;
      return `entry ${i}: another file, or a file instead of an image`;
    }
    const diff = imageDifference(a.image, b.image);
    if (diff) return `entry ${i}: ${diff}`;
  }
  return undefined;
}

/**
 * Which mutations apply to which seed format. Formats with checksums (v2 files, PNG) get the
 * `+crc` variants too; PNG and Netpbm their own structural mutations; bpcodec images and
 * archives the container-level ones.
 *
 * @module
 */
import { entriesMutator, modelSwapMutator, restreamMutator } from "./archive_mutators.ts";
import {
  append,
  bitFlip,
  byteSet,
  dimensions,
  fieldSet,
  truncate,
  truncateAtBoundary,
} from "./byte_mutators.ts";
import type { Mutator } from "./mutation.ts";
import {
  dimensionsMutator,
  numberMutator,
  sampleMutator,
  separatorMutator,
} from "./netpbm_mutators.ts";
import { chunksMutator, rasterMutator } from "./png_mutators.ts";
import type { SeedFormat } from "./seeds.ts";

const RAW: Mutator[] = [bitFlip(false), byteSet(false), truncate, truncateAtBoundary, append];
const FIELDS: Mutator[] = [fieldSet(false)];
const CRC: Mutator[] = [bitFlip(true), byteSet(true), fieldSet(true)];
const SIZES: Mutator[] = [dimensions(false)];
const SIZES_CRC: Mutator[] = [dimensions(false), dimensions(true)];
/** `mutator`, for archives of images only (it rewrites coded entries; kept files are other). */
const imagesOnly = (mutator: Mutator): Mutator => ({
  ...mutator,
  apply: (input) => input.seed.entries?.some((e) => "file" in e) ? undefined : mutator.apply(input),
});
const ARCHIVE: Mutator[] = [entriesMutator, restreamMutator, modelSwapMutator].map(imagesOnly);

const SETS: Record<SeedFormat, Mutator[]> = {
  png: [...RAW, ...FIELDS, ...CRC, ...SIZES_CRC, chunksMutator, rasterMutator],
  netpbm: [...RAW, numberMutator, sampleMutator, separatorMutator, dimensionsMutator],
  bpm1: [...RAW, ...FIELDS],
  bpm2: [...RAW, ...FIELDS, ...CRC],
  bpc1: [...RAW, ...FIELDS, ...SIZES, restreamMutator],
  bpc2: [...RAW, ...FIELDS, ...CRC, ...SIZES_CRC, restreamMutator],
  bpa1: [...RAW, ...FIELDS, ...SIZES, ...ARCHIVE],
  bpa2: [...RAW, ...FIELDS, ...CRC, ...SIZES_CRC, ...ARCHIVE],
  tiff: [...RAW, ...FIELDS],
  dicom: [...RAW, ...FIELDS],
  fits: [...RAW, ...FIELDS],
};

/** The mutations for seeds of `format`. */
export function mutatorsFor(format: SeedFormat): readonly Mutator[] {
  return SETS[format];
}

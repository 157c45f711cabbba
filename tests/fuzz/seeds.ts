/**
 * The fuzzer's seeds: small real files whose content is known. Crops of 24×16…48×32 of the
 * repository's sample images and the shared 16-bit corpus, coded with the library (classic and
 * v2, built-in and trained models, images and archives); PNGs from the library's encoder, the
 * fuzzer's own builder (palette, gray+alpha, RGB) and PngSuite (gray, with libpng's pixels);
 * Netpbm files of every kind written by the fuzzer; the shared classic test vectors; and small
 * TIFF, DICOM and FITS files of `tests/formats/` (with the hash of the pixels an independent
 * reader saw, from its `expected.tsv`). Source images are read with the fuzzer's reference Netpbm
 * reader, not the library's.
 *
 * @module
 */
import type { ArchiveEntry, ArchiveFile } from "../../src/codec.ts";
import { encodeImage, packArchive, trainModel } from "../../src/codec.ts";
import type { LevelName } from "../../src/v2/tile_coders.ts";
import type { GrayImage } from "../../src/image/gray_image.ts";
import { encodeImageFile } from "../../src/image/image_file.ts";
import { defaultModel, type Model, parseModel } from "../../src/model_file.ts";
import { parseV2Image } from "../../src/v2/container.ts";
import { COMPAT, ROOT, SHARED } from "../helpers.ts";
import { bpcodecLayout } from "./bpcodec_layouts.ts";
import { dicomLayout, fitsLayout, tiffLayout } from "./domain_layouts.ts";
import type { Layout } from "./layout.ts";
import { readNetpbm } from "./netpbm_reference.ts";
import { type NetpbmMagic, writeNetpbm } from "./netpbm_writer.ts";
import { buildPng } from "./png_builder.ts";
import { pngLayout } from "./png_chunks.ts";

/** The kinds of seed files. */
export type SeedFormat =
  | "png"
  | "netpbm"
  | "bpm1"
  | "bpm2"
  | "bpc1"
  | "bpc2"
  | "bpa1"
  | "bpa2"
  | DomainFormat;

/** The domain formats, read as pages (`readImagePages`). */
export type DomainFormat = "tiff" | "dicom" | "fits";

/** One seed file and what it holds. */
export interface Seed {
  /** Short unique name, e.g. `bpc2:chelsea-32x24`. */
  name: string;
  format: SeedFormat;
  bytes: Uint8Array;
  layout: Layout;
  /** The model file needed to decode it (classic images, v2 images of a trained model). */
  model?: Uint8Array;
  /** The image it was made from (images), or libpng's pixels (PngSuite). */
  image?: GrayImage;
  /** The entries it was packed from (archives): images, or files kept byte for byte. */
  entries?: (ArchiveEntry | ArchiveFile)[];
  /**
   * Domain files: the SHA-256 (hex) of every page's pixel values as an independent reader saw
   * them, little-endian int32 in page order, signed samples as signed (`tests/formats/README.md`).
   */
  pixelsHash?: string;
}

/** Every seed, and every model file among them (for mutations that swap models). */
export interface SeedSet {
  seeds: Seed[];
  models: Uint8Array[];
}

/** The domain files fuzzed (in `tests/formats/`): small ones, every format's layouts. */
const DOMAIN_FILES: Record<DomainFormat, string[]> = {
  tiff: [
    "tiff/made_multipage_lzw_pred2.tif",
    "libtiff/g16_zip.tif",
    "libtiff/g8_packbits.tif",
    "libtiff/g8_tiled_lzw2.tif",
    "libtiff/g16_be.tif",
  ],
  dicom: [
    "dicom/octave_simple-test.dcm",
    "dicom/CR1_6154.dcm",
    "dicom/MR1_4919.dcm",
    "dicom/made_MR700_7frames.dcm",
    "dicom/MR_small_bigendian.dcm",
    "dicom/MR_small_implicit.dcm",
    "dicom/MR_small_RLE.dcm",
    "dicom/made_MR_small_rle_gdcm.dcm",
    "dicom/MR_small_jpeg_ls_lossless.dcm",
  ],
  fits: ["fits/astropy_scale.fits", "fits/midas_tst0002.mt"],
};

const DOMAIN_LAYOUTS: Record<DomainFormat, (bytes: Uint8Array) => Layout> = {
  tiff: tiffLayout,
  dicom: dicomLayout,
  fits: fitsLayout,
};

/** The PngSuite gray files for which `pngsuite/ref/` has libpng's pixels. */
const PNGSUITE = [
  "basn0g01",
  "basn0g02",
  "basi0g04",
  "basn0g08",
  "basi0g08",
  "basn0g16",
  "basi0g16",
];

/**
 * libpng's pixels of a PngSuite gray file at the file's own bit depth (bpcodec keeps it; the
 * references scale 1-, 2- and 4-bit samples to 8 bits).
 */
function atDepth(ref: GrayImage, name: string): GrayImage {
  const depth = Number(name.slice(-2));
  if (depth >= 8) return ref;
  const maxValue = 2 ** depth - 1;
  return { ...ref, maxValue, data: ref.data.map((v) => v * maxValue / ref.maxValue) };
}

function readPgm(path: string): GrayImage {
  const { image, error } = readNetpbm(Deno.readFileSync(path), false);
  if (!image) throw new Error(`seed source ${path}: ${error}`);
  return image;
}

function crop(image: GrayImage, x0: number, y0: number, width: number, height: number) {
  const data = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[y * width + x] = image.data[(y0 + y) * image.width + x0 + x];
    }
  }
  return { width, height, maxValue: image.maxValue, data };
}

/** The same samples under the smallest `2^k − 1` maxval that holds them. */
function tightMaxValue(image: GrayImage): GrayImage {
  const top = image.data.reduce((a, b) => Math.max(a, b), 1);
  return { ...image, maxValue: 2 ** (32 - Math.clz32(top)) - 1 };
}

/**
 * `image` with 32 of the 256 sample values: each sample's top five bits, its low three a scramble
 * of them (a tile the encoder packs at every level: coded plainly, the low bits must be learnt).
 */
function sparse(image: GrayImage): GrayImage {
  return { ...image, data: image.data.map((v) => (v & ~7) | (((v >> 3) * 5) & 7)) };
}

function bilevel(image: GrayImage): GrayImage {
  return { ...image, maxValue: 1, data: image.data.map((v) => (v < 128 ? 0 : 1)) };
}

/** The source images, by name. */
function sourceImages() {
  const sample = (path: string) => readPgm(`${ROOT}samples/${path}`);
  const chelsea = sample("test/skimage_chelsea.pgm");
  const text = sample("test/skimage_text.pgm");
  const eso = sample("test/eso_dss_test2.pgm");
  const coins = sample("train/skimage_coins.pgm");
  const page = sample("train/skimage_page.pgm");
  const ct16 = readPgm(`${SHARED}corpus16/medical/test/pydicom_ct_small.pgm`);
  return {
    chelsea: crop(chelsea, 200, 100, 32, 24),
    chelseaSparse: sparse(crop(chelsea, 200, 100, 32, 24)),
    text: crop(text, 100, 60, 48, 32),
    textSmall: crop(text, 20, 20, 24, 16),
    eso: crop(eso, 80, 80, 24, 16),
    esoSmall: crop(eso, 60, 70, 12, 8),
    coins: crop(coins, 150, 120, 40, 30),
    coinsSmall: crop(coins, 100, 100, 20, 15),
    page: bilevel(crop(page, 50, 50, 37, 21)),
    ct16: crop(ct16, 40, 40, 32, 24),
    ct16Small: crop(ct16, 50, 50, 16, 12),
    ct16Tiny: crop(ct16, 60, 60, 8, 6),
    synthetic: readPgm(`${COMPAT}04_synthetic_7x5.pgm`),
    dot: readPgm(`${COMPAT}05_synthetic_1x1.pgm`),
  };
}

/** Builds every seed (a second or so: it trains two small models). */
export async function buildSeeds(): Promise<SeedSet> {
  const img = sourceImages();
  const compatModel = await parseModel(Deno.readFileSync(`${COMPAT}model.bpm`));
  const classic = await trainModel([img.coins, img.eso], { format: "classic", alpha: 4 });
  const builtIn = await defaultModel();
  const trained = await trainModel([img.coins, img.ct16]);
  const seeds: Seed[] = [];
  const add = (seed: Omit<Seed, "layout">, layout: (bytes: Uint8Array) => Layout) =>
    seeds.push({ ...seed, layout: layout(seed.bytes) });
  const bpcodec = (
    format: SeedFormat,
    name: string,
    bytes: Uint8Array,
    extra: Partial<Seed> = {},
  ) => add({ name: `${format}:${name}`, format, bytes, ...extra }, bpcodecLayout);
  const png = (name: string, bytes: Uint8Array, image: GrayImage) =>
    add({ name: `png:${name}`, format: "png", bytes, image }, pngLayout);
  const netpbm = (name: string, magic: NetpbmMagic, image: GrayImage, comment?: string) => {
    const bytes = writeNetpbm(image, magic, comment);
    add({ name: `netpbm:${magic}-${name}`, format: "netpbm", bytes, image }, netpbmLayout);
  };

  png("chelsea-8bit", encodeImageFile(img.chelsea, "x.png"), img.chelsea);
  png("ct16-16bit", encodeImageFile(img.ct16, "x.png"), img.ct16);
  png("eso-palette", buildPng(img.eso, 3), img.eso);
  png("text-gray-alpha", buildPng(img.textSmall, 4), img.textSmall);
  png("coins-rgb", buildPng(img.coinsSmall, 2), img.coinsSmall);
  for (const name of PNGSUITE) {
    const bytes = Deno.readFileSync(`${SHARED}pngsuite/${name}.png`);
    png(`pngsuite-${name}`, bytes, atDepth(readPgm(`${SHARED}pngsuite/ref/${name}.pgm`), name));
  }

  netpbm("eso-comment", "P2", img.eso, "fuzz seed");
  netpbm("chelsea", "P5", img.chelsea);
  netpbm("ct16small-16bit", "P2", img.ct16Small);
  netpbm("ct16-16bit", "P5", img.ct16);
  netpbm("ct16small-12bit", "P5", tightMaxValue(img.ct16Small));
  netpbm("page", "P1", img.page);
  netpbm("page", "P4", img.page);
  netpbm("esosmall", "P3", img.esoSmall);
  netpbm("coinssmall", "P6", img.coinsSmall);
  netpbm("ct16tiny-16bit", "P6", img.ct16Tiny);
  const compatPgm = Deno.readFileSync(`${COMPAT}04_synthetic_7x5.pgm`);
  add(
    { name: "netpbm:compat-7x5", format: "netpbm", bytes: compatPgm, image: img.synthetic },
    netpbmLayout,
  );

  bpcodec("bpm1", "compat", compatModel.bytes);
  bpcodec("bpm1", "trained-alpha4", classic.bytes);
  bpcodec("bpm2", "built-in", builtIn.bytes);
  bpcodec("bpm2", "trained", trained.bytes);

  const compatBpc = (file: string, image: GrayImage) =>
    bpcodec("bpc1", `compat-${file}`, Deno.readFileSync(`${COMPAT}${file}.bpc`), {
      model: compatModel.bytes,
      image,
    });
  compatBpc("04_synthetic_7x5", img.synthetic);
  compatBpc("05_synthetic_1x1", img.dot);
  const coded = async (
    format: SeedFormat,
    name: string,
    image: GrayImage,
    model?: Model,
    level?: LevelName,
  ) =>
    bpcodec(format, name, await encodeImage(image, model, { level }), {
      model: model && !("builtIn" in model && model.builtIn) ? model.bytes : undefined,
      image,
    });
  await coded("bpc1", "chelsea", img.chelsea, compatModel);
  await coded("bpc1", "text-trained", img.text, classic);
  await coded("bpc2", "chelsea", img.chelsea);
  await coded("bpc2", "text", img.text);
  await coded("bpc2", "ct16-16bit", img.ct16);
  await coded("bpc2", "dot", img.dot);
  await coded("bpc2", "chelsea-packed", img.chelseaSparse);
  if (!parseV2Image(seeds[seeds.length - 1].bytes).image.tiles[0].packed) {
    throw new Error("seed: the sparse image's tile is not packed");
  }
  await coded("bpc2", "text-fast", img.text, undefined, "fast");
  await coded("bpc2", "ct16-fast-16bit", img.ct16, undefined, "fast");
  await coded("bpc2", "eso-trained", img.eso, trained);
  await coded("bpc2", "ct16small-trained", img.ct16Small, trained);

  // Image files of version 3 (wide records), as bpcodec wrote them. (Not archives of versions 3
  // and 4: the archive judge packs a mutant's entries again to tell another archive from a wrong
  // result, which only the current version can be.)
  const before = `${ROOT}tests/fixtures/before_v4/`;
  for (const name of ["chelsea_48x32", "ramp_2049x2"]) {
    const image = readPgm(`${before}${name}.pgm`);
    bpcodec("bpc2", `${name}-v3`, Deno.readFileSync(`${before}${name}.bpc`), { image });
  }

  const packed = async (
    format: SeedFormat,
    name: string,
    entries: (ArchiveEntry | ArchiveFile)[],
    model?: Model,
  ) => bpcodec(format, name, await packArchive(entries, model), { entries });
  // In archive order: by the names' UTF-8 bytes.
  await packed("bpa1", "three", [
    { name: "a.pgm", image: img.chelsea },
    { name: "c.pgm", image: img.synthetic },
    { name: "dir/b.png", image: img.textSmall },
  ], compatModel);
  await packed("bpa2", "built-in", [
    { name: "a.pgm", image: img.eso },
    { name: "b.pgm", image: img.dot },
    { name: "x/y/c.png", image: img.ct16Small },
  ]);
  await packed("bpa2", "embedded", [
    { name: "e.pgm", image: img.coinsSmall },
    { name: "f.png", image: img.esoSmall },
  ], trained);
  // Files kept byte for byte: an LZW and a Deflate TIFF (libdeflate's), a DICOM, a JPEG-LS and an RLE DICOM (frames rebuilt by
  // CharLS and as DCMTK encodes them) and a FITS file (pixels coded, the rest kept),
  // a PGM with a comment, the same pixels in another PGM (a repeated record, parts stored
  // against the first's), and a text file (kept whole) and its copy (repeated parts).
  const formatFile = (path: string) => Deno.readFileSync(`${ROOT}tests/formats/${path}`);
  await packed("bpa2", "files", [
    { name: "a.tif", file: formatFile("tiff/made_multipage_lzw_pred2.tif") },
    { name: "a_zip.tif", file: formatFile("tiff/made_g8_zip_pred2.tif") },
    { name: "b.dcm", file: formatFile("dicom/CR1_6154.dcm") },
    { name: "b_jls.dcm", file: formatFile("dicom/made_MR700_7frames_jls_gdcm.dcm") },
    { name: "b_rle.dcm", file: formatFile("dicom/MR_small_RLE.dcm") },
    { name: "c.pgm", file: writeNetpbm(img.esoSmall, "P5", "kept with its comment") },
    { name: "d.fits", file: formatFile("fits/astropy_scale.fits") },
    { name: "e.pgm", file: writeNetpbm(img.esoSmall, "P5", "the same, another comment") },
    { name: "notes.txt", file: new TextEncoder().encode("scanned 2024, gain 2\n") },
    { name: "notes_copy.txt", file: new TextEncoder().encode("scanned 2024, gain 2\n") },
  ]);

  const hashes = new Map(
    Deno.readTextFileSync(`${ROOT}tests/formats/expected.tsv`).trim().split("\n").slice(1)
      .map((line) => line.split("\t")).map((row) => [row[0], row[7]]),
  );
  for (const [format, files] of Object.entries(DOMAIN_FILES) as [DomainFormat, string[]][]) {
    for (const file of files) {
      const bytes = formatFile(file);
      const name = `${format}:${file.split("/").pop()}`;
      add({ name, format, bytes, pixelsHash: hashes.get(file) }, DOMAIN_LAYOUTS[format]);
    }
  }
  return {
    seeds,
    models: [compatModel.bytes, classic.bytes, builtIn.bytes, trained.bytes],
  };
}

/** Netpbm: the magic, the header (numbers and separators) and the raster. */
function netpbmLayout(bytes: Uint8Array): Layout {
  const { rasterStart } = readNetpbm(bytes);
  return {
    fields: [],
    regions: [
      { name: "magic", start: 0, end: 2 },
      { name: "header", start: 2, end: rasterStart },
      { name: "raster", start: rasterStart, end: bytes.length },
    ],
    checksums: [],
  };
}

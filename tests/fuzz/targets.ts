/**
 * The fuzz targets: each library entry point that reads untrusted bytes, the seeds it is
 * fuzzed from, and how a successful result is judged (the rules are in `oracle.ts`).
 *
 * @module
 */
import {
  type ClassicArchiveEntry,
  parseClassicArchive,
  parseClassicImage,
  serializeClassicArchive,
} from "../../src/classic/container.ts";
import type { ByteSource } from "../../src/bytes.ts";
import { decodeImage, encodeImage, unpackArchive } from "../../src/codec.ts";
import { describeFile, type FileInfo } from "../../src/file_info.ts";
import type { GrayImage } from "../../src/image/gray_image.ts";
import { decodeImageFile, loadCodecsFor, readImagePages } from "../../src/image/image_file.ts";
import type { ImagePages } from "../../src/image/image_pages.ts";
import {
  defaultModel,
  type Model,
  modelFromClassic,
  modelFromV2,
  parseModel,
} from "../../src/model_file.ts";
import {
  parseV2Archive,
  parseV2Image,
  serializeV2Archive,
  type V2ArchiveEntry,
} from "../../src/v2/container.ts";
import {
  archiveDifference,
  imageDifference,
  modelDifference,
  sameArray,
  type Unpacked,
} from "./compare.ts";
import type { Mutant } from "./mutation.ts";
import { readNetpbm } from "./netpbm_reference.ts";
import { EXACT, failure, infoProblem, OTHER, pngProblem, type Verdict } from "./oracle.ts";
import type { DomainFormat, Seed } from "./seeds.ts";
import { pixelsHash } from "../helpers.ts";

/** The targets' names, as `--only NAME:INDEX` takes them. */
export const TARGET_NAMES = [
  "png",
  "netpbm",
  "bpm1",
  "bpm2",
  "bpc1",
  "bpc2-builtin",
  "bpc2-trained",
  "bpa1",
  "bpa2-builtin",
  "bpa2-embedded",
  "bpa2-files",
  "info",
  "tiff",
  "dicom",
  "fits",
] as const;

/** A target's name. */
export type TargetName = typeof TARGET_NAMES[number];

/** A seed with the model its decoding needs, parsed. */
export interface PreparedSeed extends Seed {
  decodeModel?: Model;
}

/** One fuzz target. */
export interface Target {
  name: TargetName;
  /** Runs the library on `bytes` (a mutant of `seed`). */
  run(bytes: Uint8Array, seed: PreparedSeed): Promise<unknown>;
  /** Why the seed itself does not give its known content, or undefined. */
  checkSeed(value: unknown, seed: PreparedSeed): Promise<string | undefined>;
  /** Judges a successful result on a mutant, `original` being the result on the seed. */
  judge(value: unknown, original: unknown, mutant: Mutant, seed: PreparedSeed): Promise<Verdict>;
}

/** The target that decodes `seed` (for `info`: the one its description is checked against). */
function decoderOf(seed: Seed): Exclude<TargetName, "info"> {
  switch (seed.format) {
    case "bpc2":
      return seed.model ? "bpc2-trained" : "bpc2-builtin";
    case "bpa2":
      if (seed.entries?.some((e) => "file" in e)) return "bpa2-files";
      return seed.bytes[6] & 1 ? "bpa2-embedded" : "bpa2-builtin";
    default:
      return seed.format;
  }
}

/** Whether `target` is fuzzed from `seed`. */
export function fuzzes(target: TargetName, seed: Seed): boolean {
  // `info` is judged against the decoders of coded images, image archives and models
  // (`infoProblem`).
  if (target === "info") {
    return !["png", "netpbm", ...DOMAIN_FORMATS].includes(seed.format) &&
      decoderOf(seed) !== "bpa2-files";
  }
  return decoderOf(seed) === target;
}

const imageCheck = (value: unknown, seed: PreparedSeed) =>
  Promise.resolve(imageDifference(value as GrayImage, seed.image!));

const imageFile: Pick<Target, "run" | "checkSeed"> = {
  run: (bytes) => Promise.resolve(decodeImageFile(bytes)),
  checkSeed: imageCheck,
};

const png: Target = {
  name: "png",
  ...imageFile,
  judge(value, original, mutant) {
    const diff = imageDifference(value as GrayImage, original as GrayImage);
    if (!diff) return Promise.resolve(EXACT);
    if (!mutant.mayChange) {
      const why = `other pixels (${diff}) from a mutation that cannot make another valid image`;
      return Promise.resolve(failure("wrong result", why));
    }
    const problem = pngProblem(mutant.bytes, value as GrayImage);
    return Promise.resolve(problem ? failure("wrong result", problem) : OTHER);
  },
};

const netpbm: Target = {
  name: "netpbm",
  ...imageFile,
  judge(value, original, mutant) {
    const reference = readNetpbm(mutant.bytes, false);
    if (!reference.image) {
      return Promise.resolve(
        failure("wrong result", `accepted; the reference: ${reference.error}`),
      );
    }
    const diff = imageDifference(value as GrayImage, reference.image);
    if (diff) {
      return Promise.resolve(failure("wrong result", `not what the reference reads: ${diff}`));
    }
    return Promise.resolve(
      imageDifference(value as GrayImage, original as GrayImage) ? OTHER : EXACT,
    );
  },
};

const model = (name: "bpm1" | "bpm2"): Target => ({
  name,
  run: (bytes) => parseModel(bytes),
  async checkSeed(value, seed) {
    const m = value as Model;
    const again = m.format === "classic"
      ? await modelFromClassic(m.params)
      : await modelFromV2(m.params);
    return sameArray(again.bytes, seed.bytes)
      ? undefined
      : "the parsed model is written differently";
  },
  async judge(value, original, mutant) {
    const m = value as Model;
    const diff = modelDifference(m, original as Model);
    if (!diff) return EXACT;
    if (m.format === "classic") {
      const again = await modelFromClassic(m.params);
      if (sameArray(again.bytes, mutant.bytes)) return OTHER;
      return failure("wrong result", `a non-canonical classic model was accepted (${diff})`);
    }
    if (!mutant.mayChange) {
      return failure("wrong result", `another model (${diff}) past the payload CRC`);
    }
    try {
      await modelFromV2(m.params);
      return OTHER;
    } catch (e) {
      return failure("wrong result", `accepted a model it cannot write (${(e as Error).message})`);
    }
  },
});

const modelFor = async (name: TargetName, seed: PreparedSeed) =>
  name === "bpc2-builtin" ? await defaultModel() : seed.decodeModel!;

const codedImage = (name: "bpc1" | "bpc2-builtin" | "bpc2-trained"): Target => ({
  name,
  run: (bytes, seed) => decodeImage(bytes, name === "bpc2-builtin" ? undefined : seed.decodeModel),
  checkSeed: imageCheck,
  async judge(value, original, mutant, seed) {
    const image = value as GrayImage;
    const diff = imageDifference(image, original as GrayImage);
    if (!diff) return EXACT;
    try {
      const v2 = name === "bpc1" ? undefined : parseV2Image(mutant.bytes).image;
      const inverted = v2 ? v2.tiles[0].inverted : parseClassicImage(mutant.bytes).inverted;
      const again = await encodeImage(image, await modelFor(name, seed), {
        polarity: inverted ? "invert" : "none",
        level: v2?.coder === "fast" ? "fast" : "default", // the seeds are one tile
      });
      if (sameArray(again, mutant.bytes)) return OTHER;
    } catch (e) {
      return failure(
        "wrong result",
        `decoded another image (${diff}); encoding it: ${(e as Error).message}`,
      );
    }
    return failure(
      "wrong result",
      `decoded another image (${diff}) that does not encode to the file`,
    );
  },
});

/** The canonical archive of `value`: its entries packed again, each with the mutant's polarity. */
async function repack(value: Unpacked, bytes: Uint8Array, classic: boolean): Promise<Uint8Array> {
  const stored = classic ? parseClassicArchive(bytes) : parseV2Archive(bytes);
  const entries = [];
  for (const [i, unpacked] of value.entries.entries()) {
    const entry = stored.entries[i];
    // The seeds keep images only; a mutant that keeps a file cannot decode to their value.
    if (!("image" in unpacked) || "pages" in entry) throw new Error("a kept file in a mutant");
    const { name, image } = unpacked;
    const inverted = "tiles" in entry ? entry.tiles[0].inverted : entry.inverted;
    const polarity = inverted ? "invert" : "none";
    const coded = await encodeImage(image, value.model, { polarity });
    entries.push({ name, ...(classic ? parseClassicImage(coded) : parseV2Image(coded).image) });
  }
  if (classic) {
    return serializeClassicArchive({
      modelBytes: value.model.bytes,
      entries: entries as ClassicArchiveEntry[],
    });
  }
  return serializeV2Archive({
    modelHash: value.model.hash,
    modelBytes: "modelBytes" in stored && stored.modelBytes ? value.model.bytes : undefined,
    entries: entries as V2ArchiveEntry[],
  });
}

/**
 * Unpacks `bytes` in memory and from a source holding them (read in pieces, the streams and
 * parts left there until decoded): both must give the same archive or the same refusal, else
 * an `Error` (a failure of its own) says how they differ.
 */
async function unpackBothWays(bytes: Uint8Array): Promise<Unpacked> {
  const source: ByteSource = { length: bytes.length, read: (at, n) => bytes.slice(at, at + n) };
  const [inMemory, fromSource] = await Promise.allSettled([
    unpackArchive(bytes),
    unpackArchive(source),
  ]);
  if (inMemory.status === "fulfilled" && fromSource.status === "fulfilled") {
    const diff = archiveDifference(fromSource.value, inMemory.value);
    if (diff) throw new Error(`from a source, the archive unpacks otherwise: ${diff}`);
    return inMemory.value;
  }
  if (inMemory.status === "rejected" && fromSource.status === "rejected") {
    const [reason, other] = [inMemory.reason, fromSource.reason];
    if (reason?.message === other?.message) throw reason;
    throw new Error(`refused otherwise from a source: ${other?.message} (${reason?.message})`);
  }
  const refused = (inMemory.status === "rejected" ? inMemory : fromSource) as PromiseRejectedResult;
  const where = inMemory.status === "rejected" ? "from a source" : "in memory";
  throw new Error(`unpacked ${where} only, refused otherwise: ${refused.reason?.message}`);
}

const archive = (name: "bpa1" | "bpa2-builtin" | "bpa2-embedded"): Target => ({
  name,
  run: unpackBothWays,
  checkSeed(value, seed) {
    const got = value as Unpacked;
    return Promise.resolve(archiveDifference(got, { model: got.model, entries: seed.entries! }));
  },
  async judge(value, original, mutant) {
    const diff = archiveDifference(value as Unpacked, original as Unpacked);
    if (!diff) return EXACT;
    try {
      const again = await repack(value as Unpacked, mutant.bytes, name === "bpa1");
      if (sameArray(again, mutant.bytes)) return OTHER;
    } catch (e) {
      return failure(
        "wrong result",
        `unpacked another archive (${diff}); packing it: ${(e as Error).message}`,
      );
    }
    return failure(
      "wrong result",
      `unpacked another archive (${diff}) that does not pack to the file`,
    );
  },
});

/**
 * An archive that keeps files: every entry that says it is an exact file must rebuild to the
 * seed's bytes (its SHA-256 is stored, and no checksum repair reaches it); anything else a mutant
 * unpacks to (a renamed entry, past a repaired archive checksum) is another archive.
 */
const keptFiles: Target = {
  name: "bpa2-files",
  run: unpackBothWays,
  checkSeed(value, seed) {
    const got = value as Unpacked;
    return Promise.resolve(archiveDifference(got, { model: got.model, entries: seed.entries! }));
  },
  judge(value, original, mutant) {
    if (!archiveDifference(value as Unpacked, original as Unpacked)) return Promise.resolve(EXACT);
    const stored = parseV2Archive(mutant.bytes).entries;
    const before = (original as Unpacked).entries;
    for (const [i, entry] of (value as Unpacked).entries.entries()) {
      const kept = stored[i];
      if (!("pages" in kept) || !kept.exact) continue;
      const want = before[i];
      if (!("file" in entry) || !want || !("file" in want) || !sameArray(entry.file, want.file)) {
        const why = `entry ${i} (${JSON.stringify(entry.name)}) rebuilt to other bytes`;
        return Promise.resolve(failure("wrong result", `${why} than its exact file`));
      }
    }
    return Promise.resolve(OTHER);
  },
};

const info: Target = {
  name: "info",
  run: (bytes) => describeFile(bytes),
  checkSeed(value, seed) {
    const problem = (value as FileInfo).bytes === seed.bytes.length ? undefined : "wrong size";
    return Promise.resolve(problem);
  },
  async judge(value, original, mutant, seed) {
    const same = JSON.stringify(value) === JSON.stringify(original);
    if (!same && (seed.format === "bpa2" || seed.format === "bpm2") && !mutant.mayChange) {
      return failure("wrong result", `described a changed ${seed.format} past its checksum`);
    }
    const decoder = decoderOf(seed);
    let decoded: unknown;
    try {
      decoded = await TARGETS[decoder].run(mutant.bytes, seed);
    } catch (e) {
      return { outcome: "info-only", detail: `${decoder}: ${(e as Error).message}` };
    }
    const problem = infoProblem(value as FileInfo, decoded);
    return problem ? failure("wrong result", problem) : same ? EXACT : OTHER;
  },
};

const DOMAIN_FORMATS: readonly DomainFormat[] = ["tiff", "dicom", "fits"];

/** What is wrong with pages read from a mutant whatever it holds, or undefined. */
function pagesProblem(pages: readonly GrayImage[]): string | undefined {
  if (pages.length === 0) return "no pages";
  for (const [k, page] of pages.entries()) {
    if (page.data.length !== page.width * page.height) {
      return `page ${k + 1}: ${page.data.length} samples for ${page.width}x${page.height}`;
    }
    if (page.data.some((v) => v > page.maxValue)) {
      return `page ${k + 1}: a sample above maxval ${page.maxValue}`;
    }
  }
}

/**
 * A domain format's reader (`readImagePages`). No reference reader runs here: a mutant read to
 * other pages counts as another file (these formats carry no checksum), once its pages are well
 * formed.
 */
const domainFile = (name: DomainFormat): Target => ({
  name,
  run: async (bytes) => {
    await loadCodecsFor(bytes);
    return readImagePages(bytes);
  },
  async checkSeed(value, seed) {
    const got = await pixelsHash((value as ImagePages).pages);
    return got === seed.pixelsHash ? undefined : `pixels hash ${got}, want ${seed.pixelsHash}`;
  },
  judge(value, original) {
    const pages = (value as ImagePages).pages;
    const problem = pagesProblem(pages);
    if (problem) return Promise.resolve(failure("wrong result", problem));
    const before = (original as ImagePages).pages;
    const same = pages.length === before.length &&
      pages.every((page, k) => !imageDifference(page, before[k]));
    return Promise.resolve(same ? EXACT : OTHER);
  },
});

/** Every target, by name. */
export const TARGETS: Record<TargetName, Target> = {
  png,
  netpbm,
  bpm1: model("bpm1"),
  bpm2: model("bpm2"),
  bpc1: codedImage("bpc1"),
  "bpc2-builtin": codedImage("bpc2-builtin"),
  "bpc2-trained": codedImage("bpc2-trained"),
  bpa1: archive("bpa1"),
  "bpa2-builtin": archive("bpa2-builtin"),
  "bpa2-embedded": archive("bpa2-embedded"),
  "bpa2-files": keptFiles,
  info,
  tiff: domainFile("tiff"),
  dicom: domainFile("dicom"),
  fits: domainFile("fits"),
};

/**
 * What a bpcodec file holds, for `bpcodec info`: format, sizes, model hash, entries.
 *
 * @module
 */
import { allBytes, type ByteSource, magicOf } from "./bytes.ts";
import { parseClassicArchive, parseClassicImage } from "./classic/container.ts";
import { checkModelHash } from "./classic/image_codec.ts";
import { FormatError } from "./errors.ts";
import { type FormatName, isDefaultModelHash, parseModel } from "./model_file.ts";
import { sha256, toHex } from "./sha256.ts";
import {
  type ArchiveRecord,
  parseV2Archive,
  parseV2Image,
  recordsOf,
  storedBytes,
  type V2CodedImage,
  type V2ReadImage,
} from "./v2/container.ts";
import { networkOf, type V2Primer } from "./v2/model.ts";
import { isFlatPrimer } from "./v2/tile_priming.ts";
import { type LevelName, levelOf } from "./v2/tile_coders.ts";

/**
 * One coded image as `info` reports it.
 *
 * @example
 * ```ts
 * import type { CodedImageInfo } from "./file_info.ts";
 * const info: CodedImageInfo = { width: 1, height: 1, bitDepth: 8, inverted: false, streamBytes: 2 };
 * ```
 */
export interface CodedImageInfo {
  /** Entry name (archives only). */
  name?: string;
  /** Samples per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Bits per sample of the decoded image (of its maxval). */
  bitDepth: number;
  /** Bit planes coded (v2: the most significant bits of any tile's samples). */
  codedBits?: number;
  /** Whether the image (v2: any of its tiles) is coded inverted. */
  inverted: boolean;
  /** v2: whether any of its tiles is packed (coded as indices into its table of values). */
  packed?: boolean;
  /** v2: whether any of its tiles starts from the model's primer. */
  primed?: boolean;
  /** Bytes of the coded stream (v2: of all its tiles' streams). */
  streamBytes: number;
  /** v2: the number of tiles and their size (those of the last column and row may be smaller). */
  tiles?: { count: number; width: number; height: number };
  /** v2: the level whose coder coded the tiles. */
  level?: LevelName;
  /** Of a kept file of several pages: which one, from 1. */
  page?: number;
  /** v2: whether the samples are signed values shifted by half the range. */
  signed?: boolean;
  /**
   * In an archive: the entry (and its page, of a kept file of several pages) whose image this
   * one repeats, byte for byte; the archive stores it once (`streamBytes` is then 0).
   */
  repeats?: { name: string; page?: number };
}

/**
 * A file an archive keeps byte for byte, as `info` reports it.
 *
 * @example
 * ```ts
 * import type { KeptFileInfo } from "./file_info.ts";
 * const info: KeptFileInfo = {
 *   name: "notes.txt", bytes: 5, sha256: "2c26…", pages: 0, partsBytes: 13, note: "not an image",
 *   exact: true,
 * };
 * ```
 */
export interface KeptFileInfo {
  /** Entry name. */
  name: string;
  /** The file's length. */
  bytes: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
  /** Pages whose pixels are coded (their images are listed with the archive's images). */
  pages: number;
  /** Bytes of its other parts as stored. */
  partsBytes: number;
  /** How it is kept. */
  note: string;
  /** Whether it is rebuilt byte for byte (else with the same pixels and other chunks). */
  exact: boolean;
}

/**
 * What a `.bpm`, `.bpc` or `.bpa` file holds.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describeFile, type FileInfo } from "./file_info.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const info: FileInfo = await describeFile(serializeClassicModel(uniformClassicModel()));
 * strictEqual(info.magic, "BPM1");
 * strictEqual(info.bytes, 10288);
 * ```
 */
export interface FileInfo {
  /** Model, single image or archive. */
  kind: "model" | "image" | "archive";
  /** The coding format. */
  format: FormatName;
  /** The file's magic. */
  magic: string;
  /** File size in bytes. */
  bytes: number;
  /** Hex SHA-256 of the model the file is (model) or refers to (image, archive). */
  modelHash: string;
  /** Whether that model is the built-in default model (v2). */
  builtInModel?: boolean;
  /** Whether an archive embeds its model (v2 archives may refer to the built-in one). */
  modelEmbedded?: boolean;
  /** Classic smoothing constant (models). */
  alpha?: number;
  /** v2 models: the mixing network's first-layer neurons and the inputs of each. */
  network?: { neurons: number; inputs: number };
  /** v2 models: the primer, when the model has one. */
  primer?: PrimerInfo;
  /** The coded images (image: one, archive: every entry's, each page of a kept file). */
  images?: CodedImageInfo[];
  /** Archives that keep files: the files. */
  files?: KeptFileInfo[];
}

/**
 * A v2 model's primer as `info` tells it: its size and bit depth, and whether it is flat (then flat
 * tiles may start from it, else tiles that are not).
 *
 * @example
 * ```ts
 * import type { PrimerInfo } from "./file_info.ts";
 * const primer: PrimerInfo = { width: 1024, height: 825, bits: 8, flat: true };
 * ```
 */
export interface PrimerInfo {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** The bit depth of the tiles it may start. */
  bits: number;
  /** Whether it is flat (`isFlatTile`). */
  flat: boolean;
}

/**
 * What {@link PrimerInfo} says of `primer`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { describePrimer } from "./file_info.ts";
 * import { defaultV2Model } from "./v2/model.ts";
 * deepStrictEqual(describePrimer(defaultV2Model().primer!), {
 *   width: 1024,
 *   height: 825,
 *   bits: 8,
 *   flat: true,
 * });
 * ```
 */
export function describePrimer(primer: V2Primer): PrimerInfo {
  const { width, height, bits } = primer;
  return { width, height, bits, flat: isFlatPrimer(primer) };
}

/**
 * Parses any bpcodec file (checking it fully, as a decoder would, but without decoding pixels)
 * and says what it holds.
 *
 * @throws {FormatError} when the file is not a valid bpcodec file.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describeFile } from "./file_info.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const info = await describeFile(serializeClassicModel(uniformClassicModel()));
 * strictEqual(info.kind, "model");
 * strictEqual(info.format, "classic");
 * ```
 */
export async function describeFile(source: Uint8Array | ByteSource): Promise<FileInfo> {
  // An archive is read where it is (its streams left there); other files whole.
  const magic = magicOf(source);
  const classic = { format: "classic" as const, magic, bytes: source.length };
  const v2 = { format: "v2" as const, magic, bytes: source.length };
  const v2Image = (image: V2CodedImage) => ({
    width: image.width,
    height: image.height,
    bitDepth: 32 - Math.clz32(image.maxValue),
    codedBits: image.tiles.reduce((most, t) => Math.max(most, t.bits), 0),
    inverted: image.tiles.some((t) => t.inverted),
    ...(image.tiles.some((t) => t.packed) && { packed: true }),
    ...(image.tiles.some((t) => t.primed) && { primed: true }),
    streamBytes: image.tiles.reduce((n, t) => n + storedBytes(t), 0),
    tiles: { count: image.tiles.length, width: image.tileWidth, height: image.tileHeight },
    level: levelOf(image.coder),
    ...(image.signed && { signed: true }),
  });
  switch (magic) {
    case "BPM1":
    case "BPM2": {
      const model = await parseModel(allBytes(source));
      const hash = toHex(model.hash);
      if (model.format === "classic") {
        return { ...classic, kind: "model", modelHash: hash, alpha: model.params.alpha };
      }
      const { neurons, inputs } = networkOf(model.params);
      const primer = model.params.primer;
      return {
        ...v2,
        kind: "model",
        modelHash: hash,
        builtInModel: model.builtIn,
        network: { neurons, inputs },
        ...(primer && { primer: describePrimer(primer) }),
      };
    }
    case "BPC1": {
      const file = parseClassicImage(allBytes(source));
      const { width, height, inverted, stream } = file;
      return {
        ...classic,
        kind: "image",
        modelHash: toHex(file.modelHash),
        images: [{ width, height, bitDepth: 8, inverted, streamBytes: stream.length }],
      };
    }
    case "BPC2": {
      const { modelHash, image } = parseV2Image(allBytes(source));
      return {
        ...v2,
        kind: "image",
        modelHash: toHex(modelHash),
        builtInModel: await isDefaultModelHash(modelHash),
        images: [v2Image(image)],
      };
    }
    case "BPA1": {
      const archive = parseClassicArchive(allBytes(source));
      return {
        ...classic,
        kind: "archive",
        modelHash: toHex(await sha256(archive.modelBytes)),
        modelEmbedded: true,
        images: archive.entries.map(({ name, width, height, inverted, stream }) => ({
          name,
          width,
          height,
          bitDepth: 8,
          inverted,
          streamBytes: stream.length,
        })),
      };
    }
    case "BPA2": {
      const archive = parseV2Archive(source);
      if (archive.modelBytes) {
        checkModelHash(archive.modelHash, (await parseModel(archive.modelBytes)).hash);
      }
      return {
        ...v2,
        kind: "archive",
        modelHash: toHex(archive.modelHash),
        builtInModel: await isDefaultModelHash(archive.modelHash),
        modelEmbedded: archive.modelBytes !== undefined,
        images: archiveImages(archive.entries, v2Image),
        ...(archive.entries.some((entry) => "pages" in entry) && {
          files: archive.entries.flatMap((entry) =>
            "pages" in entry
              ? [{
                name: entry.name,
                bytes: entry.fileBytes,
                sha256: toHex(entry.sha256),
                pages: entry.pages.length,
                partsBytes: storedBytes(entry.parts),
                note: entry.note,
                exact: entry.exact,
              }]
              : []
          ),
        }),
      };
    }
    default:
      throw new FormatError("not a bpcodec file (.bpm, .bpc or .bpa): unknown magic");
  }
}

/**
 * The coded images of a v2 archive's entries, in the order of its records, each repeat naming
 * the image it repeats.
 */
function archiveImages(
  entries: ReturnType<typeof parseV2Archive>["entries"],
  describe: (image: V2ReadImage) => CodedImageInfo,
): CodedImageInfo[] {
  const records = recordsOf(entries);
  const named = ({ entry, page }: ArchiveRecord) => {
    const pages = (entries[entry] as { pages?: unknown[] }).pages?.length ?? 1;
    return { name: entries[entry].name, ...(pages > 1 && { page: page! + 1 }) };
  };
  return records.map((record) => {
    const info = { ...named(record), ...describe(record.image) };
    const { sameAs } = record.image;
    if (sameAs === undefined) return info;
    return { ...info, streamBytes: 0, repeats: named(records[sameAs]) };
  });
}

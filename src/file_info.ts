/**
 * What a bpcodec file holds, for `bpcodec info`: format, sizes, model hash, entries.
 *
 * @module
 */
import { magicOf } from "./bytes.ts";
import { parseClassicArchive, parseClassicImage } from "./classic/container.ts";
import { FormatError } from "./errors.ts";
import { parseModel } from "./model_file.ts";
import { sha256, toHex } from "./sha256.ts";

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
  /** Bits per sample of the decoded image. */
  bitDepth: number;
  /** Whether the image is coded inverted. */
  inverted: boolean;
  /** Bytes of the coded stream. */
  streamBytes: number;
}

/**
 * What a `.bpm`, `.bpc` or `.bpa` file holds.
 *
 * @example
 * ```ts
 * import type { FileInfo } from "./file_info.ts";
 * const info: FileInfo = { kind: "model", format: "classic", magic: "BPM1", bytes: 10288, modelHash: "…" };
 * ```
 */
export interface FileInfo {
  /** Model, single image or archive. */
  kind: "model" | "image" | "archive";
  /** The coding format. */
  format: "classic";
  /** The file's magic. */
  magic: string;
  /** File size in bytes. */
  bytes: number;
  /** Hex SHA-256 of the model the file is (model) or refers to (image, archive). */
  modelHash: string;
  /** Classic smoothing constant (models). */
  alpha?: number;
  /** The coded images (image: one, archive: every entry). */
  images?: CodedImageInfo[];
}

/**
 * Parses any bpcodec file (checking it fully, as a decoder would, but without decoding pixels)
 * and says what it holds.
 *
 * @throws {FormatError} when the file is not a valid bpcodec file.
 * @example
 * ```ts
 * import { describeFile } from "./file_info.ts";
 * import { serializeClassicModel, uniformClassicModel } from "./classic/model.ts";
 * const info = await describeFile(serializeClassicModel(uniformClassicModel()));
 * console.log(info.kind, info.format); // model classic
 * ```
 */
export async function describeFile(bytes: Uint8Array): Promise<FileInfo> {
  const magic = magicOf(bytes);
  const base = { format: "classic" as const, magic, bytes: bytes.length };
  switch (magic) {
    case "BPM1": {
      const model = await parseModel(bytes);
      return { ...base, kind: "model", modelHash: toHex(model.hash), alpha: model.params.alpha };
    }
    case "BPC1": {
      const file = parseClassicImage(bytes);
      const { width, height, inverted, stream } = file;
      return {
        ...base,
        kind: "image",
        modelHash: toHex(file.modelHash),
        images: [{ width, height, bitDepth: 8, inverted, streamBytes: stream.length }],
      };
    }
    case "BPA1": {
      const archive = parseClassicArchive(bytes);
      return {
        ...base,
        kind: "archive",
        modelHash: toHex(await sha256(archive.modelBytes)),
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
    default:
      throw new FormatError("not a bpcodec file (.bpm, .bpc or .bpa): unknown magic");
  }
}

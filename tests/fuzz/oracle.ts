/**
 * The oracle: what outcome of a fuzz case is acceptable.
 *
 * Every case runs one library function on one mutant of a seed whose content is known (the
 * "original": the image a file was made from, libpng's pixels for PngSuite, the seed model,
 * the packed entries). Its outcome is one of:
 *
 * - **exact** — the result equals the original (same width, height, maxval and samples; for
 *   models the same parameters and tables; for archives the same model hash and the same named
 *   entries in the same order; for `describeFile` the same description).
 * - **refused** — a `FormatError` (or subclass: `instanceof`) with a non-empty one-line message.
 *   Refusing is always acceptable, except for a mutant that is by construction a valid file of
 *   the same content (`sameValue`: IDATs re-split or recompressed, an ancillary chunk inserted,
 *   Netpbm whitespace or comments exchanged, the built-in model embedded in an archive that
 *   refers to it): refusing that is a failure.
 * - **valid other file** — a result that differs from the original but that the mutant
 *   legitimately is:
 *   - classic files (`BPC1`, `BPA1`, `BPM1`) carry no checksum: acceptable only when the mutant
 *     is byte for byte the canonical encoding of what it decoded to (the image encoded again
 *     with the same model, polarity forced to the file's inverted flag; an archive packed again
 *     from the decoded entries in the decoded order, each with its own flag, with the decoded
 *     model; a model written again from the parsed parameters). These are undetectable by design.
 *   - v2 images and archives: the same canonical rule. Only mutations that rewrote the
 *     container (entries reordered, dropped, duplicated) can pass it; damage that reaches the
 *     decoder with the stream and archive CRCs fixed is still caught by the image checksum.
 *   - v2 models (`BPM2`): only when the mutation recomputed the payload CRC (`mayChange`) and
 *     the parsed model is one the library can write; the packed tables need not be canonical
 *     (any tail of a range-coder stream inside its final interval decodes alike).
 *   - PNG: only when the mutation changed content-defining data with its CRC fixed (IHDR, PLTE,
 *     tRNS), or re-deflated a changed raster (valid CRC and Adler-32), the mutant obeys the
 *     structural rules of PNG (`png_validity.ts`), and the result is a well-formed image of the
 *     mutant's IHDR (its width and height, maxval 2^depth − 1 for gray and gray+alpha, 255 for
 *     palette images, samples within maxval). Pixels that differ
 *     after any other mutation — a byte under a CRC left stale, IDAT data with the CRC fixed
 *     (Adler-32 still protects it), a cut or extended raster — are a failure.
 *   - Netpbm carries no checksum: an accepted mutant must decode to exactly what the fuzzer's
 *     reference reader (`netpbm_reference.ts`) reads from it, and a file the reference refuses
 *     must be refused. This holds whether or not the result equals the original.
 *   - `describeFile` does not decode pixels: a different description of a `BPC1`, `BPC2` or
 *     `BPA1` mutant is acceptable when the matching decoder accepts the mutant and agrees with
 *     the description (sizes, bit depths, names, model hash), and is counted **info-only** when
 *     the decoder refuses it (only decoding can tell). For `BPA2` and `BPM2`, whose checksums
 *     cover the whole structure, a different description needs `mayChange` as well.
 * - **failure** — anything else: another exception type (RangeError, TypeError, a dependency's
 *   own error…), a `FormatError` with an empty or multi-line message, a wrong result, a valid
 *   file refused, and (judged by the runner) a case slower than the hang bound, one after which
 *   the process holds more memory than the bound, or one that ends the process.
 *
 * @module
 */
import { FormatError } from "../../src/errors.ts";
import type { GrayImage } from "../../src/image/gray_image.ts";
import type { FileInfo } from "../../src/file_info.ts";
import { toHex } from "../../src/sha256.ts";
import type { Unpacked } from "./compare.ts";
import type { Mutant } from "./mutation.ts";
import { pngHeader } from "./png_chunks.ts";
import { pngInvalidity } from "./png_validity.ts";
import type { Model } from "../../src/model_file.ts";

/** Ways a case fails. */
export type FailureKind =
  | "wrong error type"
  | "bad message"
  | "wrong result"
  | "refused a valid file"
  | "hang"
  | "memory"
  | "crash"
  | "seed";

/** The oracle's judgement of one case. */
export type Verdict =
  | { outcome: "exact" | "refused" | "other" }
  | { outcome: "info-only"; detail: string }
  | { outcome: "failure"; failure: FailureKind; detail: string };

/** Acceptable outcomes. */
export const EXACT: Verdict = { outcome: "exact" };
export const OTHER: Verdict = { outcome: "other" };

/** A failure verdict. */
export function failure(kind: FailureKind, detail: string): Verdict {
  return { outcome: "failure", failure: kind, detail };
}

/** Judges a thrown value: a one-line `FormatError` is a refusal, anything else a failure. */
export function judgeError(error: unknown, mutant: Mutant): Verdict {
  if (!(error instanceof FormatError)) {
    const e = error as Error;
    const name = e?.constructor?.name ?? typeof error;
    return failure("wrong error type", `${name}: ${firstLine(String(e?.message ?? error))}`);
  }
  const message = error.message;
  if (typeof message !== "string" || message.trim() === "" || /[\r\n]/.test(message)) {
    return failure("bad message", `FormatError message ${JSON.stringify(message)}`);
  }
  if (mutant.sameValue) return failure("refused a valid file", `FormatError: ${message}`);
  return { outcome: "refused" };
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Why a decoded PNG is not a valid other file: the mutant breaks the PNG rules, or the image is
 * not a well-formed image of its IHDR. Undefined when it is one.
 */
export function pngProblem(bytes: Uint8Array, image: GrayImage): string | undefined {
  const invalid = pngInvalidity(bytes);
  if (invalid) return `accepted an invalid PNG (${invalid})`;
  const header = pngHeader(bytes)!;
  const { width, height, depth, colorType } = header;
  if (image.width !== width || image.height !== height) {
    return `decoded ${image.width}x${image.height} from an IHDR of ${width}x${height}`;
  }
  // Gray keeps its bit depth; palette entries are 8-bit.
  const maxValue = colorType === 3 ? 255 : 2 ** depth - 1;
  if (image.maxValue !== maxValue) return `maxval ${image.maxValue} for bit depth ${depth}`;
  if (image.data.length !== width * height) return `${image.data.length} samples`;
  const bad = image.data.findIndex((v) => v > maxValue);
  return bad < 0 ? undefined : `sample ${bad} is ${image.data[bad]} at bit depth ${depth}`;
}

/** The parts of a description that a decoded value determines. */
function described(info: FileInfo) {
  return {
    kind: info.kind,
    format: info.format,
    modelHash: info.kind === "image" ? undefined : info.modelHash,
    images: info.images?.map(({ name, width, height, bitDepth }) => ({
      name,
      width,
      height,
      bitDepth,
    })),
  };
}

/** What `describeFile` should say about a file that decoded to `decoded`. */
function expectedDescription(info: FileInfo, decoded: unknown): ReturnType<typeof described> {
  const depth = (
    image: GrayImage,
  ) => (info.format === "classic" ? 8 : 32 - Math.clz32(image.maxValue));
  const shape = (image: GrayImage, name?: string) => ({
    name,
    width: image.width,
    height: image.height,
    bitDepth: depth(image),
  });
  if (info.kind === "model") {
    const model = decoded as Model;
    return { kind: "model", format: model.format, modelHash: toHex(model.hash), images: undefined };
  }
  if (info.kind === "image") {
    return {
      kind: "image",
      format: info.format,
      modelHash: undefined,
      images: [shape(decoded as GrayImage)],
    };
  }
  const { model, entries } = decoded as Unpacked;
  return {
    kind: "archive",
    format: model.format,
    modelHash: toHex(model.hash),
    // Seeds keep images only; a kept file would show as an entry without a shape.
    images: entries.flatMap((e) => "image" in e ? [shape(e.image, e.name)] : []),
  };
}

/** Why a description disagrees with what the decoder made of the same file, or undefined. */
export function infoProblem(info: FileInfo, decoded: unknown): string | undefined {
  const got = JSON.stringify(described(info));
  const want = JSON.stringify(expectedDescription(info, decoded));
  return got === want ? undefined : `info says ${got}, the decoder ${want}`;
}

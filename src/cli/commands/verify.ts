/**
 * `bpcodec verify`: check files without writing anything. An image is coded and decoded in
 * memory; a `.bpc` or `.bpa` is decoded entirely (entry by entry), with every checksum and the
 * model hash checked.
 *
 * @module
 */
import { allBytes, magicOf, sameValues } from "../../bytes.ts";
import { decodeImage, encodeImage, openArchive } from "../../codec.ts";
import { loadCodecsFor, readImagePages } from "../../image/image_file.ts";
import type { ImageLimits } from "../../image/limits.ts";
import type { PolarityMode } from "../../image/polarity.ts";
import type { Model } from "../../model_file.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  loadModel,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
} from "../command.ts";
import { UsageError } from "../errors.ts";
import { quotedName } from "../../errors.ts";
import { FileBytes, inputName, readSource } from "../files.ts";
import { MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";
import { withCodingWorkers, WORKERS_FLAG } from "../workers_flag.ts";
import type { TileRunner } from "../../v2/image_codec.ts";

/** What verifying one file found. */
interface Verdict {
  input: string;
  kind: "image" | "coded image" | "archive";
  ok: boolean;
  bytes: number;
  bpp: number;
  reason?: string;
  /** Archives: each entry that failed, with why. */
  failedEntries?: { name: string; reason: string }[];
  entries?: number;
  /** Image files of several pages (TIFF, DICOM, FITS): how many, each coded and decoded. */
  pages?: number;
}

/** How `verify` checks files: the model and polarity to code images with, and the limits. */
interface VerifyContext {
  /** The model given with --model, if any (coded files: the one they need). */
  given: Model | undefined;
  /** The model to code images with. */
  coding: () => Promise<Model>;
  polarity: PolarityMode;
  limits: ImageLimits;
  /** Where tiles are coded (workers), if not in this thread. */
  runner: TileRunner | undefined;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Codes an image and decodes it back in memory. */
async function verifyImage(input: string, bytes: Uint8Array, context: VerifyContext) {
  await loadCodecsFor(bytes);
  const { pages } = readImagePages(bytes, context.limits);
  const model = await context.coding();
  const { polarity, runner } = context;
  let ok = true;
  let codedBytes = 0;
  let pixels = 0;
  for (const image of pages) {
    const coded = await encodeImage(image, model, { polarity, runner });
    const decoded = await decodeImage(coded, model, { runner });
    ok &&= decoded.width === image.width && decoded.maxValue === image.maxValue &&
      sameValues(decoded.data, image.data);
    codedBytes += coded.length;
    pixels += image.width * image.height;
  }
  return {
    input,
    kind: "image" as const,
    ok,
    bytes: codedBytes,
    bpp: bitsPerPixel(codedBytes, pixels),
    ...(pages.length > 1 && { pages: pages.length }),
    ...(ok ? {} : { reason: "decoded pixels differ" }),
  };
}

/** Decodes a `.bpc`: its checksums (v2) or exact stream (classic) and its model hash. */
async function verifyCoded(input: string, bytes: Uint8Array, context: VerifyContext) {
  const image = await decodeImage(bytes, context.given, {
    ...context.limits,
    runner: context.runner,
  });
  return {
    input,
    kind: "coded image" as const,
    ok: true,
    bytes: bytes.length,
    bpp: bitsPerPixel(bytes.length, image.width * image.height),
  };
}

/** Decodes every entry of a `.bpa`, one at a time, going on past a damaged one. */
async function verifyArchive(
  input: string,
  bytes: Uint8Array | FileBytes,
  context: VerifyContext,
) {
  const archive = await openArchive(bytes, {
    ...context.limits,
    runner: context.runner,
    deferChecksums: true,
  });
  const failedEntries: { name: string; reason: string }[] = [];
  let pixels = 0;
  for (const [i, entry] of archive.entries.entries()) {
    pixels += entry.file?.pixels ?? entry.width * entry.height;
    try {
      // A kept file is rebuilt and checked against its SHA-256.
      await (entry.file ? archive.rebuild(i) : archive.decode(i));
    } catch (e) {
      failedEntries.push({ name: entry.name, reason: message(e) });
    }
  }
  const reasons = [
    ...(archive.intact === false ? ["archive checksum mismatch"] : []),
    ...(failedEntries.length > 0 ? [`${failedEntries.length} damaged entries`] : []),
  ];
  return {
    input,
    kind: "archive" as const,
    ok: reasons.length === 0,
    bytes: bytes.length,
    bpp: bitsPerPixel(bytes.length, pixels),
    entries: archive.entries.length,
    failedEntries,
    ...(reasons.length > 0 ? { reason: reasons.join(", ") } : {}),
  };
}

/** Verifies one file, by what its bytes are. */
async function verifyFile(input: string, context: VerifyContext): Promise<Verdict> {
  const name = inputName(input);
  // A file is read where it is: an archive as its entries need it, others whole.
  let source: Uint8Array | FileBytes;
  try {
    source = await readSource(input);
  } catch (e) {
    return { input: name, kind: "image", ok: false, bytes: 0, bpp: 0, reason: message(e) };
  }
  let kind: Verdict["kind"] = "image";
  try {
    const magic = magicOf(source);
    kind = magic === "BPC1" || magic === "BPC2"
      ? "coded image"
      : magic === "BPA1" || magic === "BPA2"
      ? "archive"
      : "image";
    if (kind === "archive") return await verifyArchive(name, source, context);
    if (kind === "coded image") return await verifyCoded(name, allBytes(source), context);
    return await verifyImage(name, allBytes(source), context);
  } catch (e) {
    return { input: name, kind, ok: false, bytes: source.length, bpp: 0, reason: message(e) };
  } finally {
    if (source instanceof FileBytes) source.close();
  }
}

/** The `verify` command. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "check files, writing nothing: code+decode images; decode .bpc/.bpa and check them",
  usage: "verify [--model M.bpm] [--polarity auto|invert|none] FILE...|-",
  examples: [
    "bpcodec verify page1.png                # code and decode in memory: bpp, PASS or FAIL",
    "bpcodec verify page1.bpc scans-2024.bpa # decode all, check every checksum and the model",
    "bpcodec verify --model scans.bpm page1.png old/page1.bpc",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    input: { type: "string", help: "a file to check, - for stdin; or give FILE..." },
    ...POLARITY_FLAG,
    ...MAX_PIXELS_FLAG,
    ...WORKERS_FLAG,
  },
  positionals: "FILE...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const flag = optionalFlag(args, "input");
    if (flag !== undefined && args.positionals.length > 0) {
      throw new UsageError("give the files as arguments or one --input, not both");
    }
    const inputs = flag !== undefined ? [flag] : args.positionals;
    if (inputs.length === 0) throw new UsageError("missing input (FILE... or --input)");
    const modelPath = optionalFlag(args, "model");
    const given = modelPath === undefined ? undefined : await loadModel(modelPath);
    const verdicts: Verdict[] = [];
    await withCodingWorkers(args, async (runner) => {
      const context: VerifyContext = {
        given,
        coding: () => given ? Promise.resolve(given) : modelFlag(args),
        polarity: polarityFlag(args),
        limits: maxPixelsFlag(args),
        runner,
      };
      for (const [i, input] of inputs.entries()) {
        report.progress(i, inputs.length, input);
        const verdict = await verifyFile(input, context);
        verdicts.push(verdict);
        const entries = verdict.entries === undefined ? "" : `, entries=${verdict.entries}`;
        report.outcome(
          `${verdict.ok ? "PASS" : "FAIL"}: ${verdict.input}${entries}, bytes=${verdict.bytes}, ` +
            `bpp=${verdict.bpp}${verdict.reason ? `, ${verdict.reason}` : ""}`,
          verdict.ok,
        );
        for (const failed of verdict.failedEntries ?? []) {
          report.outcome(`  FAIL: ${quotedName(failed.name)}: ${failed.reason}`, false);
        }
      }
    });
    report.done();
    const failed = verdicts.filter((v) => !v.ok).length;
    if (verdicts.length === 1) {
      report.result({ command: "verify", ...verdicts[0] });
    } else {
      report.result({ command: "verify", ok: failed === 0, failed, files: verdicts });
    }
    return failed === 0 ? 0 : 1;
  },
};

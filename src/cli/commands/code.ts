/**
 * `bpcodec encode` and `decode`: single images.
 *
 * @module
 */
import { type DecodedImageStream, decodeImageStream, encodeImageStream } from "../../codec.ts";
import { imageRows } from "../../v2/image_codec.ts";
import { isOneTile, type TileRect } from "../../v2/tiles.ts";
import { describeFile } from "../../file_info.ts";
import { encodeImageFile, extensionOf, IMAGE_EXTENSIONS } from "../../image/image_file.ts";
import { defaultModel, type Model } from "../../model_file.ts";
import { toHex } from "../../sha256.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  inputArg,
  loadModel,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
} from "../command.ts";
import { errorFor, UsageError } from "../errors.ts";
import { MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";
import { openPgmRows, writePgmBands, writePgmTiles } from "../pgm_stream.ts";
import { withCodingWorkers, WORKERS_FLAG } from "../workers_flag.ts";
import { BATCH_FLAGS, isBatch, runBatchCommand } from "../batch.ts";
import { LEVEL_FLAG, levelFlag } from "../level_flag.ts";
import type { LevelName } from "../../v2/tile_coders.ts";
import type { CodingWorkers } from "../../workers/coding_workers.ts";
import type { ImageLimits } from "../../image/limits.ts";
import type { PolarityMode } from "../../image/polarity.ts";
import {
  checkOutput,
  inputName,
  openOutput,
  type OutputFile,
  outputName,
  readBytes,
  readImage,
  STDIO,
} from "../files.ts";

/** `name.ext` → `name.newExt` (or `name.newExt` appended when there is no extension). */
function replaceExtension(path: string, extension: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return (dot > slash + 1 ? path.slice(0, dot) : path) + extension;
}

/** Where an image goes when no `--output` is given: stdout for stdin, else beside the input. */
function defaultOutput(input: string, extension: string): string {
  return input === STDIO ? STDIO : replaceExtension(input, `.${extension}`);
}

/** Checks that `output` can be written and, for stdout, keeps stdout for the data. */
async function prepareOutput(output: string, force: boolean, report: Reporter): Promise<void> {
  await checkOutput(output, force);
  if (output === STDIO) report.reserveStdoutForData();
}

/** The `--verbose` line that names the model coded with: format, hash and where it came from. */
function modelDetail(model: Model, path: string | undefined): string {
  return `model: ${model.format} ${toHex(model.hash)} (${path ?? "built-in"})`;
}

/** Times consecutive steps for the `--verbose` line `time: read 2.0 ms, encode 98.1 ms (…)`. */
class StepTimes {
  #last = performance.now();
  #steps: string[] = [];

  /** Ends step `name` (begun when the last one ended); `pixels` adds its speed in MP/s. */
  end(name: string, pixels?: number): void {
    const now = performance.now();
    const ms = now - this.#last;
    const speed = pixels === undefined ? "" : ` (${(pixels / 1000 / ms).toFixed(2)} MP/s)`;
    this.#steps.push(`${name} ${ms.toFixed(1)} ms${speed}`);
    this.#last = now;
  }

  /** The line. */
  toString(): string {
    return `time: ${this.#steps.join(", ")}`;
  }
}

/** The `encode` command. */
export const encodeCommand: Command = {
  name: "encode",
  summary: "code one image into a .bpc file",
  usage:
    "encode [--model M.bpm] [--level fast|default|max] [--polarity auto|invert|none] [-o OUT.bpc|-] [-f] IMG|-",
  examples: [
    "bpcodec encode page1.png                          # built-in model, writes page1.bpc",
    "bpcodec encode --model scans.bpm page1.png -o page1.bpc",
    "bpcodec encode - < page1.png > page1.bpc          # stdin to stdout",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    input: {
      type: "string",
      help: "image to code (PNG, PGM/PNM, TIFF, DICOM, FITS), - for stdin; or give IMG",
    },
    output: {
      type: "string",
      help: "the .bpc file to write, - for stdout (default: IMG's name with .bpc; stdout for -)",
      outputExtensions: ["bpc"],
    },
    ...LEVEL_FLAG,
    ...POLARITY_FLAG,
    ...MAX_PIXELS_FLAG,
    ...WORKERS_FLAG,
    ...BATCH_FLAGS,
    ...forceFlag("an existing output file"),
  },
  positionals: "IMG...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const model = await modelFlag(args);
    const context = {
      model,
      level: levelFlag(args, model),
      polarity: polarityFlag(args),
      limits: maxPixelsFlag(args),
      force: args.values.force === true,
    };
    if (isBatch(args)) {
      return await runBatchCommand(args, report, {
        command: "encode",
        extensions: IMAGE_EXTENSIONS,
        outputName: (path) => replaceExtension(path, ".bpc"),
        work: (job, pool) => encodeFile(job.input, job.output, { ...context, pool }),
        line: encodedLine,
        json: encodedJson,
      });
    }
    const input = inputArg(args);
    const output = optionalFlag(args, "output") ?? defaultOutput(input, "bpc");
    await prepareOutput(output, context.force, report);
    const result = await withCodingWorkers(
      args,
      (pool) => encodeFile(input, output, { ...context, pool, single: true }),
    );
    report.line(encodedLine(result));
    report.detail(modelDetail(model, optionalFlag(args, "model")));
    report.detail(`${result.times}`);
    report.result({ command: "encode", ...encodedJson(result), format: model.format });
    return 0;
  },
};

/** What encoding one file gave. */
interface Encoded {
  input: string;
  output: string;
  width: number;
  height: number;
  bytes: number;
  times: StepTimes;
}

function encodedLine(r: Encoded): string {
  const bpp = bitsPerPixel(r.bytes, r.width * r.height);
  return `encoded: ${inputName(r.input)} -> ${outputName(r.output)}, ${r.width}x${r.height}, ` +
    `bytes=${r.bytes}, bpp=${bpp}`;
}

function encodedJson(r: Encoded) {
  const { input, output, width, height, bytes } = r;
  const bpp = bitsPerPixel(bytes, width * height);
  return { input: inputName(input), output: outputName(output), width, height, bytes, bpp };
}

/**
 * Encodes one file: a binary PGM read a band at a time as its tiles are coded, others read
 * whole; the output written as the tiles come. Tiles go to `pool` (one-tile images too in a
 * batch, where several files are coded at once; alone, a one-tile image is coded in this thread:
 * a worker would only add its start-up).
 */
async function encodeFile(
  input: string,
  output: string,
  context: {
    model: Model;
    level: LevelName;
    polarity: PolarityMode;
    limits: ImageLimits;
    force: boolean;
    pool: CodingWorkers | undefined;
    single?: boolean;
  },
): Promise<Encoded> {
  const { model, level, polarity, limits, force, pool } = context;
  const times = new StepTimes();
  const streamed = input === STDIO ? undefined : await openPgmRows(input, limits);
  try {
    const source = streamed ?? imageRows(await readImage(input, limits));
    const pixels = source.width * source.height;
    times.end("read");
    const runner = context.single && isOneTile(source.width, source.height) ? undefined : pool;
    const out = await openOutput(output, force);
    try {
      for await (const piece of encodeImageStream(source, model, { level, polarity, runner })) {
        await out.write(piece);
      }
      times.end("encode", pixels);
      await out.commit();
    } catch (e) {
      await out.abandon();
      throw errorFor(inputName(input), e);
    }
    times.end("write");
    const { width, height } = source;
    return { input, output, width, height, bytes: out.written, times };
  } finally {
    streamed?.close();
  }
}

/**
 * The image format `decode` writes (an extension from {@link IMAGE_EXTENSIONS}): `--output-format`
 * or the output's extension, which must agree when both are given; PNG for stdout.
 */
function decodedFormat(output: string, given: string | undefined): string {
  const extension = output === STDIO ? "" : extensionOf(output);
  if (extension !== "" && given !== undefined && given !== extension) {
    throw new UsageError(`--output-format ${given} contradicts --output ${output}`);
  }
  if (extension === "" && given === undefined && output !== STDIO) {
    throw new UsageError(
      `--output ${output} has no extension to tell the image format: add one or give --output-format`,
    );
  }
  return given ?? (extension || "png");
}

/** Reads `--output-format`, if given. */
function outputFormatFlag(args: ParsedArgs): string | undefined {
  const value = optionalFlag(args, "output-format");
  if (value !== undefined && !IMAGE_EXTENSIONS.includes(value)) {
    throw new UsageError(
      `--output-format must be one of ${IMAGE_EXTENSIONS.join(", ")}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Writes a decoded image to `output` as `format`: binary PGM band by band as the bands are
 * decoded, other formats once the whole image is decoded. Decoding errors go through `named`;
 * an image the format cannot hold is an error naming the output.
 */
async function writeDecoded(
  stream: DecodedImageStream,
  format: string,
  output: { file: OutputFile; name: string },
  named: (e: unknown) => never,
): Promise<void> {
  // Decoding errors name the input; writing errors name the output already.
  async function* naming<T>(items: AsyncIterable<T>) {
    try {
      yield* items;
    } catch (e) {
      named(e);
    }
  }
  const bands = () => naming(stream.bands);
  if (format === "pgm" || format === "pnm") {
    // A file takes each tile at its place; stdout, a band of rows at a time.
    if (output.file.writeAt) return await writePgmTiles(output.file, stream, naming(stream.tiles));
    return await writePgmBands(output.file, stream, bands());
  }
  const { width, height, maxValue, signed } = stream;
  const data = new Uint16Array(width * height);
  for await (const band of bands()) data.set(band.rows, band.y * width);
  let encoded: Uint8Array;
  try {
    // encodeImageFile tells the format by a file name's extension.
    const image = { width, height, maxValue, data, ...(signed && { signed }) };
    encoded = encodeImageFile(image, `image.${format}`);
  } catch (e) {
    throw errorFor(output.name, e);
  }
  await output.file.write(encoded);
}

/** Reads `--region x,y,width,height`, if given. */
function regionFlag(args: ParsedArgs): TileRect | undefined {
  const text = optionalFlag(args, "region");
  if (text === undefined) return undefined;
  const parts = text.split(",");
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p))) {
    throw new UsageError(`--region must be x,y,width,height in pixels, not ${text}`);
  }
  const [x, y, width, height] = parts.map(Number);
  if (width < 1 || height < 1) throw new UsageError(`--region ${text} is empty`);
  return { x, y, width, height };
}

/** The `decode` command. */
export const decodeCommand: Command = {
  name: "decode",
  summary: "restore the image of a .bpc file (PNG, PGM, PPM or PBM)",
  usage: "decode [--model M.bpm] [-o OUT.png|OUT.pgm|-] [--output-format FORMAT] [-f] IN.bpc|-",
  examples: [
    "bpcodec decode page1.bpc -o page1.png",
    "bpcodec decode --model scans.bpm page1.bpc -o page1.pgm",
    "bpcodec decode --output-format pgm - < page1.bpc > page1.pgm",
  ],
  flags: {
    model: {
      type: "string",
      help: "the model the file was coded with (not needed for the built-in model)",
    },
    input: { type: "string", help: "the .bpc file, - for stdin; or give IN.bpc" },
    output: {
      type: "string",
      help: "image to write, - for stdout (default: IN's name with .png; stdout for -)",
      outputExtensions: IMAGE_EXTENSIONS,
    },
    "output-format": {
      type: "string",
      help:
        "png, pgm, pnm, ppm, pbm, tif, tiff, dcm, dicom, fits, fit or fts (default: the output's extension; png for stdout)",
    },
    region: {
      type: "string",
      help: "decode only this rectangle, x,y,width,height (v2: only the tiles it touches)",
    },
    ...MAX_PIXELS_FLAG,
    ...WORKERS_FLAG,
    ...BATCH_FLAGS,
    ...forceFlag("an existing output file"),
  },
  positionals: "IN.bpc...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const given = outputFormatFlag(args);
    const modelPath = optionalFlag(args, "model");
    const model = modelPath === undefined ? undefined : await loadModel(modelPath);
    const context = {
      model,
      region: regionFlag(args),
      limits: maxPixelsFlag(args),
      force: args.values.force === true,
    };
    if (isBatch(args)) {
      return await runBatchCommand(args, report, {
        command: "decode",
        extensions: ["bpc"],
        outputName: (path) => replaceExtension(path, `.${given ?? "png"}`),
        work: (job, pool) =>
          decodeFile(job.input, job.output, {
            ...context,
            format: decodedFormat(job.output, given),
            pool,
          }),
        line: decodedLine,
        json: decodedJson,
      });
    }
    const input = inputArg(args);
    const output = optionalFlag(args, "output") ?? defaultOutput(input, given ?? "png");
    const format = decodedFormat(output, given);
    await prepareOutput(output, context.force, report);
    const result = await withCodingWorkers(
      args,
      (pool) => decodeFile(input, output, { ...context, format, pool, single: true }),
    );
    report.line(decodedLine(result));
    // A file that decodes without --model was coded with the built-in model.
    report.detail(modelDetail(model ?? await defaultModel(), modelPath));
    report.detail(`${result.times}`);
    report.result({ command: "decode", ...decodedJson(result) });
    return 0;
  },
};

/** What decoding one file gave. */
interface Decoded {
  input: string;
  output: string;
  width: number;
  height: number;
  times: StepTimes;
}

function decodedLine(r: Decoded): string {
  return `decoded: ${inputName(r.input)} -> ${outputName(r.output)}, ${r.width}x${r.height}`;
}

function decodedJson(r: Decoded) {
  const { input, output, width, height } = r;
  return { input: inputName(input), output: outputName(output), width, height };
}

/**
 * Decodes one file (or a region of it) to `output` as `format`, PGM band by band. Tiles go to
 * `pool`, except a lone file's one tile (a worker would only add its start-up).
 */
async function decodeFile(
  input: string,
  output: string,
  context: {
    model: Model | undefined;
    region: TileRect | undefined;
    limits: ImageLimits;
    force: boolean;
    format: string;
    pool: CodingWorkers | undefined;
    single?: boolean;
  },
): Promise<Decoded> {
  const { model, region, limits, force, format, pool } = context;
  const times = new StepTimes();
  const bytes = await readBytes(input);
  times.end("read");
  const named = (e: unknown): never => {
    throw errorFor(inputName(input), e);
  };
  const info = await describeFile(bytes).catch(named);
  const oneTile = (info.images?.[0].tiles?.count ?? 1) === 1;
  const runner = context.single && oneTile ? undefined : pool;
  const stream = await decodeImageStream(bytes, model, { ...limits, runner, region }).catch(named);
  const out = await openOutput(output, force);
  try {
    await writeDecoded(stream, format, { file: out, name: outputName(output) }, named);
    times.end("decode", stream.width * stream.height);
    await out.commit();
  } catch (e) {
    await out.abandon();
    throw e;
  }
  times.end("write");
  return { input, output, width: stream.width, height: stream.height, times };
}

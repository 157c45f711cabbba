/**
 * `bpcodec encode`, `decode` and `verify`: single images.
 *
 * @module
 */
import { decodeImage, encodeImage } from "../../codec.ts";
import type { GrayImage } from "../../image/gray_image.ts";
import { encodeImageFile } from "../../image/image_file.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  loadModel,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { errorFor } from "../errors.ts";
import { checkWritable, readBytes, readImage, writeAtomic } from "../files.ts";

/** `name.ext` → `name.newExt` (or `name.newExt` appended when there is no extension). */
function replaceExtension(path: string, extension: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return (dot > slash + 1 ? path.slice(0, dot) : path) + extension;
}

function samePixels(a: GrayImage, b: GrayImage): boolean {
  return a.width === b.width && a.height === b.height && a.data.length === b.data.length &&
    a.data.every((v, i) => v === b.data[i]);
}

/** The `encode` command. */
export const encodeCommand: Command = {
  name: "encode",
  summary: "code one image into a .bpc file",
  usage: "encode [--model M.bpm] --input IMG [--output OUT.bpc] [--polarity auto|invert|none]",
  examples: [
    "bpcodec encode --input page1.png                  # built-in model, writes page1.bpc",
    "bpcodec encode --model scans.bpm --input page1.png --output page1.bpc",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    input: { type: "string", help: "image to code (PNG or PGM/PNM)" },
    output: { type: "string", help: "the .bpc file to write (default: input name + .bpc)" },
    ...POLARITY_FLAG,
    ...forceFlag("an existing output file"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const input = requireFlag(args, "input");
    const output = optionalFlag(args, "output") ?? replaceExtension(input, ".bpc");
    const force = args.values.force === true;
    const polarity = polarityFlag(args);
    const model = await modelFlag(args);
    await checkWritable(output, force);
    const image = await readImage(input);
    let bytes: Uint8Array;
    try {
      bytes = await encodeImage(image, model, { polarity });
    } catch (e) {
      throw errorFor(input, e);
    }
    await writeAtomic(output, bytes, force);
    const pixels = image.width * image.height;
    const bpp = bitsPerPixel(bytes.length, pixels);
    report.line(
      `encoded: ${input} -> ${output}, ${image.width}x${image.height}, bytes=${bytes.length}, bpp=${bpp}`,
    );
    report.result({
      command: "encode",
      input,
      output,
      format: model.format,
      width: image.width,
      height: image.height,
      bytes: bytes.length,
      bpp,
    });
    return 0;
  },
};

/** The `decode` command. */
export const decodeCommand: Command = {
  name: "decode",
  summary: "restore the image of a .bpc file (PNG or PGM by the output's extension)",
  usage: "decode [--model M.bpm] --input IN.bpc [--output OUT.png|OUT.pgm]",
  examples: [
    "bpcodec decode --input page1.bpc --output page1.png",
    "bpcodec decode --model scans.bpm --input page1.bpc --output page1.pgm",
  ],
  flags: {
    model: {
      type: "string",
      help: "the model the file was coded with (not needed for the built-in model)",
    },
    input: { type: "string", help: "the .bpc file" },
    output: { type: "string", help: "image to write: .png or .pgm (default: input name + .png)" },
    ...forceFlag("an existing output file"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const input = requireFlag(args, "input");
    const output = optionalFlag(args, "output") ?? replaceExtension(input, ".png");
    const force = args.values.force === true;
    const modelPath = optionalFlag(args, "model");
    const model = modelPath === undefined ? undefined : await loadModel(modelPath);
    await checkWritable(output, force);
    const bytes = await readBytes(input);
    let image: GrayImage;
    try {
      image = await decodeImage(bytes, model);
    } catch (e) {
      throw errorFor(input, e);
    }
    let encoded: Uint8Array;
    try {
      encoded = encodeImageFile(image, output);
    } catch (e) {
      throw errorFor(output, e);
    }
    await writeAtomic(output, encoded, force);
    report.line(`decoded: ${input} -> ${output}, ${image.width}x${image.height}`);
    report.result({ command: "decode", input, output, width: image.width, height: image.height });
    return 0;
  },
};

/** The `verify` command. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "code and decode an image in memory; print bpp and PASS or FAIL",
  usage: "verify [--model M.bpm] --input IMG [--polarity auto|invert|none]",
  examples: [
    "bpcodec verify --input page1.png",
    "bpcodec verify --model scans.bpm --input page1.png",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    input: { type: "string", help: "image to check (PNG or PGM/PNM)" },
    ...POLARITY_FLAG,
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const input = requireFlag(args, "input");
    const polarity = polarityFlag(args);
    const model = await modelFlag(args);
    const image = await readImage(input);
    let ok = false;
    let bytes = 0;
    let reason = "";
    try {
      const coded = await encodeImage(image, model, { polarity });
      bytes = coded.length;
      ok = samePixels(image, await decodeImage(coded, model));
      if (!ok) reason = "decoded pixels differ";
    } catch (e) {
      reason = (e as Error).message;
    }
    const bpp = bitsPerPixel(bytes, image.width * image.height);
    report.line(
      `${ok ? "PASS" : "FAIL"}: ${input}, bytes=${bytes}, bpp=${bpp}${reason && `, ${reason}`}`,
    );
    report.result({ command: "verify", input, ok, bytes, bpp, ...(reason && { reason }) });
    return ok ? 0 : 1;
  },
};

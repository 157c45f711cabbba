/**
 * `bpcodec train`: learn a model from a folder of images.
 *
 * @module
 */
import { ModelTrainer } from "../../codec.ts";
import { FORMAT_NAMES, type FormatName } from "../../model_file.ts";
import { toHex } from "../../sha256.ts";
import {
  type Command,
  optionalFlag,
  type ParsedArgs,
  polarityFlag,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { CliError, errorFor, UsageError } from "../errors.ts";
import { checkWritable, listImages, readImage, writeAtomic } from "../files.ts";
import { join } from "node:path";

/** Reads `--format` (default `v2`). */
export function formatFlag(args: ParsedArgs): FormatName {
  const value = optionalFlag(args, "format") ?? FORMAT_NAMES[0];
  if (!(FORMAT_NAMES as string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(", ")}, not ${value}`);
  }
  return value as FormatName;
}

/** Reads `--alpha` (default 16). */
function alphaFlag(args: ParsedArgs): number {
  const text = optionalFlag(args, "alpha") ?? "16";
  const alpha = Number(text);
  if (!/^\d+$/.test(text) || alpha < 1 || alpha > 0xffffffff) {
    throw new UsageError(`--alpha must be a whole number from 1 to 4294967295, not ${text}`);
  }
  return alpha;
}

/** The `train` command. */
export const trainCommand: Command = {
  name: "train",
  summary: "learn a model (.bpm) from a folder of images",
  usage:
    "train --input-dir DIR --model OUT.bpm [--format v2|classic] [--alpha 16] [--polarity auto|invert|none]",
  examples: [
    "bpcodec train --input-dir scans/train --model scans.bpm",
    "bpcodec train --format classic --input-dir scans/train --model scans-classic.bpm",
  ],
  flags: {
    "input-dir": { type: "string", help: "folder of training images, searched recursively" },
    model: { type: "string", help: "the model file to write" },
    format: { type: "string", help: "model format: v2 (default) or classic" },
    alpha: { type: "string", help: "classic smoothing constant, at least 1 (default 16)" },
    polarity: { type: "string", help: "auto (default), invert or none" },
    force: { type: "boolean", help: "replace an existing model file" },
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const dir = requireFlag(args, "input-dir");
    const out = requireFlag(args, "model");
    const force = args.values.force === true;
    const trainer = new ModelTrainer({
      format: formatFlag(args),
      alpha: alphaFlag(args),
      polarity: polarityFlag(args),
    });
    await checkWritable(out, force);
    const names = await listImages(dir);
    if (names.length === 0) {
      throw new CliError(dir, "no training images found (.png, .pgm, .pnm, .ppm, .pbm)");
    }
    let pixels = 0;
    for (const [i, name] of names.entries()) {
      report.progress(i, names.length, name);
      const path = join(dir, name);
      const image = await readImage(path);
      try {
        trainer.addImage(image);
      } catch (e) {
        throw errorFor(path, e);
      }
      pixels += image.width * image.height;
    }
    report.done();
    const model = await trainer.finish();
    await writeAtomic(out, model.bytes, force);
    const hash = toHex(model.hash);
    const alpha = model.format === "classic" ? model.params.alpha : undefined;
    report.line(
      model.format === "classic"
        ? `trained model: images=${names.length}, contexts=5120, alpha=${alpha}, hash=${hash}`
        : `trained model: format=v2, images=${names.length}, bytes=${model.bytes.length}, hash=${hash}`,
    );
    report.result({
      command: "train",
      model: out,
      format: model.format,
      images: names.length,
      pixels,
      alpha,
      modelHash: hash,
      bytes: model.bytes.length,
    });
    return 0;
  },
};

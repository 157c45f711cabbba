/**
 * `bpcodec train`: learn a model from a folder of images.
 *
 * @module
 */
import { type DirectSlotCounter, ModelTrainer } from "../../codec.ts";
import { toHex } from "../../sha256.ts";
import {
  type Command,
  forceFlag,
  formatFlag,
  optionalFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { CliError, errorFor, UsageError } from "../errors.ts";
import { EXIT_SKIPPED, KEEP_GOING_FLAG, MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";
import { checkWritable, listImages, readImage, writeAtomic } from "../files.ts";
import { openTrainingDevice, type TrainingDevice } from "../training_device.ts";
import { countDirectSlotsOnGpu, type RecordPacker } from "../../gpu/v2_counts.ts";
import { TrainingWorkers } from "../../workers/training_workers.ts";
import { workersFlag } from "../workers_flag.ts";
import { primerLine } from "../primer_line.ts";
import { describePrimer } from "../../file_info.ts";
import { join } from "node:path";

/** Reads `--alpha` (default 16). */
function alphaFlag(args: ParsedArgs): number {
  const text = optionalFlag(args, "alpha") ?? "16";
  const alpha = Number(text);
  if (!/^\d+$/.test(text) || alpha < 1 || alpha > 0xffffffff) {
    throw new UsageError(`--alpha must be a whole number from 1 to 4294967295, not ${text}`);
  }
  return alpha;
}

/**
 * Where v2 counts its direct slots: on the GPU (the workers, if any, pack the records it reads),
 * else on the workers (an image each), else in this thread (undefined).
 */
function directSlotCounter(
  device: TrainingDevice,
  pool: TrainingWorkers | undefined,
): DirectSlotCounter | undefined {
  const gpu = device.gpu;
  if (gpu) {
    const packer: RecordPacker | undefined = pool && pool.packRecords.bind(pool);
    return (images, start, progress) =>
      countDirectSlotsOnGpu(gpu, images, start, { progress, packer });
  }
  return pool && ((images, start, progress) => pool.countDirectSlots(images, start, progress));
}

/** The `train` command. */
export const trainCommand: Command = {
  name: "train",
  summary: "learn a model (.bpm) from a folder of images",
  usage:
    "train --input-dir DIR --model OUT.bpm [--format v2|classic] [--alpha 16] [--polarity auto|invert|none] [--device auto|gpu|cpu] [--workers N]",
  examples: [
    "bpcodec train --input-dir scans/train --model scans.bpm",
    "bpcodec train --device gpu --input-dir scans/train --model scans.bpm",
    "bpcodec train --format classic --input-dir scans/train --model scans-classic.bpm",
  ],
  flags: {
    "input-dir": { type: "string", help: "folder of training images, searched recursively" },
    model: { type: "string", help: "the model file to write", outputExtensions: ["bpm"] },
    format: { type: "string", help: "model format: v2 (default) or classic" },
    alpha: { type: "string", help: "classic smoothing constant, at least 1 (default 16)" },
    ...POLARITY_FLAG,
    device: {
      type: "string",
      help: "where to count training statistics: auto (default: a hardware GPU if any), gpu or cpu",
    },
    workers: {
      type: "string",
      help: "v2: how many CPU workers train (default: one per core, at most 16)",
    },
    ...MAX_PIXELS_FLAG,
    ...KEEP_GOING_FLAG,
    ...forceFlag("an existing model file"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const dir = requireFlag(args, "input-dir");
    const out = requireFlag(args, "model");
    const force = args.values.force === true;
    const format = formatFlag(args);
    const options = { format, alpha: alphaFlag(args), polarity: polarityFlag(args) };
    const workers = workersFlag(args);
    new ModelTrainer(options); // checks the options before any file is touched
    await checkWritable(out, force);
    const names = await listImages(dir);
    if (names.length === 0) {
      throw new CliError(dir, "no training images found (.png, .pgm, .pnm, .ppm, .pbm)");
    }
    const device = await openTrainingDevice(optionalFlag(args, "device") ?? "auto");
    const limits = maxPixelsFlag(args);
    const keepGoing = args.values["keep-going"] === true;
    const skipped: { file: string; reason: string }[] = [];
    let pixels = 0;
    let images = 0;
    let model;
    // One worker is this thread: no pool to start.
    const pool = format === "v2" && workers > 1 ? new TrainingWorkers(workers) : undefined;
    try {
      const trainer = new ModelTrainer({
        ...options,
        classicCounter: device.counter,
        directSlotCounter: directSlotCounter(device, pool),
        progress: (done, total, what) => report.progress(done, total, `v2: ${what}`),
        cropRunner: pool,
      });
      for (const [i, name] of names.entries()) {
        report.progress(i, names.length, name);
        const path = join(dir, name);
        let image;
        try {
          image = await readImage(path, limits);
          // v2 reads each file again when it counts, instead of keeping every image
          trainer.addImage(image, {
            name: path,
            reload: async () => {
              try {
                return await readImage(path, limits);
              } catch (e) {
                throw errorFor(path, e);
              }
            },
          });
          await trainer.ready();
        } catch (e) {
          if (!keepGoing) throw errorFor(path, e);
          report.warning(`skipped: ${errorFor(path, e).message}`);
          skipped.push({ file: path, reason: (e as Error).message });
          continue;
        }
        pixels += image.width * image.height;
        images++;
      }
      if (images === 0) throw new CliError(dir, "no training image could be read");
      report.progress(names.length, names.length, "making the model");
      model = await trainer.finish();
      report.done();
    } finally {
      device.close();
      pool?.close();
    }
    await writeAtomic(out, model.bytes, force);
    const hash = toHex(model.hash);
    const alpha = model.format === "classic" ? model.params.alpha : undefined;
    report.line(
      model.format === "classic"
        ? `trained model: images=${images}, contexts=5120, alpha=${alpha}, hash=${hash}`
        : `trained model: format=v2, images=${images}, bytes=${model.bytes.length}, hash=${hash}`,
    );
    const software = device.software ? " (software adapter)" : "";
    report.line(device.kind === "gpu" ? `device: GPU ${device.adapter}${software}` : "device: CPU");
    if (model.format === "v2") {
      const primer = model.params.primer;
      report.line(
        primer
          ? primerLine(describePrimer(primer))
          : "primer: none (no training image's crop saved enough on the others it may start)",
      );
    }
    report.result({
      command: "train",
      model: out,
      format: model.format,
      images,
      skipped,
      pixels,
      alpha,
      modelHash: hash,
      bytes: model.bytes.length,
      device: device.kind,
      workers: format === "v2" ? workers : undefined,
      adapter: device.adapter ?? null,
      softwareAdapter: device.software ?? false,
    });
    return skipped.length > 0 ? EXIT_SKIPPED : 0;
  },
};

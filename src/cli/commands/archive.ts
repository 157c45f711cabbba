/**
 * `bpcodec pack` and `unpack`: archives (`.bpa`) of many images with their model.
 *
 * @module
 */
import { join } from "node:path";
import { normalizeEntryName } from "../../archive_name.ts";
import { type ArchiveEntry, packArchive, unpackArchive } from "../../codec.ts";
import { encodeImageFile, extensionOf } from "../../image/image_file.ts";
import { toHex } from "../../sha256.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  modelFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { CliError, errorFor } from "../errors.ts";
import { checkWritable, listImages, readBytes, readImage, writeAtomic } from "../files.ts";

/** The `pack` command. */
export const packCommand: Command = {
  name: "pack",
  summary: "code every image under a folder into one archive (.bpa) with its model",
  usage: "pack [--model M.bpm] --input-dir DIR --output OUT.bpa [--polarity auto|invert|none]",
  examples: [
    "bpcodec pack --input-dir scans/2024 --output scans-2024.bpa",
    "bpcodec pack --model scans.bpm --input-dir scans/2024 --output scans-2024.bpa",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    "input-dir": { type: "string", help: "folder of images, searched recursively" },
    output: {
      type: "string",
      help: "the archive to write (embeds a model given by --model)",
      outputExtensions: ["bpa"],
    },
    ...POLARITY_FLAG,
    ...forceFlag("an existing archive"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const dir = requireFlag(args, "input-dir");
    const output = requireFlag(args, "output");
    const force = args.values.force === true;
    const polarity = polarityFlag(args);
    const model = await modelFlag(args);
    await checkWritable(output, force);
    const names = await listImages(dir);
    if (names.length === 0) {
      throw new CliError(dir, "no images found (.png, .pgm, .pnm, .ppm, .pbm)");
    }
    const entries: ArchiveEntry[] = [];
    let rawBytes = 0;
    let pixels = 0;
    for (const [i, name] of names.entries()) {
      report.progress(i, names.length, name);
      const path = join(dir, name);
      rawBytes += (await Deno.stat(path)).size;
      const image = await readImage(path);
      pixels += image.width * image.height;
      entries.push({ name, image });
    }
    report.done();
    let bytes: Uint8Array;
    try {
      bytes = await packArchive(entries, model, { polarity });
    } catch (e) {
      throw errorFor(dir, e);
    }
    await writeAtomic(output, bytes, force);
    const bpp = bitsPerPixel(bytes.length, pixels);
    report.line(
      `packed: raw_bytes=${rawBytes}, archive_bytes=${bytes.length}, bpp=${bpp}, pixels=${pixels}, images=${names.length}`,
    );
    report.result({
      command: "pack",
      output,
      format: model.format,
      images: names.length,
      pixels,
      rawBytes,
      bytes: bytes.length,
      bpp,
      modelHash: toHex(model.hash),
    });
    return 0;
  },
};

/** The `unpack` command. */
export const unpackCommand: Command = {
  name: "unpack",
  summary: "restore every image of an archive into a folder",
  usage: "unpack --input IN.bpa --output-dir DIR [--force]",
  examples: ["bpcodec unpack --input scans-2024.bpa --output-dir restored"],
  flags: {
    input: { type: "string", help: "the archive" },
    "output-dir": { type: "string", help: "folder to write the images into (created if needed)" },
    ...forceFlag("existing files"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const input = requireFlag(args, "input");
    const dir = requireFlag(args, "output-dir");
    const force = args.values.force === true;
    const bytes = await readBytes(input);
    let entries: ArchiveEntry[];
    try {
      ({ entries } = await unpackArchive(bytes));
    } catch (e) {
      throw errorFor(input, e);
    }
    // Check everything before writing anything: no partial output on a bad archive.
    const seen = new Set<string>();
    const files: { path: string; bytes: Uint8Array }[] = [];
    for (const { name, image } of entries) {
      const normalized = normalizeEntryName(name);
      if (seen.has(normalized)) {
        throw new CliError(input, `two entries are named ${JSON.stringify(normalized)}`);
      }
      seen.add(normalized);
      const path = join(dir, normalized);
      await checkWritable(path, force);
      const ext = extensionOf(name);
      try {
        files.push({ path, bytes: encodeImageFile(image, ext === "" ? `${name}.png` : name) });
      } catch (e) {
        throw errorFor(input, new Error(`entry ${JSON.stringify(name)}: ${(e as Error).message}`));
      }
    }
    for (const [i, file] of files.entries()) {
      report.progress(i, files.length, file.path);
      await writeAtomic(file.path, file.bytes, force);
    }
    report.done();
    report.line(`unpacked: ${input} -> ${dir}, images=${files.length}`);
    report.result({
      command: "unpack",
      input,
      outputDir: dir,
      images: entries.map((e) => ({ name: e.name, width: e.image.width, height: e.image.height })),
    });
    return 0;
  },
};

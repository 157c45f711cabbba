/**
 * `bpcodec pack`, `unpack`, `extract` and `list`: archives (`.bpa`) of many images with their
 * model.
 *
 * @module
 */
import { join } from "node:path";
import { checkEntryName } from "../../archive_name.ts";
import {
  type ArchiveEntry,
  type ArchiveEntryInfo,
  type ArchiveFile,
  archiveOf,
  openArchive,
  type OpenArchiveOptions,
  type OpenedArchive,
  packArchiveStream,
  type PackedArchive,
  type PackedEntry,
} from "../../codec.ts";
import { FormatError, quotedName } from "../../errors.ts";
import { encodeImageFile, extensionOf, IMAGE_EXTENSIONS } from "../../image/image_file.ts";
import { checkPixelLimit, type ImageLimits } from "../../image/limits.ts";
import { toHex } from "../../sha256.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  POLARITY_FLAG,
  polarityFlag,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { CliError, errorFor, UsageError } from "../errors.ts";
import {
  checkOutput,
  FileBytes,
  inputName,
  listFiles,
  listImages,
  openOutput,
  outputName,
  readBytes,
  readImage,
  readSource,
  shownText,
  STDIO,
} from "../files.ts";
import { EXIT_SKIPPED, KEEP_GOING_FLAG, MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";
import { OutputFolder } from "../output_folder.ts";
import { LEVEL_FLAG, levelFlag } from "../level_flag.ts";
import { withCodingWorkers, WORKERS_FLAG } from "../workers_flag.ts";

/** A file `pack` left out, and why. */
interface Skipped {
  file: string;
  reason: string;
}

/** The `pack` command. */
export const packCommand: Command = {
  name: "pack",
  summary: "keep every file under a folder in one archive (.bpa), images coded with the model",
  usage:
    "pack [--model M.bpm] --input-dir DIR -o OUT.bpa|- [--pixels-only] [--polarity auto|invert|none] [--keep-going]",
  examples: [
    "bpcodec pack --input-dir scans/2024 --output scans-2024.bpa",
    "bpcodec pack --model scans.bpm --input-dir scans/2024 --output scans-2024.bpa --keep-going",
    "bpcodec pack --pixels-only --input-dir scans/2024 --output pixels-2024.bpa",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    "input-dir": { type: "string", help: "folder of files, searched recursively" },
    output: {
      type: "string",
      help: "the archive to write, - for stdout (it embeds a model given by --model)",
      outputExtensions: ["bpa"],
    },
    "pixels-only": {
      type: "boolean",
      help:
        "keep only the pixels of the images (PNG, PGM/PNM, TIFF, DICOM, FITS), not the files: smallest, but files come back rewritten from their pixels in their extension's format (classic models always do this)",
    },
    ...POLARITY_FLAG,
    ...MAX_PIXELS_FLAG,
    ...KEEP_GOING_FLAG,
    ...WORKERS_FLAG,
    ...LEVEL_FLAG,
    ...forceFlag("an existing archive"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const dir = requireFlag(args, "input-dir");
    const output = requireFlag(args, "output");
    const force = args.values.force === true;
    const keepGoing = args.values["keep-going"] === true;
    const polarity = polarityFlag(args);
    const limits = maxPixelsFlag(args);
    const model = await modelFlag(args);
    const pixelsOnly = args.values["pixels-only"] === true || model.format === "classic";
    await checkOutput(output, force);
    if (output === STDIO) report.reserveStdoutForData();
    const names = pixelsOnly ? await listImages(dir) : await listFiles(dir);
    if (names.length === 0) {
      throw new CliError(
        dir,
        pixelsOnly ? `no images found (.${IMAGE_EXTENSIONS.join(", .")})` : "no files found",
      );
    }
    const skipped: Skipped[] = [];
    const skip = (file: string, error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      report.warning(`skipped: ${file}: ${reason.replace(`${file}: `, "")}`);
      skipped.push({ file, reason });
    };
    let rawBytes = 0;
    let entriesRead = 0;
    // Files are read one at a time and coded as they come: only coded streams are kept.
    async function* entries(): AsyncGenerator<ArchiveEntry | ArchiveFile> {
      for (const [i, name] of names.entries()) {
        report.progress(i, names.length, name);
        const path = join(dir, name);
        let entry: ArchiveEntry | ArchiveFile;
        try {
          checkEntryName(name);
          entry = pixelsOnly
            ? { name, image: await readImage(path, limits) }
            : { name, file: await readBytes(path) };
        } catch (e) {
          if (!keepGoing) throw errorFor(path, e);
          skip(path, e);
          continue;
        }
        rawBytes += "file" in entry ? entry.file.length : (await Deno.stat(path)).size;
        entriesRead++;
        yield entry;
      }
    }
    let written: { entries: PackedEntry[]; bytes: number };
    try {
      written = await withCodingWorkers(args, (runner) =>
        writeArchive(
          output,
          packArchiveStream(entries(), model, {
            polarity,
            level: levelFlag(args, model),
            runner,
            ...limits,
            skip: keepGoing
              ? (name, error) => {
                skip(join(dir, name), error);
                entriesRead--;
              }
              : undefined,
          }),
          {
            force,
            check: () => {
              if (entriesRead === 0) throw new CliError(dir, "nothing could be packed");
            },
          },
        ));
    } catch (e) {
      throw errorFor(dir, e);
    }
    report.done();
    const packed = written.entries;
    for (const e of packed) {
      // An image file that could not be coded as one is worth a word.
      if (/^(kept whole|pixels and chunks):/.test(e.note ?? "")) {
        report.warning(`${shownText(join(dir, e.name))}: ${e.note}`);
      }
    }
    const pixels = packed.reduce((n, e) => n + e.pixels, 0);
    const images = packed.filter((e) => e.pixels > 0 || e.kept === undefined).length;
    const exactFiles = packed.filter((e) => e.kept?.exact).length;
    const bpp = bitsPerPixel(written.bytes, pixels);
    report.line(
      `packed: raw_bytes=${rawBytes}, archive_bytes=${written.bytes}, bpp=${bpp}, pixels=${pixels}, images=${images}` +
        (pixelsOnly ? "" : `, files=${packed.length}, exact_files=${exactFiles}`) +
        (skipped.length > 0 ? `, skipped=${skipped.length}` : ""),
    );
    report.result({
      command: "pack",
      output: outputName(output),
      format: model.format,
      pixelsOnly,
      images,
      files: packed.length,
      exactFiles,
      pixels,
      rawBytes,
      bytes: written.bytes,
      bpp,
      modelHash: toHex(model.hash),
      skipped,
    });
    return skipped.length > 0 ? EXIT_SKIPPED : 0;
  },
};

/**
 * Writes an archive's pieces to `output` as they come, then its entry count over the first
 * piece's (stdout, which cannot seek, gets the archive whole at the end); `check` may refuse the
 * archive before it appears under its name.
 */
async function writeArchive(
  output: string,
  pieces: AsyncGenerator<Uint8Array, PackedArchive>,
  options: { force: boolean; check: () => void },
): Promise<{ entries: PackedEntry[]; bytes: number }> {
  const file = await openOutput(output, options.force);
  try {
    let entries: PackedEntry[];
    if (file.writeAt) {
      let next = await pieces.next();
      for (; !next.done; next = await pieces.next()) await file.write(next.value);
      options.check();
      await file.writeAt(next.value.countAt, next.value.count);
      entries = next.value.entries;
    } else {
      const archive = await archiveOf(pieces);
      options.check();
      await file.write(archive.bytes);
      entries = archive.entries;
    }
    const bytes = file.written;
    await file.commit();
    return { entries, bytes };
  } catch (e) {
    await file.abandon();
    throw e;
  }
}

/**
 * The file name an entry is written as: a kept file's own; for pixels, its own, or with `.png`
 * when it has no extension.
 */
function entryFileName(entry: ArchiveEntryInfo): string {
  return entry.file || extensionOf(entry.name) !== "" ? entry.name : `${entry.name}.png`;
}

/** What of an entry the archive stores once, in another entry, as `list` says it. */
function storedOnce(entry: ArchiveEntryInfo): string {
  const { repeats, repeatsParts } = entry;
  const samePixels = entry.file?.pixels === 0 ? [repeatsParts] : repeats ?? [];
  if (repeatsParts !== undefined && samePixels.join() === repeatsParts) {
    return `  (the same file as ${shownText(repeatsParts)}, stored once)`;
  }
  return (repeats ? `  (pixels stored once, in ${repeats.map(shownText).join(", ")})` : "") +
    (repeatsParts ? `  (other bytes stored once, in ${shownText(repeatsParts)})` : "");
}

/** How an entry is kept: the file byte for byte, or its pixels only. */
function keptAs(entry: ArchiveEntryInfo): "exact file" | "exact pixels" {
  return entry.file?.exact ? "exact file" : "exact pixels";
}

/**
 * Opens an archive for `unpack`, `extract` and `list` — a file where it is, its bytes read as
 * they are needed (so that an archive larger than memory unpacks); stdin whole — runs `work`
 * with it and closes it, naming the archive in any error opening it.
 */
async function withArchive<T>(
  path: string,
  options: OpenArchiveOptions,
  work: (archive: OpenedArchive) => Promise<T>,
): Promise<T> {
  const source = await readSource(path);
  try {
    let archive: OpenedArchive;
    try {
      archive = await openArchive(source, options);
    } catch (e) {
      throw errorFor(inputName(path), e);
    }
    return await work(archive);
  } finally {
    if (source instanceof FileBytes) source.close();
  }
}

/**
 * Writes entries `indices` of an archive into `dir`: every target is checked first (names,
 * sizes, the output folder), each entry is decoded and written into a staging folder, and the
 * files are moved into place only when all are written; on a failure nothing is left behind.
 */
async function writeEntries(
  input: string,
  archive: OpenedArchive,
  indices: number[],
  dir: string,
  options: { force: boolean; limits: ImageLimits; report: Reporter; concurrency: number },
): Promise<string[]> {
  const { force, limits, report, concurrency } = options;
  const names = indices.map((i) => entryFileName(archive.entries[i]));
  for (const i of indices) {
    const entry = archive.entries[i];
    if (entry.file) continue; // rebuilt byte for byte, whatever its name
    const extension = extensionOf(entryFileName(entry));
    const where = `entry ${quotedName(entry.name)}`;
    if (!IMAGE_EXTENSIONS.includes(extension)) {
      throw new CliError(
        inputName(input),
        `${where}: cannot be written as an image of type .${extension}`,
      );
    }
    try {
      checkPixelLimit(entry.width, entry.height, limits);
    } catch (e) {
      throw errorFor(
        inputName(input),
        new FormatError(`${where}: ${(e as Error).message}`, "too-large"),
      );
    }
  }
  const folder = await OutputFolder.open(dir, names, { force });
  // `concurrency` entries are decoded at once (on workers), written in order.
  const decoding = new Map<number, Promise<Uint8Array>>();
  const fileOf = async (k: number) => {
    const i = indices[k];
    return archive.entries[i].file
      ? await archive.rebuild(i)
      : encodeImageFile(await archive.decode(i), names[k]);
  };
  const decodeAhead = (k: number) => {
    for (let j = k; j < Math.min(indices.length, k + concurrency); j++) {
      if (decoding.has(j)) continue;
      const bytes = fileOf(j);
      bytes.catch(() => {}); // awaited in order below
      decoding.set(j, bytes);
    }
  };
  try {
    for (const [k, i] of indices.entries()) {
      report.progress(k, indices.length, names[k]);
      decodeAhead(k);
      let bytes: Uint8Array;
      try {
        bytes = await decoding.get(k)!;
        decoding.delete(k);
      } catch (e) {
        const message = (e as Error).message;
        const named = message.startsWith("entry ")
          ? message
          : `entry ${quotedName(archive.entries[i].name)}: ${message}`;
        throw errorFor(
          inputName(input),
          e instanceof FormatError ? new FormatError(named, e.code) : e,
        );
      }
      await folder.stage(k, bytes);
    }
    await folder.commit();
  } catch (e) {
    await folder.abandon();
    throw e;
  } finally {
    report.done();
  }
  return names;
}

/** The `unpack` command. */
export const unpackCommand: Command = {
  name: "unpack",
  summary: "restore every entry of an archive into a folder (kept files byte for byte)",
  usage: "unpack --input IN.bpa --output-dir DIR [--force]",
  examples: ["bpcodec unpack --input scans-2024.bpa --output-dir restored"],
  flags: {
    input: { type: "string", help: "the archive, - for stdin" },
    "output-dir": { type: "string", help: "folder to write the entries into (created if needed)" },
    ...MAX_PIXELS_FLAG,
    ...WORKERS_FLAG,
    ...forceFlag("existing files"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const input = requireFlag(args, "input");
    const dir = requireFlag(args, "output-dir");
    const limits = maxPixelsFlag(args);
    const force = args.values.force === true;
    const archive = await withCodingWorkers(
      args,
      (runner) =>
        withArchive(input, { ...limits, runner }, async (archive) => {
          const indices = archive.entries.map((_, i) => i);
          const concurrency = runner?.concurrency ?? 1;
          await writeEntries(input, archive, indices, dir, { force, limits, report, concurrency });
          return archive;
        }),
    );
    const exactFiles = archive.entries.filter((e) => e.file?.exact).length;
    report.line(
      `unpacked: ${input} -> ${dir}, entries=${archive.entries.length}` +
        (exactFiles > 0 ? `, exact_files=${exactFiles} (SHA-256 checked)` : ""),
    );
    report.result({
      command: "unpack",
      input,
      outputDir: dir,
      images: archive.entries.map((e) => ({
        name: entryFileName(e),
        width: e.width,
        height: e.height,
        kept: keptAs(e),
      })),
    });
    return 0;
  },
};

/** The indices of the entries `wanted` names: entry names, or folders of entries. */
function selectEntries(input: string, archive: OpenedArchive, wanted: string[]): number[] {
  const chosen = new Set<number>();
  for (const name of wanted) {
    const folder = name.endsWith("/") ? name : `${name}/`;
    const found = archive.entries.flatMap((e, i) =>
      e.name === name || e.name.startsWith(folder) ? [i] : []
    );
    if (found.length === 0) {
      throw new CliError(inputName(input), `no entry named ${JSON.stringify(name)}`);
    }
    for (const i of found) chosen.add(i);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The `extract` command. */
export const extractCommand: Command = {
  name: "extract",
  summary: "restore some entries of an archive (by name or folder) into a folder",
  usage: "extract ARCHIVE ENTRY... [--output-dir DIR] [--force]",
  examples: [
    "bpcodec extract scans-2024.bpa march/page1.png",
    "bpcodec extract scans-2024.bpa march/ --output-dir restored",
  ],
  flags: {
    "output-dir": { type: "string", help: "folder to write the images into (default: .)" },
    ...MAX_PIXELS_FLAG,
    ...WORKERS_FLAG,
    ...forceFlag("existing files"),
  },
  positionals: "ARCHIVE ENTRY...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const [input, ...wanted] = args.positionals;
    if (input === undefined || wanted.length === 0) {
      throw new UsageError("extract needs an ARCHIVE and at least one ENTRY");
    }
    const dir = optionalFlag(args, "output-dir") ?? ".";
    const limits = maxPixelsFlag(args);
    const force = args.values.force === true;
    const written = await withCodingWorkers(
      args,
      (runner) =>
        withArchive(input, { ...limits, runner }, (archive) => {
          const indices = selectEntries(input, archive, wanted);
          const concurrency = runner?.concurrency ?? 1;
          return writeEntries(input, archive, indices, dir, { force, limits, report, concurrency });
        }),
    );
    report.line(`extracted: ${input} -> ${dir}, images=${written.length}`);
    report.result({ command: "extract", input, outputDir: dir, entries: written });
    return 0;
  },
};

/** The `list` command. */
export const listCommand: Command = {
  name: "list",
  summary: "list the entries of an archive: names, sizes, bpp and checksum status",
  usage: "list ARCHIVE...",
  examples: ["bpcodec list scans-2024.bpa", "bpcodec list --json scans-2024.bpa"],
  flags: {},
  positionals: "ARCHIVE...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError("list needs at least one ARCHIVE");
    const results = [];
    let damaged = false;
    for (const input of args.positionals) {
      const archive = await withArchive(input, { deferChecksums: true }, (a) => Promise.resolve(a));
      const entries = archive.entries.map((e) => ({
        name: e.name,
        width: e.width,
        height: e.height,
        streamBytes: e.streamBytes,
        bpp: bitsPerPixel(e.streamBytes, e.file?.pixels ?? e.width * e.height),
        checksum: e.streamIntact === undefined ? "none" : e.streamIntact ? "ok" : "DAMAGED",
        kept: keptAs(e),
        ...(e.note !== undefined && { note: e.note }),
        ...(e.repeats && { repeats: e.repeats }),
        ...(e.repeatsParts && { repeatsParts: e.repeatsParts }),
        ...(e.file && { fileBytes: e.file.bytes, sha256: toHex(e.file.sha256) }),
      }));
      const archiveChecksum = archive.intact === undefined
        ? "none (classic archives carry no checksums)"
        : archive.intact
        ? "ok"
        : "DAMAGED";
      damaged ||= archive.intact === false || entries.some((e) => e.checksum === "DAMAGED");
      const model = toHex(archive.model.hash).slice(0, 16);
      report.line(
        `${
          inputName(input)
        }: ${archive.format} archive, ${entries.length} entries, model ${model}…, ` +
          `archive checksum ${archiveChecksum}`,
      );
      for (const [i, e] of entries.entries()) {
        const size = e.width > 0 ? `${e.width}x${e.height}` : "-";
        report.line(
          `  ${size.padStart(11)} ${String(e.streamBytes).padStart(10)} bytes ` +
            `${(e.width > 0 ? e.bpp.toFixed(4) : "-").padStart(8)} bpp  ${e.checksum.padEnd(7)}  ${
              e.kept.padEnd(12)
            }  ${shownText(e.name)}` + (e.note ? `  (${shownText(e.note)})` : "") +
            storedOnce(archive.entries[i]),
        );
      }
      results.push({
        path: inputName(input),
        format: archive.format,
        modelHash: toHex(archive.model.hash),
        archiveChecksum: archive.intact === undefined ? "none" : archive.intact ? "ok" : "DAMAGED",
        entries,
      });
    }
    report.result({ command: "list", archives: results });
    return damaged ? 1 : 0;
  },
};

/**
 * `bpcodec info`: what a .bpm, .bpc or .bpa file holds.
 *
 * @module
 */
import { describeFile, type FileInfo } from "../../file_info.ts";
import type { Command, ParsedArgs, Reporter } from "../command.ts";
import { CliError, errorFor, UsageError } from "../errors.ts";
import { FileBytes, inputName, readSource, shownText } from "../files.ts";
import { primerLine } from "../primer_line.ts";

/** Reads and describes one file (stdin for `-`; an archive is read where it is, as needed). */
async function describePath(path: string): Promise<FileInfo> {
  const source = await readSource(path);
  try {
    return await describeFile(source);
  } catch (e) {
    throw errorFor(inputName(path), e);
  } finally {
    if (source instanceof FileBytes) source.close();
  }
}

function printInfo(path: string, info: FileInfo, report: Reporter): void {
  report.line(`${path}: ${info.format} ${info.kind} (${info.magic}), ${info.bytes} bytes`);
  // A v2 image file keeps the first bytes of the hash (64 hex digits in all).
  const cut = info.modelHash.length < 64;
  const notes = [
    ...(cut ? [`its first ${info.modelHash.length / 2} bytes`] : []),
    ...(info.builtInModel ? ["the built-in model"] : []),
  ];
  const where = notes.length > 0 ? ` (${notes.join(": ")})` : "";
  const embedded = info.modelEmbedded === false ? ", not embedded" : "";
  report.line(`  model hash: ${info.modelHash}${cut ? "…" : ""}${where}${embedded}`);
  if (info.alpha !== undefined) report.line(`  alpha: ${info.alpha}`);
  if (info.network) {
    report.line(`  network: ${info.network.neurons} neurons of ${info.network.inputs} inputs`);
  }
  if (info.primer) {
    report.line(`  ${primerLine(info.primer)}`);
  }
  for (const image of info.images ?? []) {
    const page = image.page === undefined ? "" : ` page ${image.page}`;
    const name = image.name === undefined ? "" : `${shownText(image.name)}${page}: `;
    const polarity = (image.signed ? ", signed" : "") + (image.inverted ? ", inverted" : "") +
      (image.packed ? ", values packed" : "") + (image.primed ? ", primed" : "");
    const coded = image.codedBits === undefined ? "" : `, ${image.codedBits} planes coded`;
    const level = image.level === undefined ? "" : `, level ${image.level}`;
    const tiles = image.tiles && image.tiles.count > 1
      ? `, ${image.tiles.count} tiles of ${image.tiles.width}x${image.tiles.height}`
      : "";
    const repeats = image.repeats &&
      `${shownText(image.repeats.name)}${image.repeats.page ? ` page ${image.repeats.page}` : ""}`;
    const stream = repeats
      ? `the same as ${repeats} (stored once)`
      : `stream ${image.streamBytes} bytes`;
    report.line(
      `  ${name}${image.width}x${image.height}, ${image.bitDepth}-bit${coded}${level}${tiles}${polarity}, ${stream}`,
    );
  }
  for (const file of info.files ?? []) {
    report.line(
      `  ${shownText(file.name)}: ${
        file.exact ? "exact file" : "pixels and other parts of a file"
      } of ${file.bytes} bytes (${
        shownText(file.note)
      }), ${file.pages} coded images, other parts ${file.partsBytes} bytes, SHA-256 ${file.sha256}`,
    );
  }
}

/** The `info` command. */
export const infoCommand: Command = {
  name: "info",
  summary: "show what .bpm, .bpc or .bpa files hold (format, sizes, model hash, entries)",
  usage: "info FILE...      (FILE - reads stdin)",
  examples: [
    "bpcodec info scans-2024.bpa",
    "bpcodec info --json page1.bpc scans.bpm",
    "bpcodec encode page1.png -o - | bpcodec info -",
  ],
  flags: {},
  positionals: "FILE...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError("info needs at least one FILE");
    // A bad file is reported, and the others are still described.
    const results = [];
    let failed = 0;
    for (const path of args.positionals) {
      const name = inputName(path);
      try {
        const info = await describePath(path);
        printInfo(name, info, report);
        results.push({ path: name, ...info });
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        report.error(e.message);
        results.push({ path: name, error: e.reason });
        failed++;
      }
    }
    report.result({ command: "info", files: results });
    return failed === 0 ? 0 : 1;
  },
};

/**
 * `bpcodec info`: what a .bpm, .bpc or .bpa file holds.
 *
 * @module
 */
import { describeFile, type FileInfo } from "../../file_info.ts";
import type { Command, ParsedArgs, Reporter } from "../command.ts";
import { errorFor, UsageError } from "../errors.ts";
import { readBytes } from "../files.ts";

function printInfo(path: string, info: FileInfo, report: Reporter): void {
  report.line(`${path}: ${info.format} ${info.kind} (${info.magic}), ${info.bytes} bytes`);
  const where = info.builtInModel ? " (the built-in model)" : "";
  const embedded = info.modelEmbedded === false ? ", not embedded" : "";
  report.line(`  model hash: ${info.modelHash}${where}${embedded}`);
  if (info.alpha !== undefined) report.line(`  alpha: ${info.alpha}`);
  for (const image of info.images ?? []) {
    const name = image.name === undefined ? "" : `${image.name}: `;
    const polarity = image.inverted ? ", inverted" : "";
    const coded = image.codedBits === undefined ? "" : `, ${image.codedBits} planes coded`;
    report.line(
      `  ${name}${image.width}x${image.height}, ${image.bitDepth}-bit${coded}${polarity}, stream ${image.streamBytes} bytes`,
    );
  }
}

/** The `info` command. */
export const infoCommand: Command = {
  name: "info",
  summary: "show what a .bpm, .bpc or .bpa file holds (format, sizes, model hash, entries)",
  usage: "info FILE...",
  examples: ["bpcodec info scans-2024.bpa", "bpcodec info --json page1.bpc"],
  flags: {},
  positionals: "FILE...",
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError("info needs at least one FILE");
    const results = [];
    for (const path of args.positionals) {
      const bytes = await readBytes(path);
      let info: FileInfo;
      try {
        info = await describeFile(bytes);
      } catch (e) {
        throw errorFor(path, e);
      }
      printInfo(path, info, report);
      results.push({ path, ...info });
    }
    report.result({ command: "info", files: results });
    return 0;
  },
};

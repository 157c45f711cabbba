/**
 * `bpcodec bench`: size and speed of a model on a folder of images, next to PNG.
 *
 * @module
 */
import { join } from "node:path";
import { decodeImage, encodeImage } from "../../codec.ts";
import { encodePng } from "../../image/png.ts";
import {
  bitsPerPixel,
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  type Reporter,
  requireFlag,
} from "../command.ts";
import { CliError, errorFor } from "../errors.ts";
import { MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";
import { checkWritable, listImages, readImage, writeAtomic } from "../files.ts";

/** One image's figures. */
interface BenchRow {
  name: string;
  width: number;
  height: number;
  bytes: number;
  bpp: number;
  pngBytes: number;
  pngBpp: number;
  encodeMs: number;
  decodeMs: number;
  ok: boolean;
}

const CSV_HEADER = "name,width,height,bytes,bpp,png_bytes,png_bpp,encode_ms,decode_ms,ok";

function csvLine(r: BenchRow): string {
  const name = /[",\n]/.test(r.name) ? `"${r.name.replaceAll('"', '""')}"` : r.name;
  return [
    name,
    r.width,
    r.height,
    r.bytes,
    r.bpp,
    r.pngBytes,
    r.pngBpp,
    r.encodeMs,
    r.decodeMs,
    r.ok,
  ]
    .join(",");
}

/** The `bench` command. */
export const benchCommand: Command = {
  name: "bench",
  summary: "measure bpp and speed of a model on a folder of images, next to PNG",
  usage: "bench [--model M.bpm] --input-dir DIR [--csv OUT.csv]",
  examples: [
    "bpcodec bench --input-dir scans/test",
    "bpcodec bench --model scans.bpm --input-dir scans/test --csv scans.csv",
  ],
  flags: {
    ...CODING_MODEL_FLAGS,
    "input-dir": { type: "string", help: "folder of images, searched recursively" },
    csv: { type: "string", help: "also write one row per image to this CSV file" },
    ...MAX_PIXELS_FLAG,
    ...forceFlag("an existing CSV file"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const dir = requireFlag(args, "input-dir");
    const csv = optionalFlag(args, "csv");
    const force = args.values.force === true;
    const model = await modelFlag(args);
    const limits = maxPixelsFlag(args);
    if (csv !== undefined) await checkWritable(csv, force);
    const names = await listImages(dir);
    if (names.length === 0) {
      throw new CliError(dir, "no images found (.png, .pgm, .pnm, .ppm, .pbm)");
    }
    const rows: BenchRow[] = [];
    report.line(
      "image                                     size       bpp   png bpp  enc MP/s  dec MP/s",
    );
    for (const [i, name] of names.entries()) {
      report.progress(i, names.length, name);
      const path = join(dir, name);
      const image = await readImage(path, limits);
      const pixels = image.width * image.height;
      try {
        const t0 = performance.now();
        const coded = await encodeImage(image, model);
        const t1 = performance.now();
        const decoded = await decodeImage(coded, model);
        const t2 = performance.now();
        const ok = decoded.data.every((v, k) => v === image.data[k]);
        const pngBytes = encodePng(image).length;
        const row: BenchRow = {
          name,
          width: image.width,
          height: image.height,
          bytes: coded.length,
          bpp: bitsPerPixel(coded.length, pixels),
          pngBytes,
          pngBpp: bitsPerPixel(pngBytes, pixels),
          encodeMs: Math.round((t1 - t0) * 10) / 10,
          decodeMs: Math.round((t2 - t1) * 10) / 10,
          ok,
        };
        rows.push(row);
        report.line(
          `${name.padEnd(40).slice(0, 40)} ${`${image.width}x${image.height}`.padStart(9)} ` +
            `${row.bpp.toFixed(4).padStart(8)} ${row.pngBpp.toFixed(4).padStart(8)} ` +
            `${(pixels / 1000 / row.encodeMs).toFixed(2).padStart(9)} ` +
            `${(pixels / 1000 / row.decodeMs).toFixed(2).padStart(9)}${ok ? "" : "  FAIL"}`,
        );
      } catch (e) {
        throw errorFor(path, e);
      }
    }
    report.done();
    const sum = (f: (r: BenchRow) => number) => rows.reduce((s, r) => s + f(r), 0);
    const pixels = sum((r) => r.width * r.height);
    const totals = {
      images: rows.length,
      pixels,
      bytes: sum((r) => r.bytes),
      bpp: bitsPerPixel(sum((r) => r.bytes), pixels),
      pngBpp: bitsPerPixel(sum((r) => r.pngBytes), pixels),
      encodeMPs: Math.round(pixels / 1000 / sum((r) => r.encodeMs) * 100) / 100,
      decodeMPs: Math.round(pixels / 1000 / sum((r) => r.decodeMs) * 100) / 100,
      failed: rows.filter((r) => !r.ok).length,
    };
    report.line(
      `total: images=${totals.images}, pixels=${pixels}, bpp=${totals.bpp}, png_bpp=${totals.pngBpp}, ` +
        `encode=${totals.encodeMPs} MP/s, decode=${totals.decodeMPs} MP/s, failed=${totals.failed}`,
    );
    if (csv !== undefined) {
      await writeAtomic(
        csv,
        new TextEncoder().encode([CSV_HEADER, ...rows.map(csvLine)].join("\n") + "\n"),
        force,
      );
    }
    report.result({ command: "bench", format: model.format, totals, images: rows });
    return totals.failed === 0 ? 0 : 1;
  },
};

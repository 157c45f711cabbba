/**
 * `bpcodec bench`: bpcodec's variants and other lossless codecs (the peers) on the same images,
 * in this process: total bits per pixel and in-memory encode and decode speed, per codec, per
 * domain and per image, every image decoded and compared; a table, and optionally CSV, JSON
 * and an SVG chart.
 *
 * @module
 */
import { sampleBits } from "../../image/gray_image.ts";
import type { BenchCodec } from "../bench/bench_codec.ts";
import { benchChart } from "../bench/chart.ts";
import { listImageSet } from "../bench/image_set.ts";
import { describeMachine, machineLine } from "../bench/machine.ts";
import { checkPeerNames, DEFAULT_PEERS, loadPeers, PEER_NAMES_HELP } from "../bench/peers.ts";
import { csvText, domainTable, ratioTable, rowLine, totalsTable } from "../bench/report.ts";
import { type BenchRow, runBench } from "../bench/run.ts";
import { type CodecSummary, summarize, summarizeByDomain } from "../bench/summary.ts";
import { bpcodecVariants, checkLevels, checkWorkerCounts } from "../bench/variants.ts";
import {
  CODING_MODEL_FLAGS,
  type Command,
  forceFlag,
  listFlag,
  modelFlag,
  optionalFlag,
  type ParsedArgs,
  type Reporter,
} from "../command.ts";
import { UsageError } from "../errors.ts";
import { checkWritable, readImage, writeAtomic } from "../files.ts";
import { MAX_PIXELS_FLAG, maxPixelsFlag } from "../limits_flag.ts";

/** Reads `--repeat` (default 1). */
function repeatFlag(args: ParsedArgs): number {
  const text = optionalFlag(args, "repeat") ?? "1";
  const repeat = Number(text);
  if (!/^[0-9]+$/.test(text) || repeat < 1 || repeat > 100) {
    throw new UsageError(`--repeat must be a whole number from 1 to 100, not ${text}`);
  }
  return repeat;
}

/** The folders to measure: `--input-dir` and the positional arguments. */
function foldersOf(args: ParsedArgs): string[] {
  const flag = optionalFlag(args, "input-dir");
  const folders = [...(flag === undefined ? [] : [flag]), ...args.positionals];
  if (folders.length === 0) throw new UsageError("missing --input-dir (or folders as arguments)");
  return folders;
}

/** `8-bit`, or `8- to 16-bit` for a set of several depths. */
function depthsOf(rows: readonly BenchRow[]): string {
  const bits = rows.map((r) => sampleBits(r.maxValue));
  const low = Math.min(...bits);
  const high = Math.max(...bits);
  return low === high ? `${low}-bit` : `${low}- to ${high}-bit`;
}

/** What the chart's note says of the codecs left out: incomplete ones and unavailable peers. */
function leftOut(
  totals: readonly CodecSummary[],
  unavailable: readonly { name: string }[],
): string | undefined {
  const incomplete = totals.filter((s) => !s.complete).map((s) => {
    const counts = [[s.unsupported, "unsupported"], [s.failed, "failed"]] as const;
    return `${s.codec} (${counts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`).join(", ")})`;
  });
  const all = [...incomplete, ...unavailable.map((u) => `${u.name} (not available here)`)];
  return all.length ? `not shown: ${all.join(", ")}` : undefined;
}

/** The `bench` command. */
export const benchCommand: Command = {
  name: "bench",
  summary: "measure bpp and speed of bpcodec and other lossless codecs on folders of images",
  usage: "bench [--model M.bpm] [--peers P,...] [--levels L,...] [--workers N,...] [--repeat N] " +
    "[--csv OUT.csv] [--svg OUT.svg] (--input-dir DIR | DIR...)",
  examples: [
    "bpcodec bench --input-dir scans/test",
    "bpcodec bench --model scans.bpm --csv scans.csv --svg scans.svg scans/test",
    "bpcodec bench --repeat 3 --svg docs/bench.svg corpus/*/test",
  ],
  positionals: "DIR...",
  flags: {
    ...CODING_MODEL_FLAGS,
    "input-dir": { type: "string", help: "folder of images, searched recursively" },
    peers: {
      type: "string",
      help: `other codecs to run: ${PEER_NAMES_HELP} (default: ${DEFAULT_PEERS.join(",")})`,
    },
    levels: { type: "string", help: "coder levels of bpcodec to run (default: default)" },
    workers: {
      type: "string",
      help: "workers coding one image's v2 tiles, e.g. 1,2: one variant each (default: 1)",
    },
    repeat: { type: "string", help: "timed runs per image and codec, median counts (default: 1)" },
    csv: {
      type: "string",
      help: "also write one row per image and codec to this CSV file",
      outputExtensions: ["csv"],
    },
    svg: {
      type: "string",
      help: "also draw bpp against decode speed, one point per codec, in this SVG file",
      outputExtensions: ["svg"],
    },
    title: { type: "string", help: "the chart's title (default: the folders' names)" },
    ...MAX_PIXELS_FLAG,
    ...forceFlag("an existing CSV or SVG file"),
  },
  async run(args: ParsedArgs, report: Reporter): Promise<number> {
    const folders = foldersOf(args);
    const levels = checkLevels(listFlag(args, "levels", ["default"]));
    const workerCounts = checkWorkerCounts(listFlag(args, "workers", ["1"]));
    const peerNames = checkPeerNames(listFlag(args, "peers", DEFAULT_PEERS));
    const repeat = repeatFlag(args);
    const csv = optionalFlag(args, "csv");
    const svg = optionalFlag(args, "svg");
    const force = args.values.force === true;
    const model = await modelFlag(args);
    const limits = maxPixelsFlag(args);
    for (const path of [csv, svg]) if (path !== undefined) await checkWritable(path, force);
    const set = await listImageSet(folders);
    const title = optionalFlag(args, "title") ?? set.title;

    const { peers, unavailable } = await loadPeers(peerNames);
    for (const u of unavailable) report.warning(`${u.name} is not available: ${u.reason}`);
    const codecs: BenchCodec[] = [...bpcodecVariants(model, levels, workerCounts), ...peers];
    const machine = describeMachine();
    const threads = workerCounts.some((n) => n > 1)
      ? "one thread per codec (a wN variant: N workers)"
      : "one thread per codec";
    const timing = `in memory, in this process, ${threads}; one untimed round trip per codec ` +
      `first, then the median of ${repeat} timed run${repeat === 1 ? "" : "s"} per image`;
    report.line(`bench: ${title}: ${set.images.length} images; ${machineLine(machine)}`);
    report.line(`timing: ${timing}`);
    let rows: BenchRow[];
    try {
      rows = await runBench(
        set.images.map((image) => ({ ...image, read: () => readImage(image.path, limits) })),
        codecs,
        {
          repeat,
          progress: (done, total, what) => report.progress(done, total, what),
          problem: (row) => {
            if (row.status !== "unsupported") {
              report.warning(`${row.image}: ${row.codec} ${row.status}: ${row.detail}`);
            }
          },
        },
      );
    } finally {
      for (const codec of codecs) codec.close?.();
    }
    report.done();
    for (const row of rows) report.detail(rowLine(row));

    const totals = summarize(rows);
    const domains = summarizeByDomain(rows);
    const pixels = totals[0].groupPixels;
    const depths = depthsOf(rows);
    report.line(`images: ${set.images.length}, ${(pixels / 1e6).toFixed(2)} MP, ${depths}`);
    report.line("");
    for (const line of totalsTable(totals)) report.line(line);
    for (const s of totals.filter((s) => s.unsupported > 0)) {
      const reason = rows.find((r) => r.codec === s.codec && r.status === "unsupported")!.detail;
      report.line(`${s.codec}: ${s.unsupported} image(s) unsupported: ${reason}`);
    }
    if (domains.size > 1) {
      report.line("");
      report.line("total bpp by domain:");
      for (const line of domainTable(domains, totals)) report.line(line);
    }
    if (peers.length > 0) {
      report.line("");
      for (const line of ratioTable(rows, codecs[0].name, peers.map((p) => p.name))) {
        report.line(line);
      }
    }

    if (csv !== undefined) await writeAtomic(csv, new TextEncoder().encode(csvText(rows)), force);
    if (svg !== undefined) {
      const chart = benchChart({
        title: `Lossless: bits per pixel vs decode speed, ${title}`,
        subtitle: `${set.images.length} images, ${(pixels / 1e6).toFixed(2)} MP, ${depths}; ` +
          `${machineLine(machine)}; ${threads}, in memory, median of ${repeat}`,
        points: totals.filter((s) => s.complete).map((s) => ({
          label: s.codec,
          bpp: s.bpp,
          decodeMPs: s.decodeMPs,
          ours: codecs.find((c) => c.name === s.codec)!.kind === "bpcodec",
        })),
        note: leftOut(totals, unavailable),
      });
      await writeAtomic(svg, new TextEncoder().encode(chart), force);
    }
    const failed = totals.reduce((n, s) => n + s.failed, 0);
    report.result({
      command: "bench",
      title,
      images: set.images.length,
      pixels,
      depths,
      machine,
      timing: { repeat, method: timing },
      codecs: codecs.map(({ name, kind, level, workers, about }) => ({
        name,
        kind,
        level,
        workers,
        about,
      })),
      unavailable,
      totals,
      ...(domains.size > 1 ? { domains: Object.fromEntries(domains) } : {}),
      results: rows,
      failed,
    });
    return failed === 0 ? 0 : 1;
  },
};

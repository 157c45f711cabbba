/**
 * The bench's text output: the table of totals, the bpp per domain, the ratios of one of our
 * variants to each peer, one line per image × codec, and the CSV file.
 *
 * @module
 */
import type { BenchRow } from "./run.ts";
import type { CodecSummary } from "./summary.ts";

/** A number with `decimals` decimals, or `-` when there is none. */
function fixed(value: number | undefined, decimals: number): string {
  return value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(decimals);
}

/** Lines of a table: the first column left-aligned, the others right-aligned. */
function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))
      .join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * The table of totals, one line per codec.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { totalsTable } from "./report.ts";
 * const [header, png] = totalsTable([{
 *   codec: "png", level: "9+filters", workers: 1, images: 2, groupPixels: 1000, coded: 2,
 *   pixels: 1000, bytes: 250,
 *   bpp: 2, encodeMPs: 10, decodeMPs: 80, failed: 0, unsupported: 0, complete: true,
 * }]);
 * match(header, /^codec +level +workers +images +bpp +enc MP\/s +dec MP\/s +failed +unsupported$/);
 * match(png, /^png +9\+filters +1 +2\/2 +2\.0000 +10\.000 +80\.000 +0 +0$/);
 * ```
 */
export function totalsTable(summaries: readonly CodecSummary[]): string[] {
  return table(
    ["codec", "level", "workers", "images", "bpp", "enc MP/s", "dec MP/s", "failed", "unsupported"],
    summaries.map((s) => [
      s.codec,
      s.level,
      String(s.workers),
      `${s.coded}/${s.images}`,
      fixed(s.bpp, 4),
      fixed(s.encodeMPs, 3),
      fixed(s.decodeMPs, 3),
      String(s.failed),
      String(s.unsupported),
    ]),
  );
}

/**
 * Total bpp per domain and codec, and a last line over all domains; `-` where a codec did not
 * code every image of the domain exactly.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { domainTable } from "./report.ts";
 * const png = {
 *   codec: "png", level: "9", workers: 1, images: 1, groupPixels: 2e6, coded: 1, pixels: 2e6,
 *   bytes: 5e5,
 *   bpp: 2, encodeMPs: 10, decodeMPs: 80, failed: 0, unsupported: 0, complete: true,
 * };
 * deepStrictEqual(domainTable(new Map([["astro", [png]]]), [png]), [
 *   "domain  images    MP     png",
 *   "astro        1  2.00  2.0000",
 *   "all          1  2.00  2.0000",
 * ]);
 * ```
 */
export function domainTable(
  domains: ReadonlyMap<string, readonly CodecSummary[]>,
  totals: readonly CodecSummary[],
): string[] {
  const line = (name: string, summaries: readonly CodecSummary[]) => [
    name,
    String(summaries[0].images),
    (summaries[0].groupPixels / 1e6).toFixed(2),
    ...summaries.map((s) => s.complete ? fixed(s.bpp, 4) : "-"),
  ];
  return table(
    ["domain", "images", "MP", ...totals.map((s) => s.codec)],
    [...[...domains].map(([name, summaries]) => line(name, summaries)), line("all", totals)],
  );
}

/**
 * How one codec (ours) compares with each other one on the images both decoded exactly: its
 * bytes over theirs, and its encode and decode speed over theirs.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { ratioTable } from "./report.ts";
 * const base = { image: "a", width: 10, height: 10, maxValue: 255, level: "-", workers: 1 };
 * const ok = { status: "ok" as const, encodeSeconds: 1, decodeSeconds: 1 };
 * const rows = [
 *   { ...base, ...ok, codec: "ours", bytes: 50 },
 *   { ...base, ...ok, codec: "png", bytes: 100, decodeSeconds: 0.5 },
 * ];
 * deepStrictEqual(ratioTable(rows, "ours", ["png"]), [
 *   "ours vs  images  bytes  enc speed  dec speed",
 *   "png           1  0.500      1.000      0.500",
 * ]);
 * ```
 */
export function ratioTable(
  rows: readonly BenchRow[],
  ours: string,
  others: readonly string[],
): string[] {
  const okRows = (codec: string) =>
    new Map(rows.filter((r) => r.codec === codec && r.status === "ok").map((r) => [r.image, r]));
  const mine = okRows(ours);
  return table(
    [`${ours} vs`, "images", "bytes", "enc speed", "dec speed"],
    others.map((other) => {
      const theirs = okRows(other);
      const both = [...mine.keys()].filter((image) => theirs.has(image));
      const sum = (from: Map<string, BenchRow>, f: (r: BenchRow) => number) =>
        both.reduce((s, image) => s + f(from.get(image)!), 0);
      return [
        other,
        String(both.length),
        fixed(sum(mine, (r) => r.bytes!) / sum(theirs, (r) => r.bytes!), 3),
        fixed(sum(theirs, (r) => r.encodeSeconds!) / sum(mine, (r) => r.encodeSeconds!), 3),
        fixed(sum(theirs, (r) => r.decodeSeconds!) / sum(mine, (r) => r.decodeSeconds!), 3),
      ];
    }),
  );
}

/** Megapixels per second of a row's time, or undefined. */
function rowSpeed(row: BenchRow, seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : row.width * row.height / 1e6 / seconds;
}

/**
 * One line of one image × codec, for `--verbose`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { rowLine } from "./report.ts";
 * const row = {
 *   image: "a.pgm", width: 1000, height: 1000, maxValue: 255, codec: "png", level: "9",
 *   workers: 1, status: "ok" as const, bytes: 250000, encodeSeconds: 0.5, decodeSeconds: 0.1,
 * };
 * strictEqual(rowLine(row), "a.pgm  png  ok  250000 bytes  2.0000 bpp  enc 2.000 MP/s  dec 10.000 MP/s");
 * ```
 */
export function rowLine(row: BenchRow): string {
  const bpp = row.bytes === undefined ? undefined : 8 * row.bytes / (row.width * row.height);
  return [
    row.image,
    row.codec,
    row.status,
    `${row.bytes ?? "-"} bytes`,
    `${fixed(bpp, 4)} bpp`,
    `enc ${fixed(rowSpeed(row, row.encodeSeconds), 3)} MP/s`,
    `dec ${fixed(rowSpeed(row, row.decodeSeconds), 3)} MP/s`,
    ...(row.detail === undefined ? [] : [row.detail]),
  ].join("  ");
}

/**
 * The columns of the CSV file.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { CSV_COLUMNS } from "./report.ts";
 * ok(CSV_COLUMNS.includes("decode_mps"));
 * ```
 */
export const CSV_COLUMNS: readonly string[] = [
  "image",
  "domain",
  "width",
  "height",
  "max_value",
  "codec",
  "level",
  "workers",
  "status",
  "bytes",
  "bpp",
  "encode_ms",
  "decode_ms",
  "encode_mps",
  "decode_mps",
  "detail",
];

/** A CSV field, quoted when it must be. */
function csvField(value: string | number | undefined): string {
  const text = value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A number rounded to `decimals` decimals, or undefined. */
function rounded(value: number | undefined, decimals: number): number | undefined {
  return value === undefined ? undefined : Number(value.toFixed(decimals));
}

/**
 * The CSV file: a header of {@link CSV_COLUMNS}, then one line per image × codec.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { csvText } from "./report.ts";
 * const row = {
 *   image: "a,b.pgm", width: 10, height: 10, maxValue: 255, codec: "png", level: "9",
 *   workers: 1, status: "ok" as const, bytes: 50, encodeSeconds: 0.001, decodeSeconds: 0.0005,
 * };
 * strictEqual(
 *   csvText([row]).split("\n")[1],
 *   '"a,b.pgm",,10,10,255,png,9,1,ok,50,4,1,0.5,0.1,0.2,',
 * );
 * ```
 */
export function csvText(rows: readonly BenchRow[]): string {
  const line = (r: BenchRow) =>
    [
      r.image,
      r.domain,
      r.width,
      r.height,
      r.maxValue,
      r.codec,
      r.level,
      r.workers,
      r.status,
      r.bytes,
      r.bytes === undefined ? undefined : rounded(8 * r.bytes / (r.width * r.height), 4),
      rounded(r.encodeSeconds === undefined ? undefined : r.encodeSeconds * 1000, 3),
      rounded(r.decodeSeconds === undefined ? undefined : r.decodeSeconds * 1000, 3),
      rounded(rowSpeed(r, r.encodeSeconds), 4),
      rounded(rowSpeed(r, r.decodeSeconds), 4),
      r.detail,
    ].map(csvField).join(",");
  return [CSV_COLUMNS.join(","), ...rows.map(line)].join("\n") + "\n";
}

/**
 * The figures of a bench run per codec: total bits per pixel (8 × Σ bytes / Σ pixels) and
 * encode and decode speed (Σ pixels / Σ median seconds), over all images and per domain.
 *
 * @module
 */
import type { BenchRow } from "./run.ts";

/**
 * One codec's figures over a group of images. Only the images it decoded exactly count in
 * `pixels`, `bytes`, `bpp` and the speeds; `complete` tells whether that is all of them.
 *
 * @example
 * ```ts
 * import type { CodecSummary } from "./summary.ts";
 * const png: CodecSummary = {
 *   codec: "png", level: "9+filters", workers: 1, images: 2, groupPixels: 1000, coded: 2,
 *   pixels: 1000, bytes: 250,
 *   bpp: 2, encodeMPs: 10, decodeMPs: 80, failed: 0, unsupported: 0, complete: true,
 * };
 * ```
 */
export interface CodecSummary {
  codec: string;
  level: string;
  workers: number;
  /** Images in the group. */
  images: number;
  /** Pixels of all the group's images. */
  groupPixels: number;
  /** Images coded and decoded exactly, and their pixels. */
  coded: number;
  pixels: number;
  bytes: number;
  /** 8 × bytes / pixels, 4 decimals. */
  bpp: number;
  /** Megapixels per second, 4 significant digits. */
  encodeMPs: number;
  decodeMPs: number;
  /** Images decoded to other samples, or on which the codec threw. */
  failed: number;
  /** Images the codec does not code. */
  unsupported: number;
  /** Whether every image of the group was coded and decoded exactly. */
  complete: boolean;
}

/** Rounds to `digits` significant digits. */
function significant(value: number, digits: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}

/** One codec's summary of its rows. */
function summarizeCodec(rows: readonly BenchRow[]): CodecSummary {
  const ok = rows.filter((r) => r.status === "ok");
  const sum = (f: (r: BenchRow) => number) => ok.reduce((s, r) => s + f(r), 0);
  const pixels = sum((r) => r.width * r.height);
  const bytes = sum((r) => r.bytes!);
  return {
    codec: rows[0].codec,
    level: rows[0].level,
    workers: rows[0].workers,
    images: rows.length,
    groupPixels: rows.reduce((n, r) => n + r.width * r.height, 0),
    coded: ok.length,
    pixels,
    bytes,
    bpp: Math.round(8 * bytes / pixels * 1e4) / 1e4,
    encodeMPs: significant(pixels / 1e6 / sum((r) => r.encodeSeconds!), 4),
    decodeMPs: significant(pixels / 1e6 / sum((r) => r.decodeSeconds!), 4),
    failed: rows.filter((r) => r.status === "mismatch" || r.status === "error").length,
    unsupported: rows.filter((r) => r.status === "unsupported").length,
    complete: ok.length === rows.length,
  };
}

/**
 * Each codec's figures over the rows, codecs in the order they first appear.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { summarize } from "./summary.ts";
 * const base = { width: 10, height: 10, maxValue: 255, level: "-", workers: 1 };
 * const [raw] = summarize([
 *   { ...base, image: "a", codec: "raw", status: "ok", bytes: 100, encodeSeconds: 1e-4, decodeSeconds: 1e-4 },
 *   { ...base, image: "b", codec: "raw", status: "mismatch", bytes: 100 },
 * ]);
 * strictEqual(raw.bpp, 8);
 * strictEqual(raw.encodeMPs, 1);
 * strictEqual(raw.failed, 1);
 * strictEqual(raw.complete, false);
 * ```
 */
export function summarize(rows: readonly BenchRow[]): CodecSummary[] {
  const byCodec = Map.groupBy(rows, (r) => r.codec);
  return [...byCodec.values()].map(summarizeCodec);
}

/**
 * The figures per domain (domains in order of their names), for rows that have domains.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { summarizeByDomain } from "./summary.ts";
 * const base = { width: 10, height: 10, maxValue: 255, codec: "raw", level: "-", workers: 1 };
 * const row = { ...base, status: "ok" as const, bytes: 100, encodeSeconds: 1, decodeSeconds: 1 };
 * const domains = summarizeByDomain([
 *   { ...row, image: "b/x", domain: "b" },
 *   { ...row, image: "a/x", domain: "a" },
 * ]);
 * deepStrictEqual([...domains.keys()], ["a", "b"]);
 * ```
 */
export function summarizeByDomain(rows: readonly BenchRow[]): Map<string, CodecSummary[]> {
  const withDomain = rows.filter((r) => r.domain !== undefined);
  const byDomain = Map.groupBy(withDomain, (r) => r.domain!);
  return new Map(
    [...byDomain.keys()].sort().map((domain) => [domain, summarize(byDomain.get(domain)!)]),
  );
}

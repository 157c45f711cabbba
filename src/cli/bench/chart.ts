/**
 * The bench's chart as SVG text: total bits per pixel (y) against decode speed (x, log scale),
 * one labelled point per codec, with axes, ticks, a title and a subtitle. Sized for a README
 * (720 × 480), on a white background so that it reads on dark pages too.
 *
 * @module
 */

/**
 * One codec on the chart.
 *
 * @example
 * ```ts
 * import type { ChartPoint } from "./chart.ts";
 * const point: ChartPoint = { label: "png", bpp: 1.95, decodeMPs: 60, ours: false };
 * ```
 */
export interface ChartPoint {
  label: string;
  bpp: number;
  decodeMPs: number;
  /** One of bpcodec's variants (drawn in another colour). */
  ours: boolean;
}

/**
 * What to draw.
 *
 * @example
 * ```ts
 * import type { ChartSpec } from "./chart.ts";
 * const spec: ChartSpec = { title: "corpus/*\/test", subtitle: "2 cores", points: [] };
 * ```
 */
export interface ChartSpec {
  title: string;
  subtitle: string;
  points: readonly ChartPoint[];
  /** A line under the x axis's label, e.g. the codecs left out. */
  note?: string;
}

/** The chart's size in pixels. */
const WIDTH = 720;
const HEIGHT = 480;

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const OURS = "#c62828";
const PEER = "#1565c0";
/** Estimated width of a character at 12 px (sans-serif digits and lowercase). */
const CHAR_WIDTH = 6.8;

/** Text made safe for XML. */
function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A number as a short label (no floating-point noise). */
function tickLabel(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The values 1, 2 and 5 times a power of ten from `low` to `high` (exponents). */
function oneTwoFive(low: number, high: number): number[] {
  const values: number[] = [];
  for (let e = low; e <= high; e++) {
    for (const m of [1, 2, 5]) values.push(Number((m * 10 ** e).toPrecision(6)));
  }
  return values;
}

/**
 * Ticks for a log axis over `[min, max]`: the range widened (by a margin of 15 %) to values 1, 2
 * or 5 times a power of ten, ticks at each such value, or only at the powers of ten when the range
 * spans more than four decades.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { logTicks } from "./chart.ts";
 * deepStrictEqual(logTicks(0.87, 102), {
 *   min: 0.5, max: 200, ticks: [0.5, 1, 2, 5, 10, 20, 50, 100, 200],
 * });
 * deepStrictEqual(logTicks(0.04, 800).ticks, [0.01, 0.1, 1, 10, 100, 1000]);
 * ```
 */
export function logTicks(min: number, max: number): { min: number; max: number; ticks: number[] } {
  const low = min / 1.15;
  const high = max * 1.15;
  const values = oneTwoFive(Math.floor(Math.log10(low)), Math.ceil(Math.log10(high)));
  const from = values.findLast((v) => v <= low)!;
  const to = values.find((v) => v >= high)!;
  if (Math.log10(to / from) <= 4) {
    return { min: from, max: to, ticks: values.filter((v) => v >= from && v <= to) };
  }
  const decades = values.filter((v) => Number.isInteger(Math.log10(v)));
  const first = decades.findLast((v) => v <= low)!;
  const last = decades.find((v) => v >= high)!;
  return { min: first, max: last, ticks: decades.filter((v) => v >= first && v <= last) };
}

/**
 * Ticks for a linear axis around `[min, max]`: a step of 1, 2, 2.5 or 5 times a power of ten
 * giving four to eight intervals, the range widened to whole steps (and a little margin).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { linearTicks } from "./chart.ts";
 * deepStrictEqual(linearTicks(1.32, 2.45).ticks, [1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75]);
 * deepStrictEqual(linearTicks(5.3, 7.9).ticks, [5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5]);
 * ```
 */
export function linearTicks(
  min: number,
  max: number,
): { min: number; max: number; ticks: number[] } {
  const span = max - min || Math.abs(max) || 1;
  const padded = [min - span * 0.05, max + span * 0.05];
  const raw = (padded[1] - padded[0]) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const first = Math.floor(padded[0] / step);
  const last = Math.ceil(padded[1] / step);
  const ticks = Array.from(
    { length: last - first + 1 },
    (_, i) => Number(((first + i) * step).toPrecision(6)),
  );
  return { min: ticks[0], max: ticks.at(-1)!, ticks };
}

/** A box on the chart. */
interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** How much two boxes overlap (their common area). */
function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Where a label may go, relative to its point: offsets and text anchor. */
const PLACES = [
  { dx: 9, dy: 4, anchor: "start" },
  { dx: -9, dy: 4, anchor: "end" },
  { dx: 0, dy: -10, anchor: "middle" },
  { dx: 0, dy: 18, anchor: "middle" },
  { dx: 7, dy: -8, anchor: "start" },
  { dx: 7, dy: 16, anchor: "start" },
  { dx: -7, dy: -8, anchor: "end" },
  { dx: -7, dy: 16, anchor: "end" },
] as const;

/** The box of a 12-px label whose baseline starts at (x, y) with the anchor. */
function labelBox(x: number, y: number, anchor: string, text: string): Box {
  const width = text.length * CHAR_WIDTH;
  const x0 = anchor === "start" ? x : anchor === "end" ? x - width : x - width / 2;
  return { x0, y0: y - 10, x1: x0 + width, y1: y + 3 };
}

/**
 * Places the labels one by one (left to right), each where it overlaps least with the labels
 * placed before it, the points and the plot's edges (in the order of {@link PLACES} on ties).
 */
function placeLabels(
  points: readonly { x: number; y: number; text: string }[],
  area: Box,
): { x: number; y: number; anchor: string }[] {
  const dots = points.map(({ x, y }) => ({ x0: x - 6, y0: y - 6, x1: x + 6, y1: y + 6 }));
  const placed: Box[] = [];
  return points.map((p) => {
    let best = { x: 0, y: 0, anchor: "start", cost: Infinity, box: dots[0] };
    for (const place of PLACES) {
      const x = p.x + place.dx;
      const y = p.y + place.dy;
      const box = labelBox(x, y, place.anchor, p.text);
      const outside = (box.x1 - box.x0) * (box.y1 - box.y0) - overlap(box, area);
      const cost = 10 * outside + [...placed, ...dots].reduce((c, b) => c + overlap(box, b), 0);
      if (cost < best.cost) best = { x, y, anchor: place.anchor, cost, box };
    }
    placed.push(best.box);
    return { x: best.x, y: best.y, anchor: best.anchor };
  });
}

/**
 * Draws the chart.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { benchChart } from "./chart.ts";
 * const svg = benchChart({
 *   title: "scans",
 *   subtitle: "2 cores",
 *   points: [
 *     { label: "bpcodec-v2", bpp: 1.32, decodeMPs: 1.0, ours: true },
 *     { label: "png", bpp: 1.95, decodeMPs: 60, ours: false },
 *   ],
 * });
 * match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="720" height="480"/);
 * match(svg, />bpcodec-v2 1\.320</);
 * ```
 */
export function benchChart(spec: ChartSpec): string {
  const { points } = spec;
  const width = WIDTH;
  const height = HEIGHT;
  const area = { x0: 72, y0: 78, x1: width - 28, y1: height - (spec.note ? 84 : 66) };
  // With no points, the axes still have a range.
  const xs = points.length ? points.map((p) => p.decodeMPs) : [1];
  const ys = points.length ? points.map((p) => p.bpp) : [1];
  const xAxis = logTicks(Math.min(...xs), Math.max(...xs));
  const yAxis = linearTicks(Math.min(...ys), Math.max(...ys));
  const xOf = (v: number) =>
    area.x0 + (area.x1 - area.x0) * Math.log10(v / xAxis.min) / Math.log10(xAxis.max / xAxis.min);
  const yOf = (v: number) =>
    area.y1 - (area.y1 - area.y0) * (v - yAxis.min) / (yAxis.max - yAxis.min);
  const r = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(`${spec.title}: bits per pixel against decode speed`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold" ` +
    `${FONT} fill="#111">${escapeXml(spec.title)}</text>`,
    `<text x="${width / 2}" y="50" text-anchor="middle" font-size="12" ${FONT} fill="#444">` +
    `${escapeXml(spec.subtitle)}</text>`,
    '<g class="grid" stroke="#e3e3e3" stroke-width="1">',
    ...xAxis.ticks.map((t) =>
      `<line x1="${r(xOf(t))}" y1="${area.y0}" x2="${r(xOf(t))}" y2="${area.y1}"/>`
    ),
    ...yAxis.ticks.map((t) =>
      `<line x1="${area.x0}" y1="${r(yOf(t))}" x2="${area.x1}" y2="${r(yOf(t))}"/>`
    ),
    "</g>",
    `<rect x="${area.x0}" y="${area.y0}" width="${area.x1 - area.x0}" ` +
    `height="${area.y1 - area.y0}" fill="none" stroke="#555"/>`,
    `<g class="x-ticks" font-size="11" ${FONT} fill="#333" text-anchor="middle">`,
    ...xAxis.ticks.map((t) =>
      `<line x1="${r(xOf(t))}" y1="${area.y1}" x2="${r(xOf(t))}" y2="${area.y1 + 5}" ` +
      `stroke="#555"/><text x="${r(xOf(t))}" y="${area.y1 + 18}">${tickLabel(t)}</text>`
    ),
    "</g>",
    `<g class="y-ticks" font-size="11" ${FONT} fill="#333" text-anchor="end">`,
    ...yAxis.ticks.map((t) =>
      `<line x1="${area.x0 - 5}" y1="${r(yOf(t))}" x2="${area.x0}" y2="${r(yOf(t))}" ` +
      `stroke="#555"/><text x="${area.x0 - 8}" y="${r(yOf(t) + 4)}">${tickLabel(t)}</text>`
    ),
    "</g>",
    `<text class="x-label" x="${(area.x0 + area.x1) / 2}" y="${area.y1 + 40}" ` +
    `text-anchor="middle" font-size="13" ${FONT} fill="#111">` +
    "decode speed, MP/s (log scale; faster to the right)</text>",
    `<text class="y-label" transform="translate(20 ${(area.y0 + area.y1) / 2}) rotate(-90)" ` +
    `text-anchor="middle" font-size="13" ${FONT} fill="#111">` +
    "total bits per pixel (smaller is better)</text>",
  ];
  if (spec.note) {
    out.push(
      `<text class="note" x="${(area.x0 + area.x1) / 2}" y="${area.y1 + 60}" ` +
        `text-anchor="middle" font-size="11" ${FONT} fill="#555">${escapeXml(spec.note)}</text>`,
    );
  }
  const located = points
    .map((p) => ({
      ...p,
      x: xOf(p.decodeMPs),
      y: yOf(p.bpp),
      text: `${p.label} ${p.bpp.toFixed(3)}`,
    }))
    .sort((a, b) => a.x - b.x);
  const labels = placeLabels(located, area);
  located.forEach((p, i) => {
    const colour = p.ours ? OURS : PEER;
    out.push(
      `<g class="point" data-codec="${escapeXml(p.label)}">` +
        `<circle cx="${r(p.x)}" cy="${r(p.y)}" r="5" fill="${colour}" stroke="#fff"/>` +
        `<text x="${r(labels[i].x)}" y="${r(labels[i].y)}" text-anchor="${labels[i].anchor}" ` +
        `font-size="12" ${FONT} fill="${colour}"${p.ours ? ' font-weight="bold"' : ""}>` +
        `${escapeXml(p.text)}</text></g>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

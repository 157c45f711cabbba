/**
 * Writes the Netpbm seeds: PBM, PGM and PPM, plain (P1–P3) and binary (P4–P6), 8- and 16-bit,
 * optionally with a header comment, as the Netpbm specifications describe them.
 *
 * @module
 */
import type { GrayImage } from "../../src/image/gray_image.ts";

/** The Netpbm magics. */
export type NetpbmMagic = "P1" | "P2" | "P3" | "P4" | "P5" | "P6";

/** Plain-format numbers, at most 70 characters a line. */
function plainLines(values: number[]): string {
  const lines: string[] = [];
  let line = "";
  for (const v of values) {
    const text = String(v);
    if (line.length + text.length + 1 > 70) {
      lines.push(line);
      line = "";
    }
    line = line ? `${line} ${text}` : text;
  }
  return [...lines, line].join("\n") + "\n";
}

/**
 * `image` as a Netpbm file: PBM needs a bilevel image (0 is written black, anything else white),
 * PPM repeats each gray value as red, green and blue.
 */
export function writeNetpbm(image: GrayImage, magic: NetpbmMagic, comment?: string): Uint8Array {
  const { width, height, maxValue, data } = image;
  const bilevel = magic === "P1" || magic === "P4";
  const channels = magic === "P3" || magic === "P6" ? 3 : 1;
  const note = comment === undefined ? "" : `# ${comment}\n`;
  const header = `${magic}\n${note}${width} ${height}\n${bilevel ? "" : `${maxValue}\n`}`;
  const samples: number[] = [];
  for (const v of data) for (let c = 0; c < channels; c++) samples.push(bilevel ? +(v === 0) : v);
  const text = new TextEncoder();
  if (magic === "P1" || magic === "P2" || magic === "P3") {
    return text.encode(header + plainLines(samples));
  }
  let raster: Uint8Array;
  if (magic === "P4") {
    const rowBytes = (width + 7) >> 3;
    raster = new Uint8Array(rowBytes * height);
    samples.forEach((bit, i) => {
      const x = i % width;
      raster[Math.floor(i / width) * rowBytes + (x >> 3)] |= bit << (7 - (x & 7));
    });
  } else if (maxValue > 255) {
    raster = new Uint8Array(samples.length * 2);
    samples.forEach((v, i) => raster.set([v >> 8, v & 0xff], 2 * i));
  } else {
    raster = Uint8Array.from(samples);
  }
  const head = text.encode(header);
  const out = new Uint8Array(head.length + raster.length);
  out.set(head);
  out.set(raster, head.length);
  return out;
}

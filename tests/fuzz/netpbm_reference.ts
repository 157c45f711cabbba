/**
 * An independent reading of Netpbm files, the fuzzer's reference for PBM/PGM/PPM mutants (they
 * carry no checksum, so a mutant is judged by what it says, not by the seed). It follows
 * libnetpbm where the specification leaves room: whitespace is any of the six C `isspace`
 * characters; a `#` comment runs to the next CR or LF and may stand wherever whitespace may,
 * plain rasters included; the one character after a number ends it, whatever it is (so the
 * binary raster starts right after the character that ends the last header number); a plain
 * file may end right after its last number; bytes after the raster are ignored. Samples above
 * maxval, maxval 0 or above 65535, a zero width or height, and too little data are errors.
 * Along the way it records where the header numbers, plain samples and separators are, for the
 * structure-aware mutators.
 *
 * @module
 */
import type { GrayImage } from "../../src/image/gray_image.ts";

/** A number of the header (`width`, `height`, `maxval`) or a sample of a plain raster. */
export interface NetpbmToken {
  role: "width" | "height" | "maxval" | "sample";
  start: number;
  end: number;
}

/** Whitespace and comments between header numbers; `last` ends a binary header. */
export interface NetpbmSeparator {
  start: number;
  end: number;
  last: boolean;
}

/** What the reference makes of a file: the gray image or why not, and where things are. */
export interface NetpbmReading {
  image?: GrayImage;
  error?: string;
  binary: boolean;
  tokens: NetpbmToken[];
  separators: NetpbmSeparator[];
  rasterStart: number;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

class Refusal extends Error {}

class Scanner {
  pos = 2;
  /** Where the last number ended (the magic's end at first). */
  lastEnd = 2;
  readonly tokens: NetpbmToken[] = [];
  readonly separators: NetpbmSeparator[] = [];
  constructor(readonly b: Uint8Array, readonly recordSamples: boolean) {}

  /** Skips whitespace and comments. */
  skip(): void {
    const b = this.b;
    while (this.pos < b.length) {
      if (SPACE.has(b[this.pos])) this.pos++;
      else if (b[this.pos] === 0x23) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** The character after a number: one byte, or a comment through its line end. */
  delimiter(): void {
    const b = this.b;
    if (this.pos >= b.length) return;
    if (b[this.pos] === 0x23) {
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
    }
    this.pos++;
  }

  number(role: NetpbmToken["role"]): number {
    this.skip();
    const start = this.pos;
    const record = role !== "sample" || this.recordSamples;
    if (record) this.separators.push({ start: this.lastEnd, end: start, last: false });
    let value = 0;
    while (this.pos < this.b.length && this.b[this.pos] >= 0x30 && this.b[this.pos] <= 0x39) {
      value = Math.min(value * 10 + this.b[this.pos++] - 0x30, 2 ** 53);
    }
    if (this.pos === start) throw new Refusal(`${role}: no number at byte ${start}`);
    if (record) this.tokens.push({ role, start, end: this.pos });
    this.lastEnd = this.pos;
    this.delimiter();
    return value;
  }

  bit(): number {
    this.skip();
    const c = this.b[this.pos];
    if (c !== 0x30 && c !== 0x31) throw new Refusal(`PBM: no 0/1 at byte ${this.pos}`);
    this.pos++;
    return c - 0x30;
  }
}

/** Reads a Netpbm file as the reference says (plain samples are recorded if `tokens`). */
export function readNetpbm(bytes: Uint8Array, tokens = true): NetpbmReading {
  const kind = bytes.length >= 2 && bytes[0] === 0x50 ? bytes[1] - 0x30 : 0;
  const binary = kind >= 4;
  const s = new Scanner(bytes, tokens);
  const reading: NetpbmReading = {
    binary,
    tokens: s.tokens,
    separators: s.separators,
    rasterStart: 0,
  };
  try {
    if (kind < 1 || kind > 6) throw new Refusal("not P1…P6");
    const bilevel = kind === 1 || kind === 4;
    const width = s.number("width");
    const height = s.number("height");
    const maxValue = bilevel ? 1 : s.number("maxval");
    if (width < 1 || height < 1) throw new Refusal(`size ${width}x${height} is empty`);
    if (maxValue < 1 || maxValue > 65535) throw new Refusal(`maxval ${maxValue}`);
    if (width * height > 0x7fffffff) throw new Refusal(`size ${width}x${height} is too large`);
    if (binary) s.separators.push({ start: s.lastEnd, end: s.pos, last: true });
    reading.rasterStart = s.pos;
    reading.image = raster(bytes, s, kind, width, height, maxValue);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    reading.error = e.message;
  }
  return reading;
}

function raster(
  bytes: Uint8Array,
  s: Scanner,
  kind: number,
  width: number,
  height: number,
  maxValue: number,
): GrayImage {
  const count = width * height;
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const values = new Float64Array(count * channels);
  if (kind === 4) {
    const rowBytes = (width + 7) >> 3;
    if (bytes.length - s.pos < rowBytes * height) throw new Refusal("PBM raster is truncated");
    for (let i = 0; i < count; i++) {
      const x = i % width;
      values[i] = (bytes[s.pos + Math.floor(i / width) * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
    }
  } else if (kind >= 5) {
    const size = maxValue > 255 ? 2 : 1;
    if (bytes.length - s.pos < values.length * size) throw new Refusal("raster is truncated");
    for (let i = 0, at = s.pos; i < values.length; i++, at += size) {
      values[i] = size === 2 ? (bytes[at] << 8) | bytes[at + 1] : bytes[at];
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      values[i] = kind === 1 ? s.bit() : s.number("sample");
    }
  }
  const data = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i * channels];
    if (kind === 1 || kind === 4) {
      data[i] = v ? 0 : 1;
      continue;
    }
    for (let c = 0; c < channels; c++) {
      if (values[i * channels + c] > maxValue) throw new Refusal(`sample above maxval ${maxValue}`);
      if (values[i * channels + c] !== v) throw new Refusal("colour pixel (R, G, B differ)");
    }
    data[i] = v;
  }
  return { width, height, maxValue: kind === 1 || kind === 4 ? 1 : maxValue, data };
}

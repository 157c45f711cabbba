/**
 * Netpbm mutations in the format's own terms: a header number or a plain sample replaced by
 * other text (edge values, signs, leading zeros, junk), a binary sample set to 0, maxval or just
 * above, and the whitespace between header numbers replaced (by other whitespace or a comment:
 * the same image, which must decode exactly; or by something that is not whitespace).
 *
 * @module
 */
import type { Mutant, Mutator } from "./mutation.ts";
import { type NetpbmToken, readNetpbm } from "./netpbm_reference.ts";

const text = new TextEncoder();
const ascii = new TextDecoder();

function splice(bytes: Uint8Array, start: number, end: number, insert: string): Uint8Array {
  const middle = text.encode(insert);
  const out = new Uint8Array(bytes.length - (end - start) + middle.length);
  out.set(bytes.subarray(0, start));
  out.set(middle, start);
  out.set(bytes.subarray(end), start + middle.length);
  return out;
}

function replaceToken(bytes: Uint8Array, token: NetpbmToken, by: string, kind: string): Mutant {
  const was = ascii.decode(bytes.subarray(token.start, token.end));
  return {
    bytes: splice(bytes, token.start, token.end, by),
    kind,
    description: `${token.role} @${token.start} ${JSON.stringify(was)} → ${JSON.stringify(by)}`,
  };
}

/** Replaces a header number (width, height, maxval) by another text. */
export const numberMutator: Mutator = {
  kind: "number",
  apply({ seed, rng }) {
    if (seed.format !== "netpbm") return undefined;
    const header = readNetpbm(seed.bytes).tokens.filter((t) => t.role !== "sample");
    const token = rng.pick(header);
    const was = Number(ascii.decode(seed.bytes.subarray(token.start, token.end)));
    const by = rng.pick([
      "0",
      "1",
      "255",
      "256",
      "65535",
      "65536",
      "16777215",
      "16777216",
      "4294967296",
      "99999999999999999999",
      String(was + 1),
      String(was - 1),
      String(was * 2),
      String(was >> 1),
      `00${was}`,
      `-${was}`,
      `+${was}`,
      `${was}x`,
      "",
    ]);
    return replaceToken(seed.bytes, token, by, "number");
  },
};

/** Replaces width and height together by sizes far beyond what the raster holds. */
export const dimensionsMutator: Mutator = {
  kind: "dimensions",
  weight: 1 / 3,
  apply({ seed, rng }) {
    if (seed.format !== "netpbm") return undefined;
    const [width, height] = readNetpbm(seed.bytes).tokens;
    const number = (t: NetpbmToken) => Number(ascii.decode(seed.bytes.subarray(t.start, t.end)));
    const [w, h] = [number(width), number(height)];
    const [nw, nh] = rng.pick([
      ["16777215", "16777215"],
      ["16777215", String(h)],
      ["46341", "46341"],
      ["46340", "46340"],
      [String(w * 256), String(h * 256)],
    ]);
    const bytes = splice(
      splice(seed.bytes, height.start, height.end, nh),
      width.start,
      width.end,
      nw,
    );
    return { bytes, kind: "dimensions", description: `size ${nw}x${nh} (was ${w}x${h})` };
  },
};

/** Sets one sample: in a plain raster by text, in a binary one by value. */
export const sampleMutator: Mutator = {
  kind: "sample",
  apply({ seed, rng }) {
    if (seed.format !== "netpbm") return undefined;
    const reading = readNetpbm(seed.bytes);
    const maxValue = reading.image?.maxValue ?? 255;
    const samples = reading.tokens.filter((t) => t.role === "sample");
    if (samples.length > 0) {
      const by = rng.pick(["0", String(maxValue), String(maxValue + 1), "-1", "99999", "a", "1e3"]);
      return replaceToken(seed.bytes, rng.pick(samples), by, "sample");
    }
    const magic = seed.bytes[1] - 0x30;
    if (magic !== 5 && magic !== 6) return undefined;
    const size = maxValue > 255 ? 2 : 1;
    const count = (seed.bytes.length - reading.rasterStart) / size;
    const at = reading.rasterStart + rng.int(count) * size;
    const value = Math.min(
      rng.pick([0, maxValue, maxValue + 1, rng.int(256 ** size)]),
      256 ** size - 1,
    );
    const bytes = seed.bytes.slice();
    if (size === 2) bytes.set([value >> 8, value & 0xff], at);
    else bytes[at] = value;
    return { bytes, kind: "sample", description: `binary sample @${at} = ${value}` };
  },
};

/** Whitespace the Netpbm specification names (blank, TAB, CR, LF), and comments. */
const SAME_SPACING = [" ", "\n", "\t", "\r\n", "   ", " # comment\n", "\n#\n"];
/** Single whitespace characters, the only thing that may end a binary header. */
const SINGLE_SPACE = [" ", "\n", "\t", "\r"];
const OTHER_SPACING = ["", "x", "\0", ",", "\x0b", "\x0c", "#"];

/** Replaces the whitespace between two header numbers, or the one ending a binary header. */
export const separatorMutator: Mutator = {
  kind: "separator",
  apply({ seed, rng }) {
    if (seed.format !== "netpbm") return undefined;
    const reading = readNetpbm(seed.bytes);
    const separator = rng.pick(reading.separators);
    const header = separator.start < reading.rasterStart;
    const legal = separator.last ? SINGLE_SPACE : header ? SAME_SPACING : SINGLE_SPACE;
    const by = rng.pick(rng.chance(0.6) ? legal : [...OTHER_SPACING, ...SAME_SPACING]);
    const was = ascii.decode(seed.bytes.subarray(separator.start, separator.end));
    return {
      bytes: splice(seed.bytes, separator.start, separator.end, by),
      kind: "separator",
      description: `separator @${separator.start} ${JSON.stringify(was)} → ${JSON.stringify(by)}`,
      sameValue: legal.includes(by),
    };
  },
};

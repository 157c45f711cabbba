/**
 * Layouts of bpcodec's own files, walked as `docs/format-v2.md` and the shared
 * `spec/classic-v1.md` specify them: models `BPM1`/`BPM2`, images `BPC1`/`BPC2`, archives
 * `BPA1`/`BPA2`. Only ever applied to the seeds, which are valid.
 *
 * @module
 */
import { DICTIONARY_METHODS } from "../../src/file_parts/stored_parts.ts";
import { type Layout, LayoutBuilder } from "./layout.ts";

/**
 * v2 model payload: version and parameters (u8 ×6, u16 ×2), the weights, packed starts. Weights
 * by payload version: three first-layer neurons of 18 inputs (3, 4) or five of 20 (5 to 8).
 */
const V2_WEIGHTS: Record<number, number> = {
  3: 3 * 18 + 4,
  4: 3 * 18 + 4,
  5: 5 * 20 + 6,
  6: 5 * 20 + 6,
  7: 5 * 20 + 6,
  8: 5 * 20 + 6,
};

function bpm1(b: LayoutBuilder, prefix: string): void {
  b.region(`${prefix}magic`, 4);
  const header = b.pos;
  b.field(`${prefix}version`, 2);
  b.field(`${prefix}total probability`, 2);
  b.field(`${prefix}context count`, 4);
  b.field(`${prefix}alpha`, 4);
  b.layout.regions.push({ name: `${prefix}header`, start: header, end: b.pos });
  b.region(`${prefix}reserved`, 32);
  const table = b.pos;
  for (const c of [0, 1, 2559, 5119]) {
    b.pos = table + 2 * c;
    b.field(`${prefix}p0[${c}]`, 2);
  }
  b.pos = table;
  b.region(`${prefix}probabilities`, 5120 * 2);
}

function bpm2(b: LayoutBuilder, prefix: string): void {
  b.region(`${prefix}magic`, 4);
  b.field(`${prefix}version`, 2);
  b.field(`${prefix}reserved u16`, 2);
  const length = b.field(`${prefix}payload length`, 4);
  const crcAt = b.pos;
  b.field(`${prefix}payload checksum`, 4);
  b.region(`${prefix}reserved`, 16);
  const payload = { start: b.pos, end: b.pos + length };
  const version = b.field(`${prefix}payload version`, 1);
  for (const name of ["mixerRate", "finalRate", "lmsRateShift", "slowLmsRateShift", "startCount"]) {
    b.field(`${prefix}${name}`, 1);
  }
  b.field(`${prefix}shortPathThreshold`, 2);
  b.field(`${prefix}hashedLimit`, 2);
  b.layout.regions.push({ name: `${prefix}parameters`, start: payload.start, end: b.pos });
  const weights = b.pos;
  const weightCount = V2_WEIGHTS[version];
  if (weightCount === undefined) throw new Error(`seed layout: payload version ${version}`);
  for (const w of [0, 1, 17, weightCount - 5, weightCount - 4, weightCount - 1]) {
    b.pos = weights + 4 * w;
    b.field(`${prefix}weight[${w}]`, 4);
  }
  b.pos = weights;
  b.region(`${prefix}weights`, weightCount * 4);
  const packed = b.field(`${prefix}packed length`, 4);
  b.region(`${prefix}packed starts`, packed);
  if (b.pos < payload.end) { // payload version 4, 6 or 8: the primer
    b.field(`${prefix}primer width`, 2);
    b.field(`${prefix}primer height`, 2);
    b.field(`${prefix}primer bits`, 1);
    b.region(`${prefix}packed primer`, b.field(`${prefix}primer packed length`, 4));
  }
  if (b.pos !== payload.end) throw new Error("seed layout: BPM2 payload length disagrees");
  b.checksum(`${prefix}payload checksum`, crcAt, payload);
}

function classicRecord(b: LayoutBuilder, prefix: string, hash: boolean): void {
  const header = b.pos;
  b.field(`${prefix}width`, 2);
  b.field(`${prefix}height`, 2);
  b.field(`${prefix}flags`, 1);
  b.region(`${prefix}reserved`, 7);
  b.layout.regions.push({ name: `${prefix}image header`, start: header, end: header + 5 });
  if (hash) b.region(`${prefix}model hash`, 32);
  const length = b.field(`${prefix}stream length`, 8);
  b.region(`${prefix}stream`, length);
}

/**
 * A v2 image record: compact (`BPC2` versions 4 and 5, `BPA2` versions 5 and 6; in the second, a
 * one-tile image's tile size is not written and a packed tile's stream opens with its value
 * table) or wide (the versions before).
 */
function v2Record(b: LayoutBuilder, prefix: string, wide: boolean): void {
  const header = b.pos;
  const size = (name: string, bytes: 2 | 4) =>
    wide ? b.field(`${prefix}${name}`, bytes) : b.varint(`${prefix}${name}`);
  if (b.field(`${prefix}coder`, 1) === 255) {
    // in an archive, a repeat of an earlier record: that record's number
    b.varint(`${prefix}repeated record`);
    return;
  }
  const flags = b.field(`${prefix}image flags`, 1);
  const oneTile = !wide && (flags & 2) !== 0;
  const width = size("width", 4);
  const height = size("height", 4);
  size("maxval", 2);
  const tileWidth = oneTile ? width : size("tile width", 4);
  const tileHeight = oneTile ? height : size("tile height", 4);
  if (wide) b.field(`${prefix}tile count`, 4);
  b.layout.regions.push({ name: `${prefix}image header`, start: header, end: b.pos });
  const count = Math.ceil(width / tileWidth) * Math.ceil(height / tileHeight);
  for (let t = 0; t < count; t++) {
    const tile = count === 1 ? prefix : `${prefix}tile ${t} `;
    let packed = false;
    if (wide) {
      b.field(`${tile}flags`, 1);
      b.field(`${tile}bits`, 1);
      b.region(`${tile}reserved`, 2);
    } else {
      packed = (b.field(`${tile}tile head`, 1) & 64) !== 0;
    }
    b.field(`${tile}tile checksum`, 4);
    const crcAt = b.pos;
    b.field(`${tile}stream checksum`, 4);
    const length = wide ? b.field(`${tile}stream length`, 8) : b.varint(`${tile}stream length`);
    const start = b.pos;
    if (packed) {
      b.varint(`${tile}least value`);
      b.varint(`${tile}value span`);
      b.region(`${tile}value table`, b.varint(`${tile}value table length`));
    }
    b.region(`${tile}stream`, length - (b.pos - start));
    b.checksum(`${tile}stream checksum`, crcAt, { start, end: b.pos });
  }
}

/** A kept file after its note: what it is, its coded pages, then its other bytes (`BPA2` v6). */
function keptFile(b: LayoutBuilder, prefix: string): void {
  b.field(`${prefix}exact flag`, 1);
  b.region(`${prefix}file SHA-256`, 32);
  b.field(`${prefix}file length`, 8);
  const pages = b.field(`${prefix}page count`, 4);
  for (let p = 0; p < pages; p++) v2Record(b, `${prefix}page ${p} `, false);
  // methods 2, 3 and 5: the entry whose parts are the dictionary, or are repeated
  const method = b.field(`${prefix}parts method`, 1);
  if (method === 3 || DICTIONARY_METHODS.includes(method)) {
    b.field(`${prefix}parts other entry`, 4);
  }
  b.field(`${prefix}parts length`, 8);
  const crcAt = b.pos;
  b.field(`${prefix}parts checksum`, 4);
  const stored = b.field(`${prefix}stored parts length`, 8);
  const start = b.pos;
  b.region(`${prefix}parts`, stored);
  b.checksum(`${prefix}parts checksum`, crcAt, { start, end: b.pos });
}

function entryName(b: LayoutBuilder, prefix: string): void {
  const length = b.field(`${prefix}name length`, 2);
  b.region(`${prefix}name`, length);
}

/** The magic and the version, which it returns. */
function version(b: LayoutBuilder): number {
  b.region("magic", 4);
  return b.field("version", 2);
}

function finish(b: LayoutBuilder): Layout {
  if (b.pos !== b.bytes.length) throw new Error("seed layout: trailing bytes");
  return b.layout;
}

/** The layout of a valid bpcodec file, by its magic. */
export function bpcodecLayout(bytes: Uint8Array): Layout {
  const b = new LayoutBuilder(bytes);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  switch (magic) {
    case "BPM1":
      bpm1(b, "");
      break;
    case "BPM2":
      bpm2(b, "");
      break;
    case "BPC1":
      version(b);
      classicRecord(b, "", true);
      break;
    case "BPC2": {
      const wide = version(b) === 3;
      b.region("model hash", wide ? 32 : 8);
      v2Record(b, "", wide);
      break;
    }
    case "BPA1": {
      version(b);
      const length = b.field("model length", 4);
      const model = b.pos;
      bpm1(b, "model.");
      if (b.pos !== model + length) throw new Error("seed layout: BPA1 model length disagrees");
      const count = b.field("image count", 4);
      for (let i = 0; i < count; i++) {
        entryName(b, `entry ${i} `);
        classicRecord(b, `entry ${i} `, false);
      }
      break;
    }
    case "BPA2": {
      if (version(b) !== 6) throw new Error("seed layout: a BPA2 archive before version 6");
      const flags = b.field("archive flags", 2);
      b.region("model hash", 32);
      const length = b.field("model length", 4);
      if (flags & 1) bpm2(b, "model.");
      else if (length !== 0) throw new Error("seed layout: BPA2 model length without a model");
      const count = b.field("image count", 4);
      for (let i = 0; i < count; i++) {
        entryName(b, `entry ${i} `);
        const kept = b.field(`entry ${i} kind`, 1) === 1;
        b.region(`entry ${i} note`, b.field(`entry ${i} note length`, 2));
        if (kept) keptFile(b, `entry ${i} `);
        else v2Record(b, `entry ${i} `, false);
      }
      const crcAt = b.pos;
      b.field("archive checksum", 4);
      b.checksum("archive checksum", crcAt, { start: 0, end: crcAt });
      break;
    }
    default:
      throw new Error(`seed layout: unknown magic ${JSON.stringify(magic)}`);
  }
  return finish(b);
}

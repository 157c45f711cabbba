/**
 * Layouts of the domain formats' seeds (TIFF, DICOM, FITS), as the fuzzer's own reading of their
 * specifications: the fields and regions that structure-aware mutations aim at. None of these
 * formats has a checksum the reader checks.
 *
 * @module
 */
import { type Layout, LayoutBuilder } from "./layout.ts";

/** TIFF: the header, then every IFD's entry count, entries and next-IFD offset; the rest as data. */
export function tiffLayout(bytes: Uint8Array): Layout {
  const bigEndian = bytes[0] === 0x4d;
  const b = new LayoutBuilder(bytes, 0, bigEndian);
  b.layout.regions.push({ name: "byte order", start: 0, end: 2 });
  b.pos = 2;
  b.field("magic", 2);
  let ifd = b.field("first IFD offset", 4);
  const seen = new Set<number>();
  for (let page = 0; ifd !== 0 && !seen.has(ifd); page++) {
    seen.add(ifd);
    b.pos = ifd;
    const count = b.field(`IFD ${page} entry count`, 2);
    for (let e = 0; e < count; e++) {
      const tag = b.field(`IFD ${page} entry ${e} tag`, 2);
      b.field(`IFD ${page} tag ${tag} type`, 2);
      b.field(`IFD ${page} tag ${tag} count`, 4);
      b.field(`IFD ${page} tag ${tag} value`, 4);
    }
    ifd = b.field(`IFD ${page} next IFD offset`, 4);
  }
  b.layout.regions.push({ name: "data", start: 8, end: bytes.length });
  return b.layout;
}

/**
 * DICOM: the preamble and prefix, then the elements of an explicit-VR little-endian file (each
 * tag, VR and length as fields, each value as a region) up to the pixel data, which is a region;
 * a file of another encoding gets its elements as one region.
 */
export function dicomLayout(bytes: Uint8Array): Layout {
  const b = new LayoutBuilder(bytes, 132);
  b.layout.regions.push({ name: "preamble", start: 0, end: 128 }, {
    name: "prefix",
    start: 128,
    end: 132,
  });
  const long = new Set(["OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT"]);
  while (b.pos + 8 <= bytes.length) {
    const start = b.pos;
    const vr = String.fromCharCode(bytes[start + 4], bytes[start + 5]);
    if (!/^[A-Z]{2}$/.test(vr)) break; // implicit VR or big-endian data: not walked
    const group = b.field("element group", 2);
    const element = b.field("element number", 2);
    const tag = `(${hex4(group)},${hex4(element)})`;
    b.layout.regions.push({ name: `${tag} VR`, start: b.pos, end: b.pos + 2 });
    b.pos += 2;
    let length: number;
    if (long.has(vr)) {
      b.pos += 2;
      length = b.field(`${tag} length`, 4);
    } else {
      length = b.field(`${tag} length`, 2);
    }
    if (length === 0xffffffff && tag === "(7fe0,0010)") encapsulatedFrames(b, bytes);
    if (length === 0xffffffff || b.pos + length > bytes.length) break;
    if (length > 0) {
      b.layout.regions.push({ name: `${tag} value`, start: b.pos, end: b.pos + length });
    }
    b.pos += length;
  }
  b.layout.regions.push({ name: "elements", start: 132, end: bytes.length });
  return b.layout;
}

/**
 * Encapsulated pixel data (RLE): each item's tag and length as fields, the offset table as a
 * region, and each frame's segment count and offsets as fields, its segments as a region.
 */
function encapsulatedFrames(b: LayoutBuilder, bytes: Uint8Array): void {
  for (let item = 0; b.pos + 8 <= bytes.length; item++) {
    b.field(`item ${item} group`, 2);
    const element = b.field(`item ${item} element`, 2);
    const length = b.field(`item ${item} length`, 4);
    if (element === 0xe0dd || b.pos + length > bytes.length) return;
    const start = b.pos;
    if (item > 0 && length >= 64) {
      b.field(`frame ${item} segment count`, 4);
      for (let s = 1; s <= 15; s++) b.field(`frame ${item} segment ${s} offset`, 4);
      b.layout.regions.push({ name: `frame ${item} segments`, start: b.pos, end: start + length });
    } else if (length > 0) {
      b.layout.regions.push({ name: `item ${item}`, start, end: start + length });
    }
    b.pos = start + length;
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/** FITS: every header card (by its keyword) up to each END, and each HDU's data as a region. */
export function fitsLayout(bytes: Uint8Array): Layout {
  const layout: Layout = { fields: [], regions: [], checksums: [] };
  const CARD = 80;
  const BLOCK = 2880;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    let card = at;
    for (; card + CARD <= bytes.length; card += CARD) {
      const keyword = String.fromCharCode(...bytes.subarray(card, card + 8)).trimEnd();
      layout.regions.push({ name: `card ${keyword || "(blank)"}`, start: card, end: card + CARD });
      if (keyword === "END") break;
    }
    const data = Math.ceil((card + CARD) / BLOCK) * BLOCK;
    const next = nextHeader(bytes, data);
    if (data < next) layout.regions.push({ name: "data", start: data, end: next });
    at = next;
  }
  return layout;
}

/** Where the next HDU's header starts at or after `from` (its XTENSION card), or the end. */
function nextHeader(bytes: Uint8Array, from: number): number {
  for (let at = from; at + 9 <= bytes.length; at += 2880) {
    if (String.fromCharCode(...bytes.subarray(at, at + 9)) === "XTENSION=") return at;
  }
  return bytes.length;
}

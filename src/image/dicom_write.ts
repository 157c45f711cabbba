/**
 * Writing a gray image as a DICOM file: a Secondary Capture image (explicit VR little endian,
 * MONOCHROME2), 8 bits allocated when the image's bits fit, else 16, with the image's bits as
 * BitsStored, and signed (PixelRepresentation 1, sign-extended) when the image is. Its UIDs are derived from the pixels (`2.25.` and a 128-bit digest of
 * them), so the same image always gives the same file.
 *
 * @module
 */
import { ByteWriter } from "../bytes.ts";
import { FormatError } from "../errors.ts";
import { type GrayImage, sampleBits } from "./gray_image.ts";
import { writeSampleRuns } from "./sample_runs.ts";

const EXPLICIT_LITTLE = "1.2.840.10008.1.2.1";
const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
/** bpcodec's implementation class UID (under the `2.25` UUID arc). */
const IMPLEMENTATION = "2.25.161812334727152540862406302218914913523";

/** Writes one element (explicit VR): tag, VR, length and value, padded to an even length. */
function element(w: ByteWriter, group: number, elem: number, vr: string, value: Uint8Array): void {
  const padded = value.length % 2 === 0 ? value : new Uint8Array([...value, vr === "UI" ? 0 : 32]);
  w.u16(group);
  w.u16(elem);
  w.ascii(vr);
  if (vr === "OB" || vr === "OW") {
    w.u16(0);
    w.u32(padded.length);
  } else {
    w.u16(padded.length);
  }
  w.bytes(padded);
}

const text = (value: string) => new TextEncoder().encode(value);

function u16(value: number): Uint8Array {
  return new Uint8Array([value & 255, value >> 8]);
}

/**
 * A 128-bit digest of the image (four multiply-rotate lanes over its size and samples): not a
 * cryptographic hash, only a name that differs from image to image.
 */
function digestOf(image: GrayImage): number[] {
  const lanes = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f];
  const mix = (lane: number, value: number) => {
    let h = Math.imul(lanes[lane] ^ value, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    lanes[lane] = Math.imul(h, 0x1b873593) + lane + 1;
  };
  for (const value of [image.width, image.height, image.maxValue]) mix(0, value);
  for (let i = 0; i < image.data.length; i++) mix(i & 3, image.data[i] + (i << 16));
  return lanes.map((h) => Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0);
}

/** A UID of the `2.25` arc: the decimal of a 128-bit number made of `digest` and `salt`. */
function uidOf(digest: number[], salt: number): string {
  let value = 0n;
  for (const lane of digest) {
    value = (value << 32n) | BigInt((lane ^ Math.imul(salt, 0x9e3779b9)) >>> 0);
  }
  return `2.25.${value}`;
}

/**
 * Encodes a gray image as a DICOM Part 10 file.
 *
 * @throws {FormatError} for images wider or taller than 65535 (DICOM's Rows and Columns).
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeDicom } from "./dicom_write.ts";
 * import { readDicom } from "./dicom.ts";
 * const image = { width: 2, height: 1, maxValue: 4095, data: new Uint16Array([7, 4000]) };
 * deepStrictEqual(readDicom(encodeDicom(image)).pages[0], image);
 * ```
 */
export function encodeDicom(image: GrayImage): Uint8Array {
  const { width, height, data } = image;
  if (width > 65535 || height > 65535) {
    throw new FormatError(`a ${width}x${height} image is too large for DICOM (at most 65535)`);
  }
  const bits = sampleBits(image.maxValue);
  const allocated = bits <= 8 ? 8 : 16;
  const pixels = new Uint8Array(data.length * (allocated / 8));
  const stored = {
    bytes: (allocated / 8) as 1 | 2,
    bigEndian: false,
    bits,
    signed: image.signed === true,
  };
  const runs = [{ page: 0, offset: 0, first: 0, count: data.length }];
  writeSampleRuns(pixels, { stored: [stored], runs }, [image]);
  const digest = digestOf(image);
  const instance = uidOf(digest, 1);
  const meta = new ByteWriter();
  element(meta, 2, 0x0001, "OB", new Uint8Array([0, 1]));
  element(meta, 2, 0x0002, "UI", text(SECONDARY_CAPTURE));
  element(meta, 2, 0x0003, "UI", text(instance));
  element(meta, 2, 0x0010, "UI", text(EXPLICIT_LITTLE));
  element(meta, 2, 0x0012, "UI", text(IMPLEMENTATION));
  const metaBytes = meta.finish();
  const w = new ByteWriter();
  w.zeros(128);
  w.ascii("DICM");
  element(w, 2, 0x0000, "UL", new Uint8Array(new Uint32Array([metaBytes.length]).buffer));
  w.bytes(metaBytes);
  element(w, 8, 0x0016, "UI", text(SECONDARY_CAPTURE));
  element(w, 8, 0x0018, "UI", text(instance));
  element(w, 8, 0x0060, "CS", text("OT"));
  element(w, 8, 0x0064, "CS", text("WSD"));
  element(w, 0x10, 0x0010, "PN", text(""));
  element(w, 0x10, 0x0020, "LO", text(""));
  element(w, 0x20, 0x000d, "UI", text(uidOf(digest, 2)));
  element(w, 0x20, 0x000e, "UI", text(uidOf(digest, 3)));
  element(w, 0x28, 0x0002, "US", u16(1));
  element(w, 0x28, 0x0004, "CS", text("MONOCHROME2"));
  element(w, 0x28, 0x0010, "US", u16(height));
  element(w, 0x28, 0x0011, "US", u16(width));
  element(w, 0x28, 0x0100, "US", u16(allocated));
  element(w, 0x28, 0x0101, "US", u16(bits));
  element(w, 0x28, 0x0102, "US", u16(bits - 1));
  element(w, 0x28, 0x0103, "US", u16(image.signed ? 1 : 0));
  element(w, 0x7fe0, 0x0010, allocated === 8 ? "OB" : "OW", pixels);
  return w.finish();
}

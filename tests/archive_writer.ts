/**
 * Archives written by hand for the tests, so that names may repeat, clash or be unsafe (the
 * library's writers refuse such names).
 *
 * @module
 */
import { ByteWriter } from "../src/bytes.ts";
import { crc32 } from "../src/crc32.ts";
import type { V2CodedImage } from "../src/v2/container.ts";

/** A BPA2 archive of `entries` referring to the model `modelHash`, in the given order. */
export function handMadeV2Archive(
  entries: { name: string; coded: V2CodedImage }[],
  modelHash: Uint8Array = new Uint8Array(32),
): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPA2");
  w.u16(2);
  w.u16(0);
  w.bytes(modelHash);
  w.u32(0);
  w.u32(entries.length);
  const encoder = new TextEncoder();
  for (const { name, coded } of entries) {
    const bytes = encoder.encode(name);
    w.u16(bytes.length);
    w.bytes(bytes);
    w.u8(coded.inverted ? 1 : 0);
    w.u8(coded.bits);
    w.u32(coded.width);
    w.u32(coded.height);
    w.u16(coded.maxValue);
    w.zeros(6);
    w.u32(coded.imageCrc);
    w.u32(crc32(coded.stream));
    w.u64(coded.stream.length);
    w.bytes(coded.stream);
  }
  const body = w.finish();
  w.u32(crc32(body));
  return w.finish();
}

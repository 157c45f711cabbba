/**
 * Archives written by hand for the tests and the fuzzer, in the containers' exact layouts (v2
 * records through the container's own record writers) but without the archive writers' checks,
 * so that names may repeat, clash, be unsafe or out of order, and tiles may be missing (the
 * library's writers refuse such archives).
 *
 * @module
 */
import { ByteWriter } from "../src/bytes.ts";
import type { ClassicArchiveEntry } from "../src/classic/container.ts";
import { crc32 } from "../src/crc32.ts";
import {
  type V2ArchiveEntry,
  V2ArchiveWriter,
  writeImageHeader,
  writeTileRecord,
} from "../src/v2/container.ts";

const encoder = new TextEncoder();

function writeName(w: ByteWriter, name: string): void {
  const bytes = encoder.encode(name);
  w.u16(bytes.length);
  w.bytes(bytes);
}

/**
 * A BPA2 archive of `entries`, in the given order, with every checksum right; an entry of
 * `repeats` is written as a repeat of that record number, whatever it is.
 */
export function uncheckedV2Archive(archive: {
  modelHash: Uint8Array;
  modelBytes?: Uint8Array;
  entries: (V2ArchiveEntry | { name: string; repeats: number })[];
}): Uint8Array {
  const w = new ByteWriter();
  // The writer's start, its entry count of 0 written over.
  const start = new V2ArchiveWriter().start(archive);
  w.bytes(start.subarray(0, start.length - 4));
  w.u32(archive.entries.length);
  for (const entry of archive.entries) {
    writeName(w, entry.name);
    w.u8(0); // a coded image
    w.u16(0); // without a note
    if ("repeats" in entry) {
      w.u8(255);
      w.varint(entry.repeats);
      continue;
    }
    writeImageHeader(w, entry);
    for (const tile of entry.tiles) writeTileRecord(w, tile);
  }
  const body = w.finish();
  w.u32(crc32(body));
  return w.finish();
}

/** A BPA1 archive of `entries`, in the given order. */
export function uncheckedClassicArchive(archive: {
  modelBytes: Uint8Array;
  entries: ClassicArchiveEntry[];
}): Uint8Array {
  const w = new ByteWriter();
  w.ascii("BPA1");
  w.u16(1);
  w.u32(archive.modelBytes.length);
  w.bytes(archive.modelBytes);
  w.u32(archive.entries.length);
  for (const e of archive.entries) {
    writeName(w, e.name);
    w.u16(e.width);
    w.u16(e.height);
    w.u8(e.inverted ? 1 : 0);
    w.zeros(7);
    w.u64(e.stream.length);
    w.bytes(e.stream);
  }
  return w.finish();
}

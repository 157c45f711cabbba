/**
 * Archives read where they are: a `ByteReader` over a `ByteSource` reads what one over the same
 * bytes in memory reads, across its window's edges; an archive opened from a source is read in
 * pieces of at most a window (its streams and parts left there until decoded), decodes and
 * rebuilds what the bytes in memory do, and refuses parts that changed after it was opened.
 */
import { ByteReader, type ByteSource } from "../src/bytes.ts";
import { crc32 } from "../src/crc32.ts";
import { openArchive, packArchive } from "../src/codec.ts";
import { FileBytes } from "../src/cli/files.ts";
import { encodeImageFile } from "../src/image/image_file.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { makeImage } from "./helpers.ts";

/** A source over `bytes` that records the length of every read. */
function counted(bytes: Uint8Array): ByteSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    length: bytes.length,
    reads,
    read(at, length) {
      reads.push(length);
      return bytes.slice(at, at + length);
    },
  };
}

/** Deterministic bytes that do not compress. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0, x = seed; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

Deno.test("ByteReader: from a source, the fields and stored parts that the bytes in memory give", () => {
  const bytes = noise(4 << 20, 7);
  const inMemory = new ByteReader(bytes);
  const source = counted(bytes);
  const fromSource = new ByteReader(source);
  // Fields of every size, and stored runs longer than the window, across the window's edges.
  const steps = [5, (1 << 20) - 7, 3, 2 << 20, 100, 1 << 19];
  const fields = (reader: ByteReader) => {
    const got: number[] = [];
    for (const [i, n] of steps.entries()) {
      if (n + 20 > reader.remaining) break;
      let crc = 0;
      const stored = reader.stored(n, "run", (piece) => crc = crc32(piece, crc));
      got.push(stored.at, stored.length, crc, reader.u8("a"), reader.u16("b"), reader.u32("c"));
      got.push(reader.peek(), ...reader.bytes(i + 1, "d"));
    }
    return [...got, reader.position, reader.remaining];
  };
  const expected = fields(inMemory);
  assert(expected.length > 60, "every step read");
  assertEquals(fields(fromSource), expected);
  // The source was read in windows, never whole; its stored runs were left there.
  assert(source.reads.every((n) => n <= 1 << 20), `${Math.max(...source.reads)}`);
  assertEquals(fromSource.stored(4, "run", () => {}).bytes, undefined);
  assertEquals(inMemory.stored(4, "run", () => {}).bytes?.length, 4);
});

Deno.test("openArchive: from a source, read in pieces, decoding and rebuilding what the bytes do", async () => {
  const scan = makeImage(64, 48, (x, y) => (x * 5 + y * 3) & 255);
  const big = noise(3 << 20, 11); // kept whole, stored as it is: larger than a window
  const bytes = await packArchive(
    [
      { name: "a.bin", file: big },
      { name: "b.tif", file: encodeImageFile(scan, "b.tif") },
      { name: "c.pgm", image: scan },
    ],
    undefined,
    { level: "fast" },
  );
  const source = counted(bytes);
  const archive = await openArchive(source);
  assert(source.reads.every((n) => n <= 1 << 20), `${Math.max(...source.reads)}`);
  const inMemory = await openArchive(bytes);
  assertEquals(archive.entries, inMemory.entries);
  assertEquals(await archive.rebuild(0), big);
  assertEquals(await archive.rebuild(1), await inMemory.rebuild(1));
  assertEquals(await archive.decode(2), scan);
  // A file that changes after it is opened: its parts no longer match their checksum, and a
  // file cut short is refused as truncated.
  const path = `${Deno.makeTempDirSync()}/a.bpa`;
  Deno.writeFileSync(path, bytes);
  const file = (await FileBytes.open(path))!;
  try {
    const opened = await openArchive(file);
    const changed = bytes.slice();
    changed[1000] ^= 1; // inside a.bin's parts
    Deno.writeFileSync(path, changed);
    await assertRejects(() => opened.rebuild(0), Error, "file parts are damaged");
    Deno.truncateSync(path, 2000);
    await assertRejects(() => opened.rebuild(0), Error, "truncated: the file ends at byte 2000");
    await assertRejects(() => opened.decode(2), Error, "truncated");
  } finally {
    file.close();
  }
  // A file that is not a regular one (a pipe) is read whole instead, by the caller.
  assertEquals(await FileBytes.open("/dev/null"), undefined);
});

Deno.test("ByteReader: the checksum of the bytes read, from a source as in memory, in one pass", () => {
  const bytes = noise(5 << 20, 13);
  const source = counted(bytes);
  for (const reader of [new ByteReader(bytes), new ByteReader(source)]) {
    reader.u8("a");
    reader.stored((1 << 20) + 3, "run", () => {});
    reader.u32("b");
    reader.bytes(777, "c");
    reader.stored(3 << 20, "run", () => {});
    assertEquals(reader.checksum(), crc32(bytes.subarray(0, reader.position)));
  }
  // No second pass over the source: a window re-reads at most what the last one held unread.
  assert(source.reads.reduce((n, r) => n + r, 0) < 2 * bytes.length);
});

/**
 * Hostile and damaged input: bombs (small files declaring huge images), damaged PNGs, pixel
 * limits, archives whose names repeat, clash or are out of order. Every case is refused with
 * the project's own error before anything large is allocated or decoded.
 */
import {
  decodeImage,
  defaultModel,
  openArchive,
  packArchive,
  trainModel,
  unpackArchive,
} from "../mod.ts";
import {
  parseClassicArchive,
  serializeClassicArchive,
  serializeClassicImage,
} from "../src/classic/container.ts";
import { crc32 } from "../src/crc32.ts";
import { FormatError } from "../src/errors.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { decodePng } from "../src/image/png.ts";
import { ZlibStream, type ZlibStreamOptions } from "../src/image/zlib_stream.ts";
import { zlibDeflate } from "../src/deps/zlib_deflate.ts";
import { encodePng } from "../src/image/png_write.ts";
import { PNG_SIGNATURE } from "../src/image/png_chunks.ts";
import { ByteWriter } from "../src/bytes.ts";
import { serializeV2Image, writeTileRecord, writeV2ImageStart } from "../src/v2/container.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { makeImage } from "./helpers.ts";
import { uncheckedClassicArchive, uncheckedV2Archive } from "./archive_writer.ts";
import { chunk, concat, header, pngFile, rows } from "./png_writer.ts";

/** Asserts that `run` throws a FormatError of `code` whose one-line message matches `pattern`. */
function assertRefused(run: () => unknown, pattern: RegExp, code = "invalid"): void {
  assertThrows(run, (e: Error) => {
    assert(e instanceof FormatError, `${e.name}: ${e.message}`);
    assert(!e.message.includes("\n"), e.message);
    assert(pattern.test(e.message), `${e.message} should match ${pattern}`);
    assertEquals(e.code, code, e.message);
    return true;
  });
}

Deno.test("png: damage the checksums catch, and impossible headers, are refused", () => {
  const good = pngFile(header(4, 4, 8, 0), rows(4, 4, 7));
  assertEquals(decodePng(good).data, new Uint16Array(16).fill(7));
  // Adler-32 of the zlib stream: the last 4 bytes of IDAT's data (IDAT ends 16 bytes before EOF).
  const idat = good.length - 12 - 4;
  const badAdler = good.slice();
  badAdler[idat - 1] ^= 1;
  // recompute the IDAT CRC so that only the zlib checksum is wrong
  const idatStart = 8 + 25;
  const idatLength = new DataView(good.buffer).getUint32(idatStart);
  new DataView(badAdler.buffer).setUint32(
    idatStart + 8 + idatLength,
    crc32(badAdler.subarray(idatStart + 4, idatStart + 8 + idatLength)),
  );
  assertRefused(() => decodePng(badAdler), /zlib checksum mismatch/);
  const badCrc = good.slice();
  badCrc[idatStart + 10] ^= 1;
  assertRefused(() => decodePng(badCrc), /IDAT chunk CRC mismatch/);
  assertRefused(() => decodePng(pngFile(header(0, 4, 8, 0), rows(1, 1, 0))), /size 0x4/);
  assertRefused(() => decodePng(pngFile(header(4, 4, 8, 0), rows(2, 4, 7))), /truncated/);
  assertRefused(() => decodePng(pngFile(header(4, 4, 8, 0), rows(5, 4, 7))), /longer/);
  assertRefused(
    () => decodePng(pngFile(header(4, 4, 8, 0), rows(4, 4, 7).fill(9, 0, 1))),
    /filter/,
  );
  // A palette index with no entry.
  const plte = chunk("PLTE", new Uint8Array([5, 5, 5]));
  assertRefused(() => decodePng(pngFile(header(2, 1, 8, 3), rows(1, 2, 1), [plte])), /index 1/);
  // IDAT chunks must be together; a second IHDR, or IEND with no data, is corrupt.
  const parts = [PNG_SIGNATURE, chunk("IHDR", header(1, 1, 8, 0))];
  const split = concat([
    ...parts,
    chunk("IDAT", new Uint8Array([0x78, 0x01])),
    chunk("tEXt", new TextEncoder().encode("a\0b")),
    chunk("IDAT", new Uint8Array([0x63, 0x60, 0, 0, 0, 2, 0, 1])),
    chunk("IEND"),
  ]);
  assertRefused(() => decodePng(split), /not together/);
  assertRefused(() => decodePng(concat([...parts, chunk("IEND")])), /IEND before/);
  assertRefused(() => decodePng(good.subarray(0, good.length - 5)), /truncated/);
});

Deno.test("png: meaning chunks: transparency keys, suggested palettes, APNG, unknown critical", () => {
  const gray = (extra: Uint8Array[]) => pngFile(header(2, 1, 8, 0), rows(1, 2, 7), extra);
  // A tRNS key equal to a pixel makes it transparent; compared before any scaling.
  assertRefused(
    () => decodePng(gray([chunk("tRNS", new Uint8Array([0, 7]))])),
    /transparent/,
    "unsupported",
  );
  assertEquals(decodePng(gray([chunk("tRNS", new Uint8Array([0, 8]))])).data, Uint16Array.of(7, 7));
  const lowKey = pngFile(header(8, 1, 1, 0), rows(1, 1, 0b10000000), [
    chunk("tRNS", new Uint8Array([0, 1])),
  ]);
  assertRefused(() => decodePng(lowKey), /transparent/, "unsupported");
  // A suggested palette in an RGB image does not change its pixels.
  const rgb = pngFile(header(2, 1, 8, 2), rows(1, 6, 9), [
    chunk("PLTE", new Uint8Array([1, 2, 3])),
  ]);
  const image = decodePng(rgb);
  assertEquals([image.maxValue, ...image.data], [255, 9, 9]);
  assertRefused(
    () => decodePng(gray([chunk("acTL", new Uint8Array(8))])),
    /animated/,
    "unsupported",
  );
  assertRefused(
    () => decodePng(gray([chunk("ABCD", new Uint8Array(1))])),
    /critical/,
    "unsupported",
  );
  assertEquals(decodePng(gray([chunk("abCD", new Uint8Array(1))])).data, Uint16Array.of(7, 7));
});

Deno.test("png: a bomb is refused from its header; valid huge images are read row by row", () => {
  // 2^31 − 1 pixels declared in 60-odd bytes: it cannot hold them (at most 1032 bytes a byte).
  const bomb = pngFile(header(0x7fffffff, 1, 8, 0), rows(1, 16, 7));
  assert(bomb.length < 100);
  assertRefused(() => decodePng(bomb), /more than its size can hold/);
  // Within what the file can hold, the pixel limit decides.
  const big = pngFile(header(4000, 4000, 1, 0), rows(4000, 500, 0xff));
  assertRefused(() => decodePng(big, { maxPixels: 1_000_000 }), /over the limit/, "too-large");
  const image = decodePng(big);
  assertEquals([image.width, image.height, image.maxValue], [4000, 4000, 1]);
  assert(image.data.every((v) => v === 1));
});

Deno.test("png: a 12000×11200 1-bit and an 8000×8000 16-bit PNG are read and written", () => {
  const bilevel = makeImage(12000, 11200, (x, y) => ((x >> 6) + (y >> 6)) & 1, 1);
  const bilevelPng = encodePng(bilevel);
  assert(bilevelPng.length < 200_000, `${bilevelPng.length} bytes`);
  assertEquals(decodePng(bilevelPng), bilevel);
  const wide = makeImage(8000, 8000, (x, y) => (x * 8 + y) & 0xffff, 65535);
  assertEquals(decodePng(encodePng(wide)), wide);
});

Deno.test("netpbm: sizes are checked against the file before allocating, and limits apply", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assertRefused(() => decodeImageFile(text("P5\n16000000 16000000\n255\n\0")), /truncated/);
  assertRefused(() => decodeImageFile(text("P2\n100000 100000\n255\n0 0\n")), /truncated/);
  const ok = Uint8Array.of(...text("P5\n4 4\n255\n"), ...new Uint8Array(16));
  assertEquals(decodeImageFile(ok).width, 4);
  assertRefused(() => decodeImageFile(ok, { maxPixels: 15 }), /over the limit of 15/, "too-large");
  assertRefused(
    () => decodeImageFile(Uint8Array.of(...ok, ...ok)),
    /more than one image/,
    "unsupported",
  );
  assertRefused(() => decodeImageFile(Uint8Array.of(...ok, 1, 2, 3)), /unexpected bytes/);
  assertEquals(decodeImageFile(Uint8Array.of(...ok, 10)).height, 4);
});

Deno.test("bombs: coded files declaring more pixels than their stream can hold", async () => {
  const model = await trainModel([makeImage(8, 8, (x, y) => x * y)], { format: "classic" });
  const classic = serializeClassicImage({
    width: 60000,
    height: 60000,
    inverted: false,
    stream: new Uint8Array(2),
    modelHash: model.hash,
  });
  assertEquals(classic.length, 60);
  const started = performance.now();
  await assertRejectsRefused(() => decodeImage(classic, model), /too short/);
  const builtIn = (await defaultModel()).hash;
  const tile = { inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(6) };
  const header = { maxValue: 255, coder: "cm" as const };
  const v2 = serializeV2Image({
    ...header,
    width: 65536,
    height: 32767,
    tileWidth: 65536,
    tileHeight: 32767,
    tiles: [tile],
  }, builtIn);
  assertEquals(v2.length, 40); // one tile: no tile size
  await assertRejectsRefused(() => decodeImage(v2), /too short/);
  // A terapixel of 4096×4096 tiles cannot be declared in a small file either.
  const w = new ByteWriter();
  writeV2ImageStart(
    w,
    { ...header, width: 1e6, height: 1e6, tileWidth: 4096, tileHeight: 4096 },
    builtIn,
  );
  writeTileRecord(w, tile);
  await assertRejectsRefused(() => decodeImage(w.finish()), /60025 tiles cannot fit/);
  // Refused from the header: no decoding happened (a pass over 3.6 G pixels takes minutes).
  assert(performance.now() - started < 10_000);
  // The pixel limit applies to coded files too.
  const small = await (await import("../mod.ts")).encodeImage(makeImage(40, 30, (x) => x));
  await assertRejectsRefused(
    () => decodeImage(small, undefined, { maxPixels: 1000 }),
    /limit/,
    "too-large",
  );
});

async function assertRejectsRefused(
  run: () => Promise<unknown>,
  pattern: RegExp,
  code = "invalid",
) {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  assert(error instanceof FormatError, `expected a FormatError, got ${error}`);
  assert(pattern.test(error.message), `${error.message} should match ${pattern}`);
  assertEquals(error.code, code, error.message);
}

Deno.test("archives: names are checked from the index before any entry is decoded", async () => {
  // 100 000 entries with one name, each a valid stream whose image checksum is wrong: the
  // repeated name must be found first, without decoding (which would fail differently).
  const coded = {
    width: 4,
    height: 4,
    maxValue: 255,
    coder: "cm" as const,
    tileWidth: 4,
    tileHeight: 4,
    tiles: [{ inverted: false, bits: 8, tileCrc: 12345, stream: new Uint8Array(16) }],
  };
  const repeated = uncheckedV2Archive({
    modelHash: new Uint8Array(32),
    entries: Array(100_000).fill({ name: "a.pgm", ...coded }),
  });
  const started = performance.now();
  await assertRejectsRefused(() => openArchive(repeated), /"a\.pgm" appears twice/);
  assert(performance.now() - started < 10_000);
  for (
    const [names, pattern] of [
      [["."], /"\." component/],
      [["a/./b.pgm"], /"\." component/],
      [["a//b.pgm"], /empty path component/],
      [["a", "a/b.pgm"], /both a file and a folder/],
      [["b.pgm", "a.pgm"], /out of order/],
      [["../x.pgm"], /\.\./],
    ] as const
  ) {
    await assertRejectsRefused(
      () =>
        openArchive(
          uncheckedV2Archive({
            modelHash: new Uint8Array(32),
            entries: names.map((name) => ({ name, ...coded })),
          }),
        ),
      pattern,
    );
  }
});

Deno.test("classic archives: reordered or repeated entries are caught, a dropped one cannot be", async () => {
  const images = [0, 1, 2].map((k) => makeImage(12, 8, (x, y) => (x * (k + 3) + y * 7) & 255));
  const model = await trainModel(images, { format: "classic" });
  const names = ["a.pgm", "b.pgm", "c.pgm"];
  const bytes = await packArchive(names.map((name, i) => ({ name, image: images[i] })), model);
  const archive = parseClassicArchive(bytes);
  const rewrite = (entries: typeof archive.entries) =>
    uncheckedClassicArchive({ modelBytes: archive.modelBytes, entries });
  assertEquals(rewrite(archive.entries), bytes);
  const [a, b, c] = archive.entries;
  await assertRejectsRefused(() => unpackArchive(rewrite([b, a, c])), /out of order/);
  await assertRejectsRefused(() => unpackArchive(rewrite([a, a, b, c])), /appears twice/);
  // Without a checksum, an archive with an entry left out is a valid archive of the others.
  const dropped = await unpackArchive(rewrite([a, c]));
  assertEquals(dropped.entries.map((e) => e.name), ["a.pgm", "c.pgm"]);
  assertEquals(
    serializeClassicArchive({ modelBytes: archive.modelBytes, entries: [a, c] }),
    rewrite([a, c]),
  );
});

Deno.test("zlib streams with a preset dictionary inflate only with that dictionary", () => {
  const dictionary = new TextEncoder().encode(
    "SIMPLE  =                    T / a FITS header card",
  );
  const data = new TextEncoder().encode("SIMPLE  =                    T / the next file's card");
  const stream = zlibDeflate(data, 9, { dictionary });
  const inflate = (options: ZlibStreamOptions) => {
    const out: number[] = [];
    const zlib = new ZlibStream((piece) => out.push(...piece), options);
    zlib.push(stream);
    zlib.finish();
    return new Uint8Array(out);
  };
  assertEquals(inflate({ dictionary }), data);
  assertRefused(() => inflate({}), /zlib preset dictionary/);
  assertRefused(() => inflate({ dictionary: dictionary.subarray(1) }), /another preset dictionary/);
  const plain = zlibDeflate(data);
  assertRefused(() => {
    const zlib = new ZlibStream(() => {}, { dictionary });
    zlib.push(plain);
  }, /without its preset dictionary/);
});

Deno.test("archives: a repeat of an earlier record is refused when it repeats no earlier record, a repeat, or more pixels than the archive can hold", async () => {
  const record = (width: number, height: number) => ({
    width,
    height,
    maxValue: 255,
    coder: "fast" as const,
    tileWidth: width,
    tileHeight: height,
    tiles: [{ inverted: false, bits: 8, tileCrc: 0, stream: new Uint8Array(16) }],
  });
  const modelHash = (await defaultModel()).hash;
  const archive = (...entries: Parameters<typeof uncheckedV2Archive>[0]["entries"]) =>
    uncheckedV2Archive({ modelHash, entries });
  const small = record(4, 4);
  const ok = await openArchive(archive({ name: "a", ...small }, { name: "b", repeats: 0 }));
  assertEquals(ok.entries.map((e) => e.streamBytes), [16, 0]);
  for (
    const [entries, pattern] of [
      [[{ name: "a", ...small }, { name: "b", repeats: 1 }], /repeats record 1, which is not an/],
      [[{ name: "a", ...small }, { name: "b", repeats: 9 }], /repeats record 9, which is not an/],
      [
        [{ name: "a", ...small }, { name: "b", repeats: 0 }, { name: "c", repeats: 1 }],
        /record 2 repeats record 1, which is not an earlier record of its own/,
      ],
      // a gigapixel declared once (its stream is checked when decoded) cannot be repeated by a
      // few bytes: the repeats' pixels are bounded by the archive's size
      [
        [{ name: "a", ...record(40000, 40000) }, { name: "b", repeats: 0 }],
        /repeats of earlier records come to more pixels \(1600000000\) than \d+ bytes/,
      ],
    ] as const
  ) {
    await assertRejectsRefused(() => openArchive(archive(...entries)), pattern);
  }
});

import { BYTE_MODEL_MAX_BYTES, compressBytes, expandBytes } from "../src/v2/byte_model.ts";
import { expandParts, storeParts } from "../src/file_parts/stored_parts.ts";
import { zlibDeflate } from "../src/deps/zlib_deflate.ts";
import { FormatError } from "../src/errors.ts";
import { sha256, toHex } from "../src/sha256.ts";
import { openArchive, packArchive } from "../mod.ts";
import { parseV2Archive, type V2FileEntry } from "../src/v2/container.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { ROOT } from "./helpers.ts";
import { sameValues } from "../src/bytes.ts";
import { CodingWorkers } from "../src/workers/coding_workers.ts";

const FITS = `${ROOT}tests/formats/fits/`;

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** 8-byte big-endian doubles of a smooth function in steps of 1/4 (a floating-point image of counts). */
function doubles(count: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(count * 8));
  for (let i = 0; i < count; i++) view.setFloat64(8 * i, Math.round(Math.sin(i / 50) * 1000) / 4);
  return new Uint8Array(view.buffer);
}

Deno.test("byte model: every kind of bytes comes back exactly, with and without a dictionary", () => {
  const header = Deno.readFileSync(`${FITS}skimage_simple.fits`).subarray(0, 2880);
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", new Uint8Array([0xa5])],
    ["zeros", new Uint8Array(5000)],
    ["noise", noise(20000, 7)],
    ["text", new TextEncoder().encode("exposure 30 s, gain 2, filter R\n".repeat(300))],
    ["doubles", doubles(4000)],
    ["FITS header", header],
  ];
  const dictionary = Deno.readFileSync(`${FITS}midas_dss_test1.fits`).subarray(0, 2880);
  for (const [name, raw] of cases) {
    for (const options of [{}, { dictionary }]) {
      const packed = compressBytes(raw, options);
      assertEquals(expandBytes(packed, raw.length, options), raw, name);
    }
  }
  // Structure it learns: far smaller than zlib's on cards, text and numbers, noise barely grows.
  for (const [name, raw] of cases.slice(4)) {
    const ours = compressBytes(raw).length;
    const zlib = zlibDeflate(raw).length;
    assert(ours < 0.9 * zlib, `${name}: ${ours} bytes against zlib's ${zlib}`);
  }
  assert(compressBytes(cases[3][1]).length < 20000 * 1.01);
  // The header of the file before in a series as dictionary: the next one costs a few bytes.
  const next = dictionary.slice();
  next.set(new TextEncoder().encode("2"), 700);
  assert(compressBytes(next, { dictionary }).length < 0.2 * compressBytes(next).length);
});

Deno.test("byte model: its streams are pinned (the same bytes on every machine and runtime)", async () => {
  const raw = Deno.readFileSync(`${FITS}astropy_validate.fits`);
  const packed = compressBytes(raw);
  assertEquals(packed.length, 6555);
  assertEquals(
    toHex(await sha256(packed)),
    "4b0eaab6d296aa51ba260deb8f8a6d18e472b6644dfe1f3604e89aafaf942d97",
  );
  const dictionary = raw.subarray(0, 32768);
  const primed = compressBytes(raw.subarray(2880), { dictionary });
  assertEquals(
    toHex(await sha256(primed)),
    "a13c5deb0aa36353ef9b88e44a8c5cc9d42a6e4b42255eb53a392ac641376845",
  );
});

Deno.test("byte model: lengths a stream cannot hold, truncated and padded streams are refused", () => {
  const raw = new TextEncoder().encode("BITPIX  =                   16 / bits a sample".repeat(40));
  const packed = compressBytes(raw);
  assertThrows(() => expandBytes(packed, BYTE_MODEL_MAX_BYTES + 1), FormatError, "at most");
  // 10 bytes cannot hold 4 MiB (at most about 2 950 bytes a byte): refused before allocating.
  assertThrows(() => expandBytes(packed.subarray(0, 10), 1 << 22), FormatError, "cannot hold");
  assertThrows(() => expandBytes(new Uint8Array(0), 0), FormatError, "cannot hold");
  const truncated = packed.subarray(0, packed.length >> 1);
  assertThrows(() => expandBytes(truncated, raw.length), FormatError, "truncated");
  const padded = new Uint8Array([...packed, 0, 0, 0, 0, 0]);
  assertThrows(() => expandBytes(padded, raw.length), FormatError, "trailing");
  assertThrows(() => compressBytes(new Uint8Array(BYTE_MODEL_MAX_BYTES + 1)), RangeError);
});

Deno.test("byte model: parts choose it when smaller; an archive keeps files with it and gives them back", async () => {
  const text = new TextEncoder().encode(
    "SIMPLE  =                    T / file conforms\n".repeat(60),
  );
  const parts = await storeParts(text);
  assertEquals(parts.method, 4);
  assertEquals(await expandParts(parts), text);
  // Parts above the byte model's limit stay with zlib.
  assertEquals((await storeParts(new Uint8Array(BYTE_MODEL_MAX_BYTES + 1))).method, 1);
  // A hostile length for method 4 is refused by the parts reader.
  await assertRejects(
    () => expandParts({ ...parts, rawBytes: 1 << 22, data: parts.data.subarray(0, 4) }),
    FormatError,
    "cannot hold",
  );
  const files = ["astropy_tb.fits", "astropy_validate.fits", "midas_tst0006.mt"].map((name) => ({
    name,
    file: Deno.readFileSync(`${FITS}${name}`),
  }));
  const bpa = await packArchive(files, undefined, { level: "fast" });
  const entries = parseV2Archive(bpa).entries as V2FileEntry[];
  assert(entries.every((e) => e.parts.method === 4 || e.parts.method === 5), "byte model parts");
  const opened = await openArchive(bpa);
  for (const [i, { file }] of files.entries()) assertEquals(await opened.rebuild(i), file);
});

Deno.test("byte model: copies of a file are compressed once and rebuilt as separate bytes", async () => {
  const text = new TextEncoder().encode("row 1, 2.5, sample 7\n".repeat(3000));
  const files = ["a/log.txt", "b/log.txt", "c/log.txt"].map((name) => ({ name, file: text }));
  const bpa = await packArchive(files, undefined, { level: "fast" });
  const entries = parseV2Archive(bpa).entries as V2FileEntry[];
  assertEquals(entries.map((e) => e.parts.method), [4, 3, 3]);
  const opened = await openArchive(bpa);
  const first = await opened.rebuild(1);
  assertEquals(first, text);
  first.fill(0); // a caller's change to one rebuilt file is not another's
  assertEquals(await opened.rebuild(2), text);
  assertEquals(await opened.rebuild(0), text);
});

Deno.test("byte model: on workers, the bytes it writes in this thread; pack on two workers writes the in-thread archive", async () => {
  const workers = new CodingWorkers(2);
  try {
    const raw = Deno.readFileSync(`${FITS}astropy_validate.fits`);
    const dictionary = raw.subarray(0, 2880);
    assertEquals(await workers.compressBytes(raw), compressBytes(raw));
    assertEquals(
      await workers.compressBytes(raw.subarray(2880), dictionary),
      compressBytes(raw.subarray(2880), { dictionary }),
    );
    const files = ["midas_dss_test1.fits", "midas_dss_test2.fits", "astropy_validate.fits"]
      .map((name) => ({ name, file: Deno.readFileSync(`${FITS}${name}`) }));
    files.push({ name: "notes.txt", file: new TextEncoder().encode("seeing 1.2\n".repeat(900)) });
    const inThread = await packArchive(files, undefined, { level: "fast" });
    assertEquals(await packArchive(files, undefined, { level: "fast", runner: workers }), inThread);
    const methods = (parseV2Archive(inThread).entries as V2FileEntry[]).map((e) => e.parts.method);
    assert(methods.includes(5) && methods.includes(4), `methods ${methods}`);
    // Unpacking on the workers expands the byte model's parts there, and fails as in this thread.
    const opened = await openArchive(inThread, { runner: workers });
    const rebuilt = await Promise.all(files.map((_, i) => opened.rebuild(i)));
    const byName = new Map(files.map(({ name, file }) => [name, file]));
    assert(rebuilt.every((bytes, i) => sameValues(bytes, byName.get(opened.entries[i].name)!)));
    const parts = await storeParts(raw);
    const cut = { ...parts, data: parts.data.subarray(0, parts.data.length >> 1) };
    const expand = workers.expandBytes.bind(workers);
    await assertRejects(() => expandParts(cut, { expand }), FormatError, "truncated");
    await assertRejects(() => expandParts(cut), FormatError, "truncated");
  } finally {
    workers.close();
  }
});

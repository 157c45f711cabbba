/**
 * TIFF, FITS and DICOM in, and archives that keep files: every layout libtiff writes reads to the
 * same pixels and is rebuilt byte for byte; FITS files of several HDUs; what is refused says why;
 * damaged files and damaged archive parts give an error, never a wrong image or file.
 */
import { openArchive, packArchive } from "../mod.ts";
import { FormatError } from "../src/errors.ts";
import { rebuildFile, splitFile } from "../src/file_parts/file_parts.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { encodeImageFile, loadCodecsFor, readImagePages } from "../src/image/image_file.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { assertOneLine, runCli } from "./cli_run.ts";
import { makeImage, pixelsHash, ROOT } from "./helpers.ts";
import { chunk, concat, header } from "./png_writer.ts";
import { PNG_SIGNATURE } from "../src/image/png_chunks.ts";
import { zlibDeflate } from "../src/deps/zlib_deflate.ts";
import { DICTIONARY_METHODS, OWN_METHODS } from "../src/file_parts/stored_parts.ts";
import { parseV2Archive, serializeV2Archive, type V2FileEntry } from "../src/v2/container.ts";

const LIBTIFF = `${ROOT}tests/formats/libtiff/`;
const read = (name: string) => Deno.readFileSync(`${LIBTIFF}${name}`);
const DICOM = `${ROOT}tests/formats/dicom/`;

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  try {
    readImagePages(bytes);
  } catch (e) {
    assert(e instanceof FormatError, String(e));
    assertMatch(e.message, pattern);
    assert(!e.message.includes("\n"));
    return;
  }
  throw new Error(`accepted, but should refuse with ${pattern}`);
}

function sameImage(a: GrayImage, b: GrayImage, what: string): void {
  assertEquals([a.width, a.height, a.maxValue], [b.width, b.height, b.maxValue], what);
  assert(a.data.every((v, i) => v === b.data[i]), `${what}: pixels differ`);
}

Deno.test("tiff: every libtiff layout reads to the uncompressed file's pixels and is rebuilt byte for byte", () => {
  const names = [...Deno.readDirSync(LIBTIFF)].map((e) => e.name).filter((n) => n.endsWith(".tif"))
    .sort();
  assertEquals(names.length, 14);
  const plain = {
    g8: readImagePages(read("g8.tif")).pages[0],
    g16: readImagePages(read("g16.tif")).pages[0],
  };
  assertEquals([plain.g8.maxValue, plain.g16.maxValue], [255, 65535]);
  for (const name of names) {
    const bytes = read(name);
    const { pages, layout, blocks } = readImagePages(bytes);
    const wanted = name.startsWith("pages")
      ? [plain.g8, plain.g16]
      : [name.startsWith("g16") ? plain.g16 : plain.g8];
    assertEquals(pages.length, wanted.length, name);
    pages.forEach((page, i) => sameImage(page, wanted[i], name));
    // Uncompressed files give sample runs; compressed ones their blocks.
    assertEquals(layout !== undefined, /^g(8|16)(_be|_tiled)?\.tif$/.test(name), name);
    assertEquals(blocks !== undefined, layout === undefined, name);
    const split = splitFile(bytes);
    assertEquals(split.parts?.kind, layout ? "runs" : "tiff", `${name}: ${split.note}`);
    assertEquals(rebuildFile(split.parts!, split.pages), bytes, name);
  }
});

Deno.test("tiff: damaged and unsupported files are refused with a reason", () => {
  const lzw = read("g8_lzw.tif");
  refuses(lzw.subarray(0, lzw.length - 3000), /TIFF|past the end|truncated/);
  // A damaged LZW strip decodes short or to a bad code: an error, not a wrong image.
  const strips = readImagePages(lzw).blocks!.blocks;
  const damaged = lzw.slice();
  damaged.fill(0xff, strips[1].offset, strips[1].offset + 40);
  refuses(damaged, /strip 2/);
  // An IFD that points at itself.
  const loop = read("g8.tif").slice();
  const ifd = new DataView(loop.buffer).getUint32(4, true);
  const entries = new DataView(loop.buffer).getUint16(ifd, true);
  new DataView(loop.buffer).setUint32(ifd + 2 + 12 * entries, ifd, true);
  refuses(loop, /loop/);
  // Colour: three samples a pixel.
  const colour = read("g8.tif").slice();
  const view = new DataView(colour.buffer);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + 12 * i;
    if (view.getUint16(at, true) === 277) view.setUint16(at + 8, 3, true);
  }
  refuses(colour, /colour.*only 8- and 16-bit gray/);
  refuses(new Uint8Array([0x49, 0x49, 43, 0, 8, 0, 0, 0]), /BigTIFF/);
  // The pixel limit holds for all pages together, not only for each (5917 + 4731 pixels).
  assert(readImagePages(read("pages_lzw.tif"), { maxPixels: 10648 }).pages.length === 2);
  try {
    readImagePages(read("pages_lzw.tif"), { maxPixels: 8000 });
    throw new Error("accepted over the limit");
  } catch (e) {
    assert(e instanceof FormatError && e.code === "too-large", String(e));
  }
});

/** A FITS file of the given HDUs (header cards, data bytes), each padded to 2880-byte blocks. */
function fits(hdus: { cards: string[]; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { cards, data } of hdus) {
    const header = [...cards, "END"].map((c) => c.padEnd(80)).join("");
    parts.push(new TextEncoder().encode(header.padEnd(Math.ceil(header.length / 2880) * 2880)));
    const padded = new Uint8Array(Math.ceil(data.length / 2880) * 2880);
    padded.set(data);
    parts.push(padded);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("fits: image extensions, cubes and tables; BITPIX 16 signed or with BZERO; rebuilt byte for byte", () => {
  const signed = new Uint8Array([0xff, 0xfe, 0x00, 0x07, 0x80, 0x00]); // −2, 7, −32768
  const cube = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const file = fits([
    { cards: ["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0", "EXTEND  = T"], data: new Uint8Array() },
    {
      cards: [
        "XTENSION= 'IMAGE   '",
        "BITPIX  = 16",
        "NAXIS   = 2",
        "NAXIS1  = 3",
        "NAXIS2  = 1",
        "PCOUNT  = 0",
        "GCOUNT  = 1",
        "BSCALE  = 1.0",
        "BZERO   = 0",
      ],
      data: signed,
    },
    {
      cards: [
        "XTENSION= 'BINTABLE'",
        "BITPIX  = 8",
        "NAXIS   = 2",
        "NAXIS1  = 4",
        "NAXIS2  = 2",
        "PCOUNT  = 0",
        "GCOUNT  = 1",
        "TFIELDS = 1",
      ],
      data: new TextEncoder().encode("rowsrow2"),
    },
    {
      cards: [
        "XTENSION= 'IMAGE   '",
        "BITPIX  = 8",
        "NAXIS   = 3",
        "NAXIS1  = 2",
        "NAXIS2  = 2",
        "NAXIS3  = 2",
        "PCOUNT  = 0",
        "GCOUNT  = 1",
      ],
      data: cube,
    },
  ]);
  const { pages } = readImagePages(file);
  assertEquals(pages.map((p) => [p.width, p.height, p.maxValue]), [[3, 1, 65535], [2, 2, 255], [
    2,
    2,
    255,
  ]]);
  // Signed 16-bit values read shifted by 32768.
  assertEquals([...pages[0].data], [32766, 32775, 0]);
  assertEquals([...pages[2].data], [5, 6, 7, 8]);
  const split = splitFile(file);
  assertEquals(split.note, "FITS, 3 image planes");
  assertEquals(rebuildFile(split.parts!, split.pages), file);
  refuses(
    fits([{
      cards: ["SIMPLE  = T", "BITPIX  = -32", "NAXIS   = 2", "NAXIS1  = 1", "NAXIS2  = 1"],
      data: new Uint8Array(4),
    }]),
    /image of BITPIX -32 \(32-bit floats\): only uncompressed images of BITPIX 8 and 16/,
  );
  refuses(file.subarray(0, 2880 * 2 + 3), /FITS data of HDU 2 is truncated/);
  // Text from the file is quoted in a refusal, control characters escaped: one line, always.
  const card = (value: string) =>
    fits([{ cards: ["SIMPLE  = T", `BITPIX  = ${value}`, "NAXIS   = 0"], data: new Uint8Array() }]);
  refuses(card("1\n6\x7f"), /BITPIX = "1\\n6\\u007f" is not an integer/);
  refuses(card("16.5"), /BITPIX = "16.5" is not an integer/);
});

Deno.test("cli: a multi-page file is refused by encode with a hint, and packed and unpacked byte for byte", async () => {
  const dir = Deno.makeTempDirSync();
  const encode = await runCli(["encode", "--input", `${LIBTIFF}pages_lzw.tif`, "-o", "x.bpc"], dir);
  assertOneLine(encode, /holds 2 images \(TIFF, 2 pages\).*bpcodec pack/);
  const pack = await runCli(["pack", "--input-dir", LIBTIFF, "-o", "t.bpa", "--json"], dir);
  assertEquals(pack.code, 0, pack.stderr);
  assertEquals(JSON.parse(pack.stdout).exactFiles, 14);
  const list = JSON.parse((await runCli(["list", "--json", "t.bpa"], dir)).stdout);
  for (const entry of list.archives[0].entries) assertEquals(entry.kept, "exact file", entry.name);
  const unpack = await runCli(["unpack", "--input", "t.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  for (const entry of list.archives[0].entries) {
    assertEquals(Deno.readFileSync(`${dir}/out/${entry.name}`), read(entry.name), entry.name);
  }
  assertEquals((await runCli(["verify", "t.bpa"], dir)).code, 0);
  // Damage a kept file's stored parts (the last entry's, just before the archive checksum):
  // unpack refuses the archive and writes nothing; list names the entry.
  const bytes = Deno.readFileSync(`${dir}/t.bpa`);
  bytes[bytes.length - 6] ^= 0x10;
  Deno.writeFileSync(`${dir}/d.bpa`, bytes);
  assertOneLine(
    await runCli(["unpack", "--input", "d.bpa", "--output-dir", "d"], dir),
    /d\.bpa: .*damaged/,
  );
  assert(![...Deno.readDirSync(dir)].some((e) => e.name === "d"));
  const damaged = await runCli(["list", "d.bpa"], dir);
  assertEquals(damaged.code, 1);
  assertMatch(damaged.stdout, /DAMAGED +exact file +pages_lzw\.tif/);
});

const FORMATS = `${ROOT}tests/formats/`;
const expected = Deno.readTextFileSync(`${FORMATS}expected.tsv`).trim().split("\n").slice(1)
  .map((line) => line.split("\t"));

Deno.test("real files from Debian packages: read to the pixels an independent reader sees, or refused", async () => {
  const counts: Record<string, number> = {};
  for (const [file, verdict, pages, width, height, bits, signed, hash] of expected) {
    const bytes = Deno.readFileSync(`${FORMATS}${file}`);
    if (verdict === "refuse") {
      refuses(bytes, /./);
      continue;
    }
    counts[file.split("/")[0]] = (counts[file.split("/")[0]] ?? 0) + 1;
    await loadCodecsFor(bytes); // CharLS, for a JPEG-LS DICOM
    const read = readImagePages(bytes);
    assertEquals(read.pages.length, Number(pages), file);
    assertEquals(
      [read.pages[0].width, read.pages[0].height],
      [Number(width), Number(height)],
      file,
    );
    assertEquals(read.pages[0].maxValue, 2 ** Number(bits) - 1, file);
    assertEquals(read.pages[0].signed ?? false, signed === "1", file);
    // The stored integers as the independent readers saw them.
    assertEquals(await pixelsHash(read.pages), hash, file);
  }
  // At least ten accepted files of each format, several depths, signed and unsigned.
  assert(
    counts.dicom >= 10 && counts.fits >= 10 && counts.libtiff + counts.tiff >= 10,
    JSON.stringify(counts),
  );
});

Deno.test("cli: pack keeps every file of the Debian sets byte for byte, refused images whole", async () => {
  const dir = Deno.makeTempDirSync();
  const pack = await runCli(
    ["pack", "--input-dir", FORMATS, "-o", "f.bpa", "--level", "fast"],
    dir,
  );
  assertEquals(pack.code, 0, pack.stderr);
  const unpack = await runCli(["unpack", "--input", "f.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  const list = JSON.parse((await runCli(["list", "--json", "f.bpa"], dir)).stdout);
  const entries: { name: string; kept: string; note: string }[] = list.archives[0].entries;
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const [file, verdict] of expected) {
    assertEquals(
      Deno.readFileSync(`${dir}/out/${file}`),
      Deno.readFileSync(`${FORMATS}${file}`),
      file,
    );
    const entry = byName.get(file)!;
    assertEquals(entry.kept, "exact file", file);
    // Refused files are kept whole; every other file is coded, the Deflate TIFFs too: tiffcp wrote
    // the made_* ones through libdeflate (Debian's libtiff is built with it), which gives them
    // back where no zlib setting does.
    assertEquals(
      entry.note.startsWith("kept whole"),
      verdict === "refuse",
      `${file}: ${entry.note}`,
    );
    if (/^tiff\/made_.*(zip|deflate)/.test(file)) {
      assertMatch(entry.note, /Deflate-compressed/, file);
    }
  }
});

Deno.test("cli: encode a DICOM, FITS or TIFF; decode to TIFF, DICOM and FITS (and back) with the same pixels", async () => {
  const dir = Deno.makeTempDirSync();
  const inputs = ["dicom/CT_small.dcm", "dicom/nibabel_0.dcm", "fits/midas_tst0001.mt"];
  for (const input of [...inputs, "libtiff/g16_lzw_2.tif"]) {
    const wanted = readImagePages(Deno.readFileSync(`${FORMATS}${input}`)).pages[0];
    const encode = await runCli(
      ["encode", "--input", `${FORMATS}${input}`, "-o", "x.bpc", "-f"],
      dir,
    );
    assertEquals(encode.code, 0, encode.stderr);
    for (const output of ["x.tif", "x.dcm", "x.fits", "x.png"]) {
      const decode = await runCli(["decode", "x.bpc", "-o", output, "-f"], dir);
      assertEquals(decode.code, 0, decode.stderr);
      const back = readImagePages(Deno.readFileSync(`${dir}/${output}`)).pages[0];
      assertEquals(back.data, wanted.data, `${input} as ${output}`);
      // The depth too where the format can say it: BitsStored in DICOM, sBIT in PNG (TIFF and
      // FITS hold 12 bits as 16).
      if (/dcm|png/.test(output)) {
        assertEquals(back.maxValue, wanted.maxValue, `${input} as ${output}`);
      }
    }
  }
  // A PNG with sBIT, packed, is rebuilt byte for byte from its 12-bit pixels.
  Deno.mkdirSync(`${dir}/png`);
  Deno.renameSync(`${dir}/x.png`, `${dir}/png/x.png`);
  await runCli(["encode", "--input", `${FORMATS}dicom/nibabel_0.dcm`, "-o", "x.bpc", "-f"], dir);
  await runCli(["decode", "x.bpc", "-o", "png/twelve.png"], dir);
  assertEquals((await runCli(["pack", "--input-dir", "png", "-o", "p.bpa"], dir)).code, 0);
  const list = JSON.parse((await runCli(["list", "--json", "p.bpa"], dir)).stdout);
  const twelve = list.archives[0].entries.find((e: { name: string }) => e.name === "twelve.png");
  assertEquals([twelve.kept, twelve.note], ["exact file", "PNG"]);
  assertEquals((await runCli(["unpack", "--input", "p.bpa", "--output-dir", "out"], dir)).code, 0);
  for (const name of ["x.png", "twelve.png"]) {
    assertEquals(Deno.readFileSync(`${dir}/out/${name}`), Deno.readFileSync(`${dir}/png/${name}`));
  }
});

/** A deterministic stream of numbers in [0, 1). */
function drawer(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

Deno.test("hostile files: mutated and cut TIFF, DICOM and FITS files read and rebuild exactly, or are refused", () => {
  const files = expected.map(([file]) => Deno.readFileSync(`${FORMATS}${file}`));
  const draw = drawer(2024);
  let refused = 0;
  for (let k = 0; k < 1500; k++) {
    const source = files[Math.floor(draw() * files.length)];
    const mutant = source.slice();
    // Mostly the headers (the first 4 KiB), where a change means most.
    for (let i = 1 + Math.floor(draw() * 6); i > 0; i--) {
      const span = draw() < 0.7 ? Math.min(4096, mutant.length) : mutant.length;
      mutant[Math.floor(draw() * span)] = Math.floor(draw() * 256);
    }
    const input = draw() < 0.2 ? mutant.subarray(0, Math.floor(draw() * mutant.length)) : mutant;
    try {
      readImagePages(input);
      const split = splitFile(input);
      if (split.parts) assertEquals(rebuildFile(split.parts, split.pages), input, `mutant ${k}`);
    } catch (e) {
      assert(e instanceof FormatError, `mutant ${k}: ${e}`);
      assert(e.message !== "" && !/[\n\r]/.test(e.message), `mutant ${k}: ${e.message}`);
      refused++;
    }
  }
  assert(refused > 100, `only ${refused} refused`);
});

Deno.test("hostile archives: a damaged archive that keeps files rebuilds each file exactly, or refuses it", async () => {
  const files = [...Deno.readDirSync(LIBTIFF)].map((e) => e.name).sort().slice(0, 6)
    .map((name) => ({ name, file: read(name) }));
  files.push({ name: "z.txt", file: new TextEncoder().encode("notes ".repeat(40)) });
  const archive = await packArchive(files, undefined, { level: "fast" });
  const draw = drawer(7);
  let rebuilt = 0;
  for (let k = 0; k < 150; k++) {
    const mutant = archive.slice();
    for (let i = 1 + Math.floor(draw() * 3); i > 0; i--) {
      mutant[Math.floor(draw() * mutant.length)] ^= 1 << Math.floor(draw() * 8);
    }
    let opened;
    try {
      opened = await openArchive(mutant, { deferChecksums: true });
    } catch (e) {
      assert(e instanceof FormatError, `mutant ${k}: ${e}`);
      continue;
    }
    for (const [i, entry] of opened.entries.entries()) {
      try {
        const bytes = await opened.rebuild(i);
        // By place, not by name: a damaged name that keeps the order is only caught by the
        // archive checksum (unpack refuses the archive; list and verify say it is damaged).
        assertEquals(bytes, files[i].file, `mutant ${k}: ${entry.name}`);
        rebuilt++;
      } catch (e) {
        assert(e instanceof FormatError, `mutant ${k}: ${entry.name}: ${e}`);
      }
    }
  }
  assert(rebuilt > 100, `only ${rebuilt} rebuilt`);
});

Deno.test("archives: a series' parts are stored against the file before's; a damaged or later dictionary is refused", async () => {
  // pydicom's dicomdirtests: one study's small slices, whose headers differ in a few fields
  const series = [...Deno.readDirSync(DICOM)].map((e) => e.name)
    .filter((name) => /^(CR|CT|MR)\d_\d+\.dcm$/.test(name)).sort()
    .map((name) => ({ name, file: Deno.readFileSync(`${DICOM}${name}`) }));
  assert(series.length >= 4, `${series.length} files`);
  const bpa = await packArchive(series, undefined, { level: "fast" });
  const entries = parseV2Archive(bpa).entries as (V2FileEntry & { partsIntact: boolean })[];
  const primed = entries.flatMap((e, i) => DICTIONARY_METHODS.includes(e.parts.method) ? [i] : []);
  assert(primed.length >= series.length - 2, `${primed.length} of ${series.length}`);
  for (const i of primed) assert(entries[i].parts.dictionaryEntry! < i);
  const opened = await openArchive(bpa);
  for (const [i, { file }] of series.entries()) assertEquals(await opened.rebuild(i), file);
  // Damaged parts of the dictionary entry: that entry and those stored against it refuse, naming it.
  const target = primed[0];
  const dictionary = entries[target].parts.dictionaryEntry!;
  const damaged = entries.map((e, i) => {
    if (i !== dictionary) return e;
    const data = e.parts.data.slice();
    data[data.length >> 1] ^= 16;
    return { ...e, parts: { ...e.parts, data } };
  });
  const bad = await openArchive(
    serializeV2Archive({ modelHash: parseV2Archive(bpa).modelHash, entries: damaged }),
    { deferChecksums: true },
  );
  await assertRejectsWith(() => bad.rebuild(dictionary), /file parts are damaged/);
  await assertRejectsWith(
    () => bad.rebuild(target),
    new RegExp(
      `file parts of entry "${entries[dictionary].name}", this entry's dictionary, are damaged`,
    ),
  );
  // A dictionary entry that is not an earlier kept file is refused when the archive is read.
  const later = entries.map((e, i) =>
    i === target ? { ...e, parts: { ...e.parts, dictionaryEntry: entries.length - 1 } } : e
  );
  const misplaced = serializeV2Archive({
    modelHash: parseV2Archive(bpa).modelHash,
    entries: later,
  });
  await assertRejectsWith(
    () => openArchive(misplaced),
    /dictionary, entry \d+, is not one of the 8 kept files before it/,
  );
  // ... nor one of more than 8 kept files before it (each entry's parts are expanded once).
  const notes = Array.from({ length: 11 }, (_, i) => ({
    name: `note${String(i).padStart(2, "0")}.txt`,
    file: new TextEncoder().encode(`exposure ${i} s, gain 2, filter R\n`.repeat(30)),
  }));
  const texts = parseV2Archive(await packArchive(notes, undefined, { level: "fast" }));
  const far = (texts.entries as V2FileEntry[]).map((e, i) =>
    i === 10 ? { ...e, parts: { ...e.parts, method: 2, dictionaryEntry: 1 } } : e
  );
  assertEquals((texts.entries[10] as V2FileEntry).parts.dictionaryEntry, 9);
  await assertRejectsWith(
    () => openArchive(serializeV2Archive({ modelHash: texts.modelHash, entries: far })),
    /dictionary, entry 1, is not one of the 8 kept files before it/,
  );
});

async function assertRejectsWith(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (e) {
    assert(e instanceof FormatError, String(e));
    assertMatch(e.message, pattern);
    return;
  }
  throw new Error(`resolved, but should refuse with ${pattern}`);
}

Deno.test("cli: pack stores the same pixels in several files once; every file comes back byte for byte", async () => {
  const dir = Deno.makeTempDirSync();
  const image = makeImage(96, 64, (x, y) => (x * 7 + y * 13 + ((x * y) % 11)) & 255);
  Deno.mkdirSync(`${dir}/in`);
  const names = ["scan.dcm", "scan.fits", "scan.pgm", "scan.png", "scan.tif"];
  for (const name of names) Deno.writeFileSync(`${dir}/in/${name}`, encodeImageFile(image, name));
  const pack = await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir);
  assertEquals(pack.code, 0, pack.stderr);
  const entries = parseV2Archive(Deno.readFileSync(`${dir}/a.bpa`)).entries as V2FileEntry[];
  const repeats = entries.map((e) => (e.pages[0] as { sameAs?: number }).sameAs);
  assertEquals(repeats, [undefined, 0, 0, 0, 0]);
  const list = JSON.parse((await runCli(["list", "--json", "a.bpa"], dir)).stdout);
  const bytes: number[] = list.archives[0].entries.map((e: { streamBytes: number }) =>
    e.streamBytes
  );
  assert(bytes.slice(1).every((n) => n < bytes[0] / 4), `entry bytes ${bytes}`);
  assertEquals(list.archives[0].entries[4].repeats, ["scan.dcm"]);
  const listed = await runCli(["list", "a.bpa"], dir);
  assertMatch(listed.stdout, /scan\.tif {2}\(TIFF\) {2}\(pixels stored once, in scan\.dcm\)/);
  const info = await runCli(["info", "a.bpa"], dir);
  assertMatch(info.stdout, /scan\.tif: 96x64, 8-bit.*, the same as scan\.dcm \(stored once\)/);
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  for (const name of names) {
    assertEquals(Deno.readFileSync(`${dir}/out/${name}`), Deno.readFileSync(`${dir}/in/${name}`));
  }
});

Deno.test("archives: a file that recurs is stored once; repeated parts of a later or another entry, or of another length, are refused", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/in/copy`, { recursive: true });
  const image = makeImage(64, 48, (x, y) => (x * 5 + y * 9 + ((x * y) % 7)) & 255);
  const files: Record<string, Uint8Array> = {
    "notes.txt": new TextEncoder().encode("exposure 30 s, gain 2\n".repeat(200)),
    "scan.dcm": encodeImageFile(image, "scan.dcm"),
  };
  for (const [name, bytes] of Object.entries(files)) {
    Deno.writeFileSync(`${dir}/in/${name}`, bytes);
    Deno.writeFileSync(`${dir}/in/copy/${name}`, bytes);
  }
  const pack = await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir);
  assertEquals(pack.code, 0, pack.stderr);
  const listed = await runCli(["list", "a.bpa"], dir);
  assertMatch(
    listed.stdout,
    / 0 bytes .* notes\.txt .*\(the same file as copy\/notes\.txt, stored once\)/,
  );
  assertMatch(
    listed.stdout,
    / 0 bytes .* scan\.dcm .*\(the same file as copy\/scan\.dcm, stored once\)/,
  );
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  for (const name of Object.keys(files)) {
    assertEquals(Deno.readFileSync(`${dir}/out/copy/${name}`), files[name]);
    assertEquals(Deno.readFileSync(`${dir}/out/${name}`), files[name]);
  }
  // Entries in order: copy/notes.txt, copy/scan.dcm, notes.txt, scan.dcm; the later two repeat.
  const bpa = Deno.readFileSync(`${dir}/a.bpa`);
  const { modelHash, entries } = parseV2Archive(bpa);
  const kept = entries as (V2FileEntry & { partsIntact: boolean })[];
  assertEquals(kept.map((e) => e.parts.sameAsEntry), [undefined, undefined, 0, 1]);
  const rewritten = (change: (entries: V2FileEntry[]) => void) => {
    const copy: V2FileEntry[] = kept.map((e) => ({
      ...e,
      ...(e.parts.sameAsEntry !== undefined && { samePartsAs: e.parts.sameAsEntry }),
    }));
    change(copy);
    return serializeV2Archive({ modelHash, entries: copy });
  };
  assertEquals((await openArchive(rewritten(() => {}))).entries.length, 4);
  for (
    const [change, pattern] of [
      [(e: V2FileEntry[]) => e[2].samePartsAs = 3, /repeated parts, entry 3, is not an earlier/],
      [
        (e: V2FileEntry[]) => e[3].samePartsAs = 2,
        /entry 2, is not an earlier kept file with parts/,
      ],
      [
        (e: V2FileEntry[]) => e[2].parts = { ...e[2].parts, rawBytes: e[2].parts.rawBytes + 1 },
        /repeated parts are not of entry 0's length/,
      ],
      [
        (e: V2FileEntry[]) => e[1].parts = { ...e[1].parts, method: 2, dictionaryEntry: 0 },
        /entry 1, is not an earlier kept file with parts stored on their own/,
      ],
    ] as const
  ) await assertRejectsWith(() => openArchive(rewritten(change)), pattern);
  // The writer decides as it goes: a copy of a file whose parts went against a dictionary is no
  // repeat (a repeat's parts are parts stored on their own) but goes against the first copy's.
  const other = makeImage(64, 48, (x, y) => (x * 3 + y) & 255);
  const b = encodeImageFile(other, "b.dcm");
  const series = [
    { name: "a.dcm", file: files["scan.dcm"] },
    { name: "b.dcm", file: b },
    { name: "c.dcm", file: b },
  ];
  const packed = await packArchive(series, undefined, { level: "fast" });
  const stored = (parseV2Archive(packed).entries as V2FileEntry[]).map((e) => e.parts);
  assert(OWN_METHODS.includes(stored[0].method), `method ${stored[0].method}`);
  assert(stored.slice(1).every((p) => DICTIONARY_METHODS.includes(p.method)));
  assertEquals(stored.map((p) => p.dictionaryEntry), [undefined, 0, 1]);
  assert(stored[2].data.length < 24, `${stored[2].data.length} bytes`);
  const opened = await openArchive(packed);
  for (const [i, { file }] of series.entries()) assertEquals(await opened.rebuild(i), file);
});

Deno.test("cli: a FITS cube of 300 blank planes packs its repeated planes in a few bytes and unpacks byte for byte", async () => {
  const dir = Deno.makeTempDirSync();
  const [width, height, planes] = [64, 48, 300];
  const cards = [
    "SIMPLE  =                    T",
    "BITPIX  =                    8",
    "NAXIS   =                    3",
    `NAXIS1  = ${String(width).padStart(20)}`,
    `NAXIS2  = ${String(height).padStart(20)}`,
    `NAXIS3  = ${String(planes).padStart(20)}`,
    "END",
  ].map((card) => card.padEnd(80)).join("");
  const block = (n: number) => Math.ceil(n / 2880) * 2880;
  const file = new Uint8Array(block(cards.length) + block(width * height * planes));
  file.fill(32, 0, block(cards.length));
  file.set(new TextEncoder().encode(cards));
  Deno.mkdirSync(`${dir}/in`);
  Deno.writeFileSync(`${dir}/in/cube.fits`, file);
  const pack = await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir);
  assertEquals(pack.code, 0, pack.stderr);
  assert(Deno.statSync(`${dir}/a.bpa`).size < 4000, `${Deno.statSync(`${dir}/a.bpa`).size} bytes`);
  const pages = (parseV2Archive(Deno.readFileSync(`${dir}/a.bpa`)).entries[0] as V2FileEntry).pages;
  assertEquals(pages.filter((p) => (p as { sameAs?: number }).sameAs === 0).length, planes - 1);
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  assertEquals(Deno.readFileSync(`${dir}/out/cube.fits`), file);
});

Deno.test("cli: a signed image keeps its sign through .bpc: CT in DICOM, TIFF and FITS out, the same values", async () => {
  const dir = Deno.makeTempDirSync();
  const ct = readImagePages(Deno.readFileSync(`${FORMATS}dicom/CT_small.dcm`)).pages[0];
  assertEquals(ct.signed, true);
  const encode = await runCli(
    ["encode", "--input", `${FORMATS}dicom/CT_small.dcm`, "-o", "ct.bpc"],
    dir,
  );
  assertEquals(encode.code, 0, encode.stderr);
  for (const output of ["ct.dcm", "ct.tif", "ct.fits"]) {
    assertEquals((await runCli(["decode", "ct.bpc", "-o", output], dir)).code, 0, output);
    const back = readImagePages(Deno.readFileSync(`${dir}/${output}`)).pages[0];
    assertEquals(back, ct, output);
  }
  const info = JSON.parse((await runCli(["info", "--json", "ct.bpc"], dir)).stdout);
  assertEquals(info.files[0].images[0].signed, true);
});

Deno.test("png: a gray PNG whose image data no zlib setting reproduces keeps its pixels and chunks", async () => {
  const draw = drawer(5);
  const data = new Uint16Array(64 * 64).map((_, i) =>
    ((i % 64) * 3 + Math.floor(draw() * 40)) & 255
  );
  const image = { width: 64, height: 64, maxValue: 255, data };
  const raw = new Uint8Array(64 * 65);
  for (let y = 0; y < 64; y++) raw.set(data.subarray(y * 64, y * 64 + 64), y * 65 + 1);
  // Stored blocks of 100 bytes: a valid zlib stream that no zlib setting writes.
  const stream = [0x78, 0x01];
  for (let at = 0; at < raw.length; at += 100) {
    const n = Math.min(100, raw.length - at);
    stream.push(at + n === raw.length ? 1 : 0, n & 255, n >> 8, ~n & 255, (~n >> 8) & 255);
    stream.push(...raw.subarray(at, at + n));
  }
  let [a, b] = [1, 0];
  for (const v of raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  stream.push(b >> 8, b & 255, a >> 8, a & 255);
  const text = chunk("tEXt", new TextEncoder().encode("Comment\0scanned 2024"));
  const file = concat([
    PNG_SIGNATURE,
    chunk("IHDR", header(64, 64, 8, 0)),
    text,
    chunk("IDAT", Uint8Array.from(stream)),
    chunk("IEND"),
  ]);
  const archive = await openArchive(await packArchive([{ name: "p.png", file }]));
  const entry = archive.entries[0];
  assertEquals([entry.file?.exact, entry.note], [
    false,
    "pixels and chunks: no zlib setting reproduces its image data",
  ]);
  const back = await archive.rebuild(0);
  sameImage(readImagePages(back).pages[0], image, "pixels");
  const hasText = (bytes: Uint8Array) =>
    new TextDecoder("latin1").decode(bytes).includes("Comment\0scanned 2024");
  assert(hasText(back), "the tEXt chunk is kept");
  assert(back.length !== file.length, "another image data stream");
});

Deno.test("png: gray pixels stored as RGB, RGBA, gray+alpha or a palette are coded and rebuilt byte for byte", async () => {
  const draw = drawer(11);
  const [width, height] = [13, 9];
  const grays = Array.from({ length: width * height }, (_, i) => (i * 5 + (draw() * 9) | 0) & 255);
  // A PNG whose pixels hold these stored values (one array of channel samples per pixel), rows
  // filtered with Sub (1), packed below 8 bits, deflated by zlib.
  const make = (colorType: number, depth: number, pixels: number[][], extra: Uint8Array[] = []) => {
    const raw: number[] = [];
    const bpp = Math.max(1, (depth * pixels[0].length) >> 3);
    for (let y = 0; y < height; y++) {
      const samples = pixels.slice(y * width, (y + 1) * width).flat();
      let row = depth === 16 ? samples.flatMap((v) => [v >> 8, v & 255]) : samples;
      if (depth < 8) {
        const packed = new Array(Math.ceil(width * depth / 8)).fill(0);
        for (let x = 0; x < width; x++) {
          packed[(x * depth) >> 3] |= samples[x] << (8 - depth - ((x * depth) & 7));
        }
        row = packed;
      }
      raw.push(1, ...row.map((v, i) => (v - (i >= bpp ? row[i - bpp] : 0)) & 255));
    }
    return concat([
      PNG_SIGNATURE,
      chunk("IHDR", header(width, height, depth, colorType)),
      ...extra,
      chunk("IDAT", zlibDeflate(Uint8Array.from(raw), 9)),
      chunk("IEND"),
    ]);
  };
  const palette = (entries: number[]) =>
    chunk("PLTE", Uint8Array.from(entries.flatMap((g) => [g, g, g])));
  const reversed = Array.from({ length: 256 }, (_, i) => 255 - i);
  const sixteen = Array.from({ length: 16 }, (_, i) => i * 17);
  const files: [string, Uint8Array][] = [
    ["rgb8.png", make(2, 8, grays.map((g) => [g, g, g]))],
    ["rgb16.png", make(2, 16, grays.map((g) => [g * 257, g * 257, g * 257]))],
    ["rgba8.png", make(6, 8, grays.map((g) => [g, g, g, 255]))],
    ["gray_alpha16.png", make(4, 16, grays.map((g) => [g * 251, 65535]))],
    ["palette8.png", make(3, 8, grays.map((g) => [255 - g]), [palette(reversed)])],
    ["palette4.png", make(3, 4, grays.map((g) => [g >> 4]), [palette(sixteen)])],
  ];
  const archive = await openArchive(
    await packArchive(files.map(([name, file]) => ({ name, file }))),
  );
  for (const [name, file] of files) {
    const i = archive.entries.findIndex((entry) => entry.name === name);
    assertEquals([archive.entries[i].file?.exact, archive.entries[i].note], [true, "PNG"], name);
    assertEquals(await archive.rebuild(i), file, name);
  }
  // A palette giving one gray two indices, both used: the same pixels and chunks, not the bytes.
  const twice = make(3, 8, grays.map((_, i) => [i % 3]), [palette([10, 10, 20])]);
  const kept = await openArchive(await packArchive([{ name: "twice.png", file: twice }]));
  assertEquals(
    [kept.entries[0].file?.exact, kept.entries[0].note],
    [false, "pixels and chunks: its palette gives a gray more than one index"],
  );
  const back = await kept.rebuild(0);
  sameImage(readImagePages(back).pages[0], readImagePages(twice).pages[0], "pixels");
  assert(back.length !== twice.length || back.some((b, i) => b !== twice[i]), "other bytes");
});

/**
 * Archives written in one pass: `packArchiveStream`'s pieces, with the entry count it returns
 * written over the first piece's, are `packArchive`'s bytes; entries must come in name order; a
 * copy of pixels that the archive cannot repeat yet is coded again; `pack` writes an archive as
 * it codes it, to a file or (whole) to stdout.
 */
import {
  type ArchiveEntry,
  type ArchiveFile,
  openArchive,
  packArchive,
  packArchiveStream,
} from "../src/codec.ts";
import { ByteWriter } from "../src/bytes.ts";
import { DICTIONARY_METHODS } from "../src/file_parts/stored_parts.ts";
import { encodeImageFile } from "../src/image/image_file.ts";
import { parseV2Archive, type V2FileEntry, type V2ReadImage } from "../src/v2/container.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { makeImage } from "./helpers.ts";

const scan = makeImage(40, 30, (x, y) => (x * 7 + y * 3) & 255);
const other = makeImage(40, 30, (x, y) => (x * y) & 255);
const text = new TextEncoder().encode("scanned 2024, slices 1 and 2\n".repeat(20));

/** Kept files and pixels: a TIFF and a DICOM of the same pixels, copies, text. */
const entries: (ArchiveEntry | ArchiveFile)[] = [
  { name: "a/scan.dcm", file: encodeImageFile(scan, "scan.dcm") },
  { name: "a/scan.tif", file: encodeImageFile(scan, "scan.tif") },
  { name: "b/notes.txt", file: text },
  { name: "b/other.dcm", file: encodeImageFile(other, "other.dcm") },
  { name: "c/copy.pgm", image: scan },
  { name: "c/notes.txt", file: text },
  { name: "c/scan.tif", file: encodeImageFile(scan, "scan.tif") },
];

/** The archive `pieces` make, its count written in, and what the stream returned. */
async function assembled(pieces: ReturnType<typeof packArchiveStream>) {
  const w = new ByteWriter();
  let next = await pieces.next();
  const first = next.value as Uint8Array;
  for (; !next.done; next = await pieces.next()) w.bytes(next.value);
  const bytes = w.finish().slice();
  const { countAt } = next.value;
  // The first piece holds a count of 0: the true one is known at the end.
  assertEquals([...first.subarray(countAt, countAt + 4)], [0, 0, 0, 0]);
  bytes.set(next.value.count, countAt);
  return { bytes, end: next.value };
}

Deno.test("packArchiveStream: its pieces and count are packArchive's archive, written in one pass", async () => {
  const { bytes, end } = await assembled(packArchiveStream(entries, undefined, { level: "fast" }));
  assertEquals(bytes, await packArchive(entries.toReversed(), undefined, { level: "fast" }));
  assertEquals(new DataView(end.count.buffer).getUint32(0, true), entries.length);
  assertEquals(
    end.entries.map((e) => [e.name, e.pixels, e.kept?.exact]),
    entries.map((e) => [e.name, e.name.endsWith(".txt") ? 0 : 1200, "file" in e || undefined]),
  );
  // Stored once: the TIFF's, the copy's and the second TIFF's pixels repeat the DICOM's; the
  // second notes.txt's and TIFF's parts repeat the first's; the second DICOM's header goes
  // against the first's.
  const parsed = parseV2Archive(bytes).entries;
  const page = (i: number) => (parsed[i] as V2FileEntry & { pages: V2ReadImage[] }).pages[0];
  assertEquals([page(1).sameAs, (parsed[4] as V2ReadImage).sameAs, page(6).sameAs], [0, 0, 0]);
  const parts = (i: number) => (parsed[i] as V2FileEntry).parts;
  assertEquals([parts(5).sameAsEntry, parts(6).sameAsEntry], [2, 1]);
  assert(DICTIONARY_METHODS.includes(parts(3).method), `method ${parts(3).method}`);
  assertEquals(parts(3).dictionaryEntry, 0);
  const archive = await openArchive(bytes);
  for (const [i, entry] of entries.entries()) {
    if ("file" in entry) assertEquals(await archive.rebuild(i), entry.file);
    else assertEquals(await archive.decode(i), entry.image);
  }
  // Entries that do not come in name order are refused, naming both.
  async function* reversed() {
    yield* entries.toReversed();
  }
  await assertRejects(
    () => packArchive(reversed(), undefined, { level: "fast" }),
    Error,
    `entry "c/notes.txt" comes after "c/scan.tif": entries must come in the order of their names`,
  );
});

Deno.test("packArchiveStream: pixels the archive cannot repeat yet are coded again", async () => {
  // A blank 2048 × 2048 page codes in a few bytes: 4 Mi pixels more than the bytes before a copy
  // can stand for (2^14 a byte), so the first copy is coded again; that record is a repeat's.
  const blank = makeImage(2048, 2048, () => 0);
  const pages = ["a.pgm", "b.pgm", "c.pgm"].map((name) => ({ name, image: blank }));
  const bytes = await packArchive(pages, undefined, { level: "fast" });
  const parsed = parseV2Archive(bytes).entries as V2ReadImage[];
  assertEquals(parsed.map((e) => e.sameAs), [undefined, undefined, undefined]);
  assert(parsed[1].tiles.length > 0);
  const archive = await openArchive(bytes);
  for (let i = 0; i < 3; i++) assertEquals(await archive.decode(i), blank);
});

Deno.test("cli: pack writes the archive as it codes it, to a file or whole to stdout", async () => {
  const dir = Deno.makeTempDirSync();
  for (const entry of entries) {
    Deno.mkdirSync(`${dir}/in/${entry.name.split("/")[0]}`, { recursive: true });
    const bytes = "file" in entry ? entry.file : encodeImageFile(entry.image, entry.name);
    Deno.writeFileSync(`${dir}/in/${entry.name}`, bytes);
  }
  // A file --keep-going skips: the count, known at the end, is written over the start's.
  Deno.writeFileSync(`${dir}/in/c/broken.png`, new Uint8Array([137, 80, 78, 71]));
  const pack = (output: string) =>
    runCli(["pack", "--input-dir", "in", "-o", output, "--keep-going", "--pixels-only"], dir);
  const file = await pack("a.bpa");
  assertEquals(file.code, 3, file.stderr);
  const stdout = await pack("-");
  assertEquals(stdout.code, 3, stdout.stderr);
  assertEquals(stdout.stdoutBytes, Deno.readFileSync(`${dir}/a.bpa`));
  const archive = await openArchive(stdout.stdoutBytes);
  assertEquals(archive.entries.map((e) => e.name), [
    "a/scan.dcm",
    "a/scan.tif",
    "b/other.dcm",
    "c/copy.pgm",
    "c/scan.tif",
  ]);
  // Files only, no pixels: their bits per pixel are 0, not a division by zero.
  Deno.mkdirSync(`${dir}/notes`);
  Deno.writeFileSync(`${dir}/notes/a.txt`, text);
  const notes = await runCli(["pack", "--input-dir", "notes", "-o", "n.bpa", "--json"], dir);
  assertEquals(notes.code, 0, notes.stderr);
  assertEquals([JSON.parse(notes.stdout).pixels, JSON.parse(notes.stdout).bpp], [0, 0]);
  // Nothing packed: no archive appears, and no temporary file is left.
  Deno.mkdirSync(`${dir}/bad`);
  Deno.writeFileSync(`${dir}/bad/broken.png`, new Uint8Array([137, 80, 78, 71]));
  const none = await runCli(
    ["pack", "--input-dir", "bad", "-o", "out/none.bpa", "--keep-going", "--pixels-only"],
    dir,
  );
  assertEquals(none.code, 1, none.stderr);
  assertEquals([...Deno.readDirSync(`${dir}/out`)], []);
});

Deno.test("cli: an archive or an image in a pipe (a FIFO) is read whole, from its first byte", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/in`);
  Deno.writeFileSync(`${dir}/in/a.pgm`, encodeImageFile(scan, "a.pgm"));
  Deno.writeFileSync(`${dir}/in/b.pgm`, encodeImageFile(other, "b.pgm"));
  assertEquals((await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir)).code, 0);
  const fifo = `${dir}/pipe`;
  assertEquals((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const through = async (file: string, args: string[]) => {
    // The writer gives up after 60 s: a reader that never opens the pipe fails, not hangs.
    const cat = ["60", "sh", "-c", `cat ${file} > pipe`];
    const writer = new Deno.Command("timeout", { args: cat, cwd: dir }).spawn();
    const run = await runCli(args, dir);
    assertEquals((await writer.status).code, 0);
    return run;
  };
  const list = await through("a.bpa", ["list", "pipe"]);
  assertEquals(list.code, 0, list.stderr);
  assertMatch(list.stdout, /pipe: v2 archive, 2 entries/);
  const unpack = await through("a.bpa", ["unpack", "--input", "pipe", "--output-dir", "out"]);
  assertEquals(unpack.code, 0, unpack.stderr);
  assertEquals(Deno.readFileSync(`${dir}/out/b.pgm`), Deno.readFileSync(`${dir}/in/b.pgm`));
  const encode = await through("in/a.pgm", ["encode", "pipe", "-o", "a.bpc"]);
  assertEquals(encode.code, 0, encode.stderr);
  const decode = await runCli(["decode", "a.bpc", "-o", "a.pgm"], dir);
  assertEquals(decode.code, 0, decode.stderr);
  assertEquals(Deno.readFileSync(`${dir}/a.pgm`), Deno.readFileSync(`${dir}/in/a.pgm`));
});

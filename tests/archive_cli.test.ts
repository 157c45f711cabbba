/**
 * The archive commands from the command line: `unpack`/`extract` never write outside the output
 * folder and leave nothing behind on a failure; `list`, `extract`, `verify` of archives; `pack`
 * and `train` with `--keep-going`.
 */
import { encodeImage } from "../mod.ts";
import { OutputFolder } from "../src/cli/output_folder.ts";
import { encodeImageFile } from "../src/image/image_file.ts";
import { encodePngFile } from "./fast_png.ts";
import { encodeV2Image } from "../src/v2/image_codec.ts";
import { parseV2Archive, type V2FileEntry } from "../src/v2/container.ts";
import { defaultModel } from "../src/model_file.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { uncheckedV2Archive } from "./archive_writer.ts";
import { assertOneLine, runCli } from "./cli_run.ts";
import { makeImage } from "./helpers.ts";

/** Every path under `dir` (folders end with `/`, links with `@`), sorted. */
function tree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = `${prefix}${e.name}`;
    if (e.isSymlink) out.push(`${path}@`);
    else if (e.isDirectory) out.push(`${path}/`, ...tree(`${dir}/${e.name}`, `${path}/`));
    else out.push(path);
  }
  return out.sort();
}

const images = [1, 2, 3].map((k) => makeImage(16, 12, (x, y) => (x * k * 9 + y * 5) & 255));

/** A folder of three images, `a.pgm`, `sub/b.png`, `sub/c.pgm`, and its archive `a.bpa`. */
async function packed(dir: string): Promise<void> {
  Deno.mkdirSync(`${dir}/in/sub`, { recursive: true });
  Deno.writeFileSync(`${dir}/in/a.pgm`, encodeImageFile(images[0], "a.pgm"));
  // Written by another PNG library (fast-png, deflating with fflate): no zlib setting makes its
  // image data, so the archive keeps its pixels and chunks, not its bytes.
  const { width, height, data } = images[1];
  const png = encodePngFile({ width, height, data: Uint8Array.from(data), depth: 8, channels: 1 });
  Deno.writeFileSync(`${dir}/in/sub/b.png`, png);
  Deno.writeFileSync(`${dir}/in/sub/c.pgm`, encodeImageFile(images[2], "c.pgm"));
  const pack = await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir);
  assertEquals(pack.code, 0, pack.stderr);
}

Deno.test("unpack: never writes through a symbolic link, even with --force", async () => {
  const dir = Deno.makeTempDirSync();
  await packed(dir);
  const elsewhere = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/out`);
  Deno.symlinkSync(elsewhere, `${dir}/out/sub`);
  for (const force of [[], ["--force"]]) {
    const run = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out", ...force], dir);
    assertOneLine(run, /out\/sub: is a symbolic link/);
    assertEquals(tree(`${dir}/out`), ["sub@"]);
    assertEquals(tree(elsewhere), []);
  }
  // A link as the last component (a file's name) is not written through either.
  Deno.removeSync(`${dir}/out/sub`);
  Deno.symlinkSync(`${elsewhere}/a.pgm`, `${dir}/out/a.pgm`);
  const run = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out", "-f"], dir);
  assertOneLine(run, /out\/a\.pgm: is a symbolic link/);
  assertEquals(tree(elsewhere), []);
});

Deno.test("unpack: clashes, long names and existing files are refused before writing", async () => {
  const dir = Deno.makeTempDirSync();
  const model = await defaultModel();
  const coded = await encodeV2Image(images[0], model.params, "auto");
  const write = (name: string, names: string[]) =>
    Deno.writeFileSync(
      `${dir}/${name}`,
      uncheckedV2Archive({
        modelHash: model.hash,
        entries: names.map((name) => ({ name, ...coded })),
      }),
    );
  write("clash.bpa", ["a", "a/b.pgm"]);
  assertOneLine(
    await runCli(["unpack", "--input", "clash.bpa", "--output-dir", "out"], dir),
    /clash\.bpa: entry name "a" is both a file and a folder/,
  );
  const long = `${"x".repeat(300)}.pgm`;
  write("long.bpa", ["a.pgm", long]);
  assertOneLine(
    await runCli(["unpack", "--input", "long.bpa", "--output-dir", "out"], dir),
    /longer than 255 bytes/,
  );
  write("dot.bpa", ["."]);
  assertOneLine(
    await runCli(["unpack", "--input", "dot.bpa", "--output-dir", "out"], dir),
    /"\." component/,
  );
  assertEquals(tree(dir).filter((p) => p.startsWith("out")), []);
  write("two.bpa", ["a.pgm", "b.pgm"]);
  Deno.mkdirSync(`${dir}/out`);
  Deno.writeTextFileSync(`${dir}/out/b.pgm`, "mine");
  assertOneLine(
    await runCli(["unpack", "--input", "two.bpa", "--output-dir", "out"], dir),
    /out\/b\.pgm: already exists \(use --force/,
  );
  assertEquals(tree(`${dir}/out`), ["b.pgm"]);
  const forced = await runCli(["unpack", "--input", "two.bpa", "--output-dir", "out", "-f"], dir);
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals(tree(`${dir}/out`), ["a.pgm", "b.pgm"]);
});

Deno.test("unpack: a damaged entry leaves nothing behind, not even the folder it made", async () => {
  const dir = Deno.makeTempDirSync();
  const model = await defaultModel();
  const good = await encodeV2Image(images[0], model.params, "auto");
  const bad = { ...good, tiles: [{ ...good.tiles[0], tileCrc: good.tiles[0].tileCrc ^ 1 }] };
  const archive = uncheckedV2Archive({
    modelHash: model.hash,
    entries: [
      { name: "a/one.pgm", ...good },
      { name: "a/two.pgm", ...good },
      { name: "b/three.pgm", ...bad },
    ],
  });
  Deno.writeFileSync(`${dir}/bad.bpa`, archive);
  assertOneLine(
    await runCli(["unpack", "--input", "bad.bpa", "--output-dir", "new/out"], dir),
    /bad\.bpa: entry "b\/three\.pgm": decoded image is damaged/,
  );
  assertEquals(tree(dir), ["bad.bpa"]);
  Deno.mkdirSync(`${dir}/kept`);
  Deno.writeTextFileSync(`${dir}/kept/x.txt`, "x");
  assertEquals(
    (await runCli(["unpack", "--input", "bad.bpa", "--output-dir", "kept"], dir)).code,
    1,
  );
  assertEquals(tree(`${dir}/kept`), ["x.txt"]);
});

Deno.test("output folder: names differing only in case clash where the file system ignores case", async () => {
  const dir = Deno.makeTempDirSync();
  for (
    const [names, clash] of [
      [["A.pgm", "a.pgm"], /A\.pgm.*clashes with "a\.pgm"|a\.pgm.*clashes with "A\.pgm"/],
      [["Sub/x.pgm", "sub"], /clashes/],
      [["sub", "Sub/x.pgm"], /clashes/],
      [["caf\u00e9.pgm", "cafe\u0301.pgm"], /clashes/],
    ] as const
  ) {
    await assertRejects(
      () => OutputFolder.open(`${dir}/out`, names, { force: false, ignoresCase: true }),
      clash,
    );
    assertEquals(tree(dir), []);
  }
  const folder = await OutputFolder.open(`${dir}/out`, ["A.pgm", "a.pgm"], {
    force: false,
    ignoresCase: false,
  });
  await folder.abandon();
  assertEquals(tree(dir), []);
});

Deno.test("list, extract and verify archives", async () => {
  const dir = Deno.makeTempDirSync();
  await packed(dir);
  const list = await runCli(["list", "a.bpa"], dir);
  assertEquals(list.code, 0, list.stderr);
  assertMatch(list.stdout, /v2 archive, 3 entries/);
  // fast-png deflates as no zlib setting does: the PNG's pixels and chunks are kept.
  assertMatch(
    list.stdout,
    /16x12 +\d+ bytes +[\d.]+ bpp +ok +exact pixels +sub\/b\.png {2}\(pixels and chunks: /,
  );
  assertMatch(list.stdout, /16x12 +\d+ bytes +[\d.]+ bpp +ok +exact file +a\.pgm {2}\(PGM\)/);
  const json = JSON.parse((await runCli(["list", "--json", "a.bpa"], dir)).stdout);
  assertEquals(json.archives[0].entries.map((e: { name: string }) => e.name), [
    "a.pgm",
    "sub/b.png",
    "sub/c.pgm",
  ]);
  const extract = await runCli(["extract", "a.bpa", "sub/", "--output-dir", "x"], dir);
  assertEquals(extract.code, 0, extract.stderr);
  assertEquals(tree(`${dir}/x`), ["sub/", "sub/b.png", "sub/c.pgm"]);
  assertEquals(Deno.readFileSync(`${dir}/x/sub/c.pgm`), Deno.readFileSync(`${dir}/in/sub/c.pgm`));
  assertOneLine(await runCli(["extract", "a.bpa", "nope.pgm"], dir), /no entry named "nope\.pgm"/);
  assertEquals((await runCli(["verify", "a.bpa"], dir)).code, 0);

  // Damage one stream byte: list and verify name that entry; the others still check out.
  const bytes = Deno.readFileSync(`${dir}/a.bpa`);
  const damaged = bytes.slice();
  // a byte in the middle of sub/c.pgm's stream (the archive's records are views of its bytes)
  const { stream } = (parseV2Archive(bytes).entries[2] as V2FileEntry).pages[0].tiles[0];
  damaged[stream.byteOffset - bytes.byteOffset + (stream.length >> 1)] ^= 0x40;
  Deno.writeFileSync(`${dir}/d.bpa`, damaged);
  const dlist = await runCli(["list", "d.bpa"], dir);
  assertEquals(dlist.code, 1);
  assertMatch(dlist.stdout, /archive checksum DAMAGED/);
  assertMatch(dlist.stdout, /DAMAGED +exact file +sub\/c\.pgm/);
  assertMatch(dlist.stdout, /ok +exact file +a\.pgm/);
  const verify = await runCli(["verify", "--json", "d.bpa"], dir);
  assertEquals(verify.code, 1);
  const verdict = JSON.parse(verify.stdout);
  assertEquals(verdict.ok, false);
  assertEquals(verdict.failedEntries.map((e: { name: string }) => e.name), ["sub/c.pgm"]);
  assertOneLine(
    await runCli(["unpack", "--input", "d.bpa", "--output-dir", "o"], dir),
    /d\.bpa: .*damaged/,
  );
  assert(!tree(dir).includes("o/"));
});

Deno.test("list and info show a name holding a newline or an escape sequence quoted, on one line", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/in`);
  // Names a file system allows and a terminal acts on: a line break, a colour escape.
  Deno.writeFileSync(`${dir}/in/line\nbreak.pgm`, encodeImageFile(images[0], "a.pgm"));
  Deno.writeTextFileSync(`${dir}/in/\u001b[31mred.txt`, "notes");
  const pack = await runCli(["pack", "--input-dir", "in", "-o", "a.bpa"], dir);
  assertEquals(pack.code, 0, pack.stderr);
  for (const command of ["list", "info"]) {
    const run = await runCli([command, "a.bpa"], dir);
    assertEquals(run.code, 0, run.stderr);
    assert(!run.stdout.includes("\u001b"), `${command}: a raw escape in ${run.stdout}`);
    assertMatch(run.stdout, /"\\u001b\[31mred\.txt"/);
    assertMatch(run.stdout, /"line\\nbreak\.pgm"/);
  }
  // Unpacked, the names are the files' own again.
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  assertEquals(Deno.readTextFileSync(`${dir}/out/\u001b[31mred.txt`), "notes");
  assert(Deno.statSync(`${dir}/out/line\nbreak.pgm`).isFile);
});

Deno.test("verify: .bpc files are decoded and checked, several files at once", async () => {
  const dir = Deno.makeTempDirSync();
  const bpc = await encodeImage(images[0]);
  Deno.writeFileSync(`${dir}/a.bpc`, bpc);
  const damaged = bpc.slice();
  damaged[damaged.length - 3] ^= 1;
  Deno.writeFileSync(`${dir}/b.bpc`, damaged);
  Deno.writeFileSync(`${dir}/c.pgm`, encodeImageFile(images[1], "c.pgm"));
  const run = await runCli(["verify", "a.bpc", "b.bpc", "c.pgm"], dir);
  assertEquals(run.code, 1);
  assertMatch(run.stdout, /PASS: a\.bpc/);
  assertMatch(run.stdout, /FAIL: b\.bpc, .*checksum mismatch/);
  assertMatch(run.stdout, /PASS: c\.pgm/);
  assertEquals(tree(dir), ["a.bpc", "b.bpc", "c.pgm"]);
});

Deno.test("pack and train --keep-going skip what they cannot read, and say so in the exit code", async () => {
  const dir = Deno.makeTempDirSync();
  await packed(dir);
  Deno.writeFileSync(`${dir}/in/colour.ppm`, new TextEncoder().encode("P3\n1 1\n255\n1 2 3\n"));
  Deno.writeFileSync(`${dir}/in/back\\slash.pgm`, encodeImageFile(images[0], "x.pgm"));
  const strict = await runCli(["pack", "--input-dir", "in", "-o", "s.bpa"], dir);
  assertOneLine(strict, /in\/back\\slash\.pgm: unsafe entry name/);
  const pack = await runCli(
    ["pack", "--input-dir", "in", "-o", "k.bpa", "--keep-going", "--json"],
    dir,
  );
  assertEquals(pack.code, 3, pack.stderr);
  const result = JSON.parse(pack.stdout);
  // A file bpcodec does not code as an image is kept whole, with a warning; --pixels-only skips it.
  assertEquals([result.images, result.files], [3, 4]);
  assertEquals(result.skipped.map((s: { file: string }) => s.file), ["in/back\\slash.pgm"]);
  assertMatch(pack.stderr, /in\/colour\.ppm: kept whole: colour PPM/);
  assertMatch(pack.stderr, /in\/sub\/b\.png: pixels and chunks: no zlib setting reproduces/);
  assertEquals(pack.stderr.trim().split("\n").length, 3);
  const list = JSON.parse((await runCli(["list", "--json", "k.bpa"], dir)).stdout);
  assertEquals(list.archives[0].entries.length, 4);
  const pixels = await runCli(
    ["pack", "--input-dir", "in", "-o", "p.bpa", "--keep-going", "--pixels-only", "--json"],
    dir,
  );
  assertEquals(pixels.code, 3, pixels.stderr);
  assertEquals(JSON.parse(pixels.stdout).skipped.map((s: { file: string }) => s.file), [
    "in/back\\slash.pgm",
    "in/colour.ppm",
  ]);
  const train = await runCli(
    ["train", "--input-dir", "in", "--model", "m.bpm", "--keep-going", "--format", "classic"],
    dir,
  );
  assertEquals(train.code, 3, train.stderr);
  assertMatch(train.stderr, /skipped: in\/colour\.ppm: colour PPM/);
});

import { decodeImage, encodeImage, packArchive, trainModel, unpackArchive } from "../mod.ts";
import { FormatError } from "../src/errors.ts";
import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { defaultModel, parseModel } from "../src/model_file.ts";
import {
  CODER_NAMES,
  parseV2Image,
  serializeV2Image,
  V2_IMAGE_VERSION,
} from "../src/v2/container.ts";
import { encodeV2Image } from "../src/v2/image_codec.ts";
import { defaultV2Model } from "../src/v2/model.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { toHex } from "../src/sha256.ts";
import { makeImage, randomGenerator, ROOT, SHARED } from "./helpers.ts";

const rand = randomGenerator(5);
const image8 = makeImage(40, 30, (x, y) => (x * 5 + y * 3 + (rand() & 7)) & 255);
const image12 = makeImage(33, 17, (x, y) => (x * 100 + y * 37 + (rand() & 63)) & 4095, 65535);

Deno.test("v2 files: the default format codes 8- and 12-in-16-bit images losslessly", async () => {
  for (const image of [image8, image12, makeImage(1, 1, () => 0), makeImage(5, 1, () => 255)]) {
    const bpc = await encodeImage(image);
    assertEquals(new TextDecoder().decode(bpc.subarray(0, 4)), "BPC2");
    assertEquals(await decodeImage(bpc), image);
  }
  // Only the significant planes are coded: 12 of the 16 bits of the container.
  assertEquals(parseV2Image(await encodeImage(image12)).image.tiles[0].bits, 12);
});

Deno.test("v2 files: damage anywhere is an error, never a wrong image", async () => {
  const bpc = await encodeImage(image8);
  const damage = (at: number, value?: number) => {
    const b = bpc.slice();
    b[at] = value ?? b[at] ^ 1;
    return b;
  };
  // Version 5: magic, version, 8 bytes of the model hash (6…13), coder (14), flags (15: one
  // tile), varints width 40, height 30, maxval 255 (18, 19), then the tile: its head (20: bits − 1,
  // inverted, primed, packed), tile checksum (21…24), stream checksum (25…28), stream length (29,
  // 30: a two-byte varint) and stream.
  const head = bpc[20];
  assertEquals(bpc[15], 2);
  const cases: [Uint8Array, RegExp][] = [
    [damage(0), /magic/],
    [damage(4, 7), /version/],
    [damage(4), /unknown image flag bits 0x2/], // version 4, which knows no one-tile flag
    [damage(10), /model mismatch|built-in/],
    [damage(14, CODER_NAMES.length), /unknown coder/],
    [damage(14, 2), /damaged|trailing|truncated|final bytes/], // read as coded at the max level
    [damage(15), /tile checksum/], // the signed flag set: the checksum covers it
    [damage(15, 0), /tile size|trailing|truncated|stream/], // the tile's head read as its width
    [damage(15, 6), /unknown image flag/],
    [damage(16), /trailing|truncated|final bytes|tile checksum/], // one tile of 41 columns
    [damage(18), /tile checksum/], // maxval 254
    [damage(19), /shortest form/], // 255 as 0xff 0x00
    [damage(20, head | 128), /unknown tile flag/],
    [damage(20, head | 64), /value table|packed tile|truncated|trailing|final bytes/], // packed
    [damage(20, head ^ 32), /damaged|trailing|truncated|final bytes|primer/], // primed flipped
    [damage(20, head ^ 16), /tile checksum/], // inverted flipped
    [damage(21), /tile checksum/],
    [damage(25), /stream checksum/],
    [damage(29), /truncated|trailing|final bytes|stream checksum/], // one byte more or less
    [damage(bpc.length - 1), /stream checksum/],
    [bpc.subarray(0, bpc.length - 1), /truncated/],
    [Uint8Array.of(...bpc, 0), /trailing/],
  ];
  for (const [bytes, reason] of cases) {
    await assertRejects(() => decodeImage(bytes), (e: Error) => {
      assertMatch(e.message, reason);
      return e instanceof FormatError;
    });
  }
});

Deno.test("v2 files: a trained model is required by its files and checked by hash", async () => {
  const model = await trainModel([image8, image12]);
  assertEquals(model.format, "v2");
  const parsed = await parseModel(model.bytes);
  assertEquals(parsed.hash, model.hash);
  const bpc = await encodeImage(image8, model);
  assertEquals(await decodeImage(bpc, parsed), image8);
  await assertRejects(
    () => decodeImage(bpc),
    (e: FormatError) => e.code === "model-required" && /its model is needed/.test(e.message),
  );
  const builtIn = await defaultModel();
  await assertRejects(() => decodeImage(bpc, builtIn), /model mismatch/);
  const damaged = model.bytes.slice();
  damaged[damaged.length - 1] ^= 1;
  await assertRejects(() => parseModel(damaged), /checksum/);
});

Deno.test("v2 files: archives embed a trained model and refer to the built-in one", async () => {
  const entries = [{ name: "a.pgm", image: image8 }, { name: "deep/b.png", image: image12 }];
  const builtIn = await packArchive(entries);
  const trained = await trainModel([image8]);
  const embedded = await packArchive(entries, trained);
  assertEquals([builtIn[6], embedded[6]], [0, 1]); // the "model embedded" flag
  for (const bytes of [builtIn, embedded]) {
    const out = await unpackArchive(bytes);
    assertEquals(out.entries, entries);
    const damaged = bytes.slice();
    damaged[bytes.length - 10] ^= 1;
    await assertRejects(() => unpackArchive(damaged), /checksum/);
  }
  await assertRejects(() => packArchive([{ name: "../x.pgm", image: image8 }]), /unsafe/);
});

Deno.test("cli v2: 16-bit PGM with the built-in model, pack/unpack, info", async () => {
  const dir = Deno.makeTempDirSync();
  const source = `${SHARED}corpus16/medical/test/`;
  const name = [...Deno.readDirSync(source)].map((e) => e.name).sort()[0];
  Deno.mkdirSync(`${dir}/in/sub`, { recursive: true });
  Deno.copyFileSync(source + name, `${dir}/in/deep.pgm`);
  Deno.writeFileSync(`${dir}/in/sub/small.png`, encodeImageFile(image8, "x.png"));
  const enc = await runCli(
    ["encode", "--input", "in/deep.pgm", "--output", "d.bpc", "--json"],
    dir,
  );
  assertEquals(enc.code, 0, enc.stderr);
  assertEquals(JSON.parse(enc.stdout).format, "v2");
  assertEquals((await runCli(["decode", "--input", "d.bpc", "--output", "d.pgm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/d.pgm`), Deno.readFileSync(`${dir}/in/deep.pgm`));
  const png = await runCli(["decode", "--input", "d.bpc", "--output", "d.png"], dir);
  assertEquals(png.code, 0, png.stderr);
  assertEquals(
    decodeImageFile(Deno.readFileSync(`${dir}/d.png`)).data,
    decodeImageFile(Deno.readFileSync(`${dir}/d.pgm`)).data,
  );
  const info = await runCli(["info", "d.bpc"], dir);
  assertMatch(info.stdout, /v2 image \(BPC2\)[^]*built-in model[^]*16-bit, \d+ planes coded/);
  assertEquals((await runCli(["pack", "--input-dir", "in", "--output", "a.bpa"], dir)).code, 0);
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  assertEquals(Deno.readFileSync(`${dir}/out/deep.pgm`), Deno.readFileSync(`${dir}/in/deep.pgm`));
  assertEquals(decodeImageFile(Deno.readFileSync(`${dir}/out/sub/small.png`)), image8);
  assertMatch((await runCli(["info", "a.bpa"], dir)).stdout, /not embedded/);
  const verify = await runCli(["verify", "--input", "in/deep.pgm"], dir);
  assertMatch(verify.stdout, /^PASS/);
  const classic16 = await runCli([
    "train",
    "--format",
    "classic",
    "--input-dir",
    "in",
    "--model",
    "c.bpm",
  ], dir);
  assertEquals(classic16.code, 1);
  assertMatch(classic16.stderr, /deep\.pgm: 16-bit image/);
});

Deno.test("v2 files written before version 4 (BPC2 version 3, BPA2 versions 3 and 4) decode as they did", async () => {
  const dir = `${ROOT}tests/fixtures/before_v4/`;
  const read = (name: string) => Deno.readFileSync(dir + name);
  const version = (bytes: Uint8Array) => bytes[4] | (bytes[5] << 8);
  for (const name of ["chelsea_48x32", "ramp_2049x2"]) { // one tile (default); two (max)
    const bpc = read(`${name}.bpc`);
    assertEquals(version(bpc), 3);
    assertEquals(await decodeImage(bpc), decodeImageFile(read(`${name}.pgm`)));
    // Written again with its coder, it is of the current version, and smaller: 8 bytes of the
    // model hash, varint sizes, a one-byte tile head and a stream that ends with one byte
    // instead of four.
    const again = await encodeLike(decodeImageFile(read(`${name}.pgm`)), bpc);
    assertEquals(version(again), V2_IMAGE_VERSION);
    const old = parseV2Image(bpc).image.tiles;
    const tiles = parseV2Image(again).image.tiles;
    assertEquals(tiles.length, old.length);
    tiles.forEach((tile, i) => { // the same decisions, coded to the same bytes but the last
      assertEquals(tile.stream.subarray(0, -1), old[i].stream.subarray(0, -4));
    });
    // Each tile's record is at least 9 bytes smaller (of 20), the header 10 (of 24).
    assert(again.length <= bpc.length - 24 - 10 - old.length * (9 + 3));
  }
  // info names the model by what each version keeps of its hash: 8 bytes, or all 32.
  const temp = Deno.makeTempDirSync();
  Deno.writeFileSync(
    `${temp}/new.bpc`,
    await encodeImage(decodeImageFile(read("chelsea_48x32.pgm"))),
  );
  const info = await runCli(["info", "new.bpc", `${dir}chelsea_48x32.bpc`], temp);
  assertEquals(info.code, 0, info.stderr);
  const hash = toHex((await defaultModel()).hash);
  assertEquals(info.stdout.split("\n").filter((line) => line.includes("model hash")), [
    `  model hash: ${hash.slice(0, 16)}… (its first 8 bytes: the built-in model)`,
    `  model hash: ${hash} (the built-in model)`,
  ]);
  const files = read("files.bpa");
  assertEquals(version(files), 4);
  await assertKeepsFolder(files);
  const pixels = read("pixels.bpa");
  assertEquals(version(pixels), 3);
  const [image] = (await unpackArchive(pixels)).entries;
  assert("image" in image);
  assertEquals(image.image, decodeImageFile(read("chelsea_48x32.pgm")));
});

Deno.test("v2 files written before version 5 (BPC2 version 4, BPA2 version 5) decode as they did", async () => {
  const dir = `${ROOT}tests/fixtures/before_v5/`;
  const read = (name: string) => Deno.readFileSync(dir + name);
  const version = (bytes: Uint8Array) => bytes[4] | (bytes[5] << 8);
  const bpc = read("chelsea_48x32.bpc");
  assertEquals(version(bpc), 4);
  const pgm = decodeImageFile(
    Deno.readFileSync(`${ROOT}tests/fixtures/before_v4/chelsea_48x32.pgm`),
  );
  assertEquals(await decodeImage(bpc), pgm);
  // Written again with its coder, the same tile in the same bytes, in a file of the current
  // version whose header says "one tile" instead of giving the tile's size (a byte for each side
  // here).
  const again = await encodeLike(pgm, bpc);
  assertEquals(version(again), V2_IMAGE_VERSION);
  assertEquals(again.subarray(6, 15), bpc.subarray(6, 15));
  assertEquals([again[15], bpc[15]], [2, 0]);
  assertEquals(again.subarray(20), bpc.subarray(22));
  // A version-4 file cannot hold a packed tile.
  const packed = bpc.slice();
  packed[22] |= 64; // its tile head
  await assertRejects(() => decodeImage(packed), FormatError, "unknown tile flag bits 0x40");
  const files = read("files.bpa");
  assertEquals(version(files), 5);
  await assertKeepsFolder(files);
});

/** `image` coded as `encodeImage` codes it, but with the coder the file `like` records. */
async function encodeLike(image: GrayImage, like: Uint8Array): Promise<Uint8Array> {
  const { coder } = parseV2Image(like).image;
  const coded = await encodeV2Image(image, defaultV2Model(), "auto", undefined, coder);
  return serializeV2Image(coded, (await defaultModel()).hash);
}

/** Checks that `archive` gives back the two files of `tests/fixtures/before_v4/folder/` byte for byte. */
async function assertKeepsFolder(archive: Uint8Array): Promise<void> {
  const kept = await unpackArchive(archive);
  assertEquals(kept.entries.map((e) => e.name), ["chelsea.pgm", "notes.txt"]);
  for (const entry of kept.entries) {
    assert("file" in entry);
    assertEquals(
      entry.file,
      Deno.readFileSync(`${ROOT}tests/fixtures/before_v4/folder/${entry.name}`),
    );
  }
}

/**
 * Tiled v2 images: several tiles round-trip, regions decode only what they touch, tiles are
 * bound to their place, and any number of workers gives the same bytes (API and CLI).
 */
import { decodeImage, encodeImage, FormatError } from "../mod.ts";
import { encodeImageFile } from "../src/image/image_file.ts";
import { parseV2Image, serializeV2Image } from "../src/v2/container.ts";
import { gridOf } from "../src/v2/container.ts";
import { CodingWorkers } from "../src/workers/coding_workers.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { makeImage, randomGenerator } from "./helpers.ts";

const rand = randomGenerator(11);
/** 3 tiles of 2048 columns (the last 104), 9 rows: textured, so each tile codes differently. */
const wide = makeImage(4200, 9, (x, y) => ((x >> 3) * 7 + y * 13 + (rand() & 15)) & 255);
/** A flat image: tiles of 4096. */
const flat = makeImage(4100, 4, (x) => (x % 1000 < 500 ? 255 : 0));

Deno.test("tiles: images of several tiles round-trip, with the tile size from the image", async () => {
  const bpc = await encodeImage(wide);
  const { image } = parseV2Image(bpc);
  assertEquals([image.tileWidth, image.tileHeight, image.tiles.length], [2048, 9, 3]);
  assertEquals(await decodeImage(bpc), wide);
  const flatCoded = parseV2Image(await encodeImage(flat)).image;
  assertEquals([flatCoded.tileWidth, flatCoded.tiles.length], [4096, 2]);
  assertEquals(await decodeImage(await encodeImage(flat)), flat);
  const small = makeImage(2048, 3, (x, y) => (x + y) & 255);
  assertEquals(parseV2Image(await encodeImage(small)).image.tiles.length, 1);
});

Deno.test("tiles: a region decodes to the crop of the image, only from the tiles it touches", async () => {
  const bpc = await encodeImage(wide);
  const crop = (x: number, y: number, w: number, h: number) =>
    makeImage(w, h, (i, j) => wide.data[(y + j) * wide.width + x + i]);
  for (const [x, y, w, h] of [[2000, 2, 100, 5], [0, 0, 1, 1], [4199, 8, 1, 1], [0, 0, 4200, 9]]) {
    assertEquals(
      await decodeImage(bpc, undefined, { region: { x, y, width: w, height: h } }),
      crop(x, y, w, h),
    );
  }
  // Tiles the region does not touch are not decoded: their damage goes unseen.
  const file = parseV2Image(bpc);
  const damaged = { ...file.image, tiles: file.image.tiles.slice() };
  damaged.tiles[2] = { ...damaged.tiles[2], tileCrc: damaged.tiles[2].tileCrc ^ 1 };
  const bytes = serializeV2Image(damaged, file.modelHash);
  const region = { x: 0, y: 0, width: 2048, height: 9 };
  assertEquals(await decodeImage(bytes, undefined, { region }), crop(0, 0, 2048, 9));
  await assertRejects(() => decodeImage(bytes), /tile checksum mismatch/);
  await assertRejects(
    () => decodeImage(bpc, undefined, { region: { x: 4190, y: 0, width: 20, height: 1 } }),
    (e: Error) => e instanceof FormatError && /outside the 4200x9 image/.test(e.message),
  );
});

Deno.test("tiles: each tile is bound to its place; a region's pixel limit is its own", async () => {
  const twoSame = makeImage(4096, 2, (x, y) => ((x % 2048) * 3 + y) & 255);
  const file = parseV2Image(await encodeImage(twoSame));
  const [a, b] = file.image.tiles;
  assertEquals(a.stream, b.stream); // the same samples code the same, but their places differ:
  assert(a.tileCrc !== b.tileCrc);
  const swapped = serializeV2Image({ ...file.image, tiles: [b, a] }, file.modelHash);
  await assertRejects(() => decodeImage(swapped), /tile checksum mismatch/);
  const other = parseV2Image(await encodeImage(wide)).image.tiles[1];
  const moved = serializeV2Image({ ...file.image, tiles: [a, { ...other }] }, file.modelHash);
  await assertRejects(() => decodeImage(moved), /tile checksum mismatch|stream/);
  const bpc = await encodeImage(wide);
  await assertRejects(() => decodeImage(bpc, undefined, { maxPixels: 1000 }), /over the limit/);
  const region = { x: 0, y: 0, width: 100, height: 9 };
  assertEquals((await decodeImage(bpc, undefined, { maxPixels: 1000, region })).width, 100);
});

Deno.test("tiles: 1, 2 and 3 workers give the same bytes and the same images", async () => {
  const alone = await encodeImage(wide);
  for (const count of [2, 3]) {
    const workers = new CodingWorkers(count);
    try {
      assertEquals(await encodeImage(wide, undefined, { runner: workers }), alone);
      assertEquals(await decodeImage(alone, undefined, { runner: workers }), wide);
      const damaged = alone.slice();
      damaged[damaged.length - 3] ^= 1;
      await assertRejects(
        () => decodeImage(damaged, undefined, { runner: workers }),
        (e: Error) => e instanceof FormatError && e.code === "invalid",
      );
    } finally {
      workers.close();
    }
  }
  assertEquals(gridOf(parseV2Image(alone).image).count, 3);
});

Deno.test("cli: encode and decode stream PGM, with 1, 2 or 3 workers, to the same bytes", async () => {
  const dir = Deno.makeTempDirSync();
  const pgm = encodeImageFile(wide, "w.pgm");
  Deno.writeFileSync(`${dir}/w.pgm`, pgm);
  Deno.writeFileSync(`${dir}/w.png`, encodeImageFile(wide, "w.png"));
  const coded: Uint8Array[] = [];
  for (const workers of ["1", "2", "3"]) {
    for (const input of ["w.pgm", "w.png"]) {
      const out = `${input}.${workers}.bpc`;
      const run = await runCli(["encode", input, "-o", out, "--workers", workers], dir);
      assertEquals(run.code, 0, run.stderr);
      coded.push(Deno.readFileSync(`${dir}/${out}`));
    }
    const back = await runCli(
      ["decode", "w.pgm.1.bpc", "-o", `back${workers}.pgm`, "--workers", workers],
      dir,
    );
    assertEquals(back.code, 0, back.stderr);
    assertEquals(Deno.readFileSync(`${dir}/back${workers}.pgm`), pgm);
  }
  for (const bytes of coded) assertEquals(bytes, coded[0]);
  const region = await runCli(
    ["decode", "w.pgm.1.bpc", "--region", "2040,1,20,3", "-o", "r.pgm", "--workers", "2"],
    dir,
  );
  assertEquals(region.code, 0, region.stderr);
  const want = makeImage(20, 3, (i, j) => wide.data[(1 + j) * wide.width + 2040 + i]);
  assertEquals(Deno.readFileSync(`${dir}/r.pgm`), encodeImageFile(want, "r.pgm"));
  const bad = await runCli(["decode", "w.pgm.1.bpc", "--region", "1,2,3", "-o", "x.pgm"], dir);
  assertEquals(bad.code, 2);
  const outside = await runCli(
    ["decode", "w.pgm.1.bpc", "--region", "0,0,5000,1", "-o", "x.pgm"],
    dir,
  );
  assertEquals(outside.code, 1);
  assert(outside.stderr.includes("lies outside"), outside.stderr);
  assert(![...Deno.readDirSync(dir)].some((e) => e.name === "x.pgm"));
});

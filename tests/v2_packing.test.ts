import { decodeImage, encodeImage } from "../mod.ts";
import { FormatError } from "../src/errors.ts";
import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { modelFromV2 } from "../src/model_file.ts";
import { encodeV2 } from "../src/v2/codec.ts";
import { parseV2Image, serializeV2Image, type V2CodedImage } from "../src/v2/container.ts";
import { untrainedV2Model } from "../src/v2/model.ts";
import { writeValueTable } from "../src/v2/value_table.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { makeImage, ROOT } from "./helpers.ts";
import { concat } from "./png_writer.ts";

/** A retina photograph using 50 of the 92 values from its least to its greatest. */
const retina = decodeImageFile(Deno.readFileSync(`${ROOT}samples/test/skimage_microaneurysms.pgm`));
/** The same, scaled into 16 bits: `300v + 1000`. */
const retina16 = { ...retina, maxValue: 65535, data: retina.data.map((v) => v * 300 + 1000) };

Deno.test("v2 packing: a tile using few of its values is coded as indices, smaller, and decodes exactly", async () => {
  for (const image of [retina, retina16]) {
    for (const level of ["default", "max"] as const) {
      const bpc = await encodeImage(image, undefined, { level });
      const [tile] = parseV2Image(bpc).image.tiles;
      assertEquals(tile.packed, true);
      assertEquals(tile.bits, 6);
      assertEquals(await decodeImage(bpc), image);
      // The whole packed stream, its value table included, is smaller than the samples coded as
      // they are.
      const planes = 32 - Math.clz32(Math.max(...image.data));
      const plain = encodeV2(image.data, image.width, image.height, planes, untrainedV2Model());
      assert(tile.stream.length < plain.length, `${tile.stream.length} vs ${plain.length}`);
    }
  }
  // Every value of its range used: not packed.
  const ramp = makeImage(64, 16, (x, y) => 100 + ((x + y) & 63));
  assertEquals(parseV2Image(await encodeImage(ramp)).image.tiles[0].packed, undefined);
  // info says so.
  const dir = Deno.makeTempDirSync();
  Deno.writeFileSync(`${dir}/retina.pgm`, encodeImageFile(retina, "retina.pgm"));
  const encoded = await runCli(["encode", "retina.pgm"], dir);
  assertEquals(encoded.code, 0, encoded.stderr);
  const info = await runCli(["info", "retina.bpc"], dir);
  assertEquals(info.code, 0, info.stderr);
  assert(info.stdout.includes("6 planes coded, level default, values packed"), info.stdout);
  // Tiles packed on two workers: the same file as in one thread, decoded exactly.
  const wide = {
    ...retina,
    width: retina.width * 25,
    data: new Uint16Array(retina.data.length * 25),
  };
  for (let y = 0; y < retina.height; y++) {
    const row = retina.data.subarray(y * retina.width, (y + 1) * retina.width);
    for (let k = 0; k < 25; k++) wide.data.set(row, (y * 25 + k) * retina.width);
  }
  Deno.writeFileSync(`${dir}/wide.pgm`, encodeImageFile(wide, "wide.pgm"));
  for (const workers of ["1", "2"]) {
    const run = await runCli(
      ["encode", "wide.pgm", "-o", `w${workers}.bpc`, "--workers", workers],
      dir,
    );
    assertEquals(run.code, 0, run.stderr);
  }
  const tiled = Deno.readFileSync(`${dir}/w2.bpc`);
  assertEquals(tiled, Deno.readFileSync(`${dir}/w1.bpc`));
  const tiles = parseV2Image(tiled).image.tiles;
  assertEquals(tiles.map((t) => [t.packed, t.bits]), [[true, 6], [true, 6]]);
  const decoded = await runCli(["decode", "w2.bpc", "-o", "back.pgm", "--workers", "2"], dir);
  assertEquals(decoded.code, 0, decoded.stderr);
  assertEquals(decodeImageFile(Deno.readFileSync(`${dir}/back.pgm`)), wide);
});

Deno.test("v2 packing: a damaged or hostile value table is refused, never a wrong image", async () => {
  const width = 6, height = 4;
  const model = untrainedV2Model();
  const modelFile = await modelFromV2(model);
  /** `indices` coded in `bits` planes. */
  const coded = (indices: number[], bits: number) =>
    encodeV2(Uint16Array.from(indices), width, height, bits, model);
  /** A file of one packed tile of `bits` planes whose stream is `parts`, one after the other. */
  const file = (bits: number, ...parts: Uint8Array[]) => {
    const image: V2CodedImage = {
      width,
      height,
      maxValue: 255,
      coder: "cm",
      tileWidth: width,
      tileHeight: height,
      tiles: [{ inverted: false, packed: true, bits, tileCrc: 0, stream: concat(parts) }],
    };
    return serializeV2Image(image, modelFile.hash);
  };
  const indices = Array.from({ length: width * height }, (_, i) => i % 3);
  const table = writeValueTable(Uint16Array.of(10, 20, 30));
  const refused = async (bytes: Uint8Array, reason: string) => {
    await assertRejects(() => decodeImage(bytes, modelFile), FormatError, reason);
  };
  // Intact but for the tile checksum (0): the table and the indices are read first.
  await refused(file(2, table, coded(indices, 2)), "tile checksum");
  await refused(
    file(2, table, coded(indices.map((k) => (k === 2 ? 3 : k)), 2)),
    "index 3 of a table of 3 values",
  );
  await refused(file(3, table, coded(indices, 3)), "packed tile of 3 bits has a table of 3 values");
  await refused(
    file(2, writeValueTable(Uint16Array.of(10, 300)), coded(indices, 2)),
    "value table 10…300 is empty or beyond maxval 255",
  );
  await refused(file(2, Uint8Array.of(10, 0, 0), coded(indices, 2)), "is empty or beyond maxval");
  await refused(file(2, Uint8Array.of(10, 20, 90)), "truncated: value table runs past the end");
  await refused(file(2, Uint8Array.of(10, 20)), "truncated: value table length runs past the end");
});

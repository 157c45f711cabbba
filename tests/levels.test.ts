/**
 * Coding levels: `fast` codes with the residual coder, `default` and `max` with context mixing;
 * the level is recorded in the file, so decoding needs no option.
 */
import { decodeImage, encodeImage } from "../mod.ts";
import { encodeImageFile } from "../src/image/image_file.ts";
import { parseV2Image } from "../src/v2/container.ts";
import { assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage, randomGenerator } from "./helpers.ts";

const rand = randomGenerator(3);
const images = [
  makeImage(40, 30, (x, y) => (x * 5 + y * 3 + (rand() & 7)) & 255),
  makeImage(33, 17, (x, y) => (x * 100 + y * 37 + (rand() & 63)) & 4095, 65535),
  makeImage(64, 8, (x, y) => ((x >> 2) + y) & 1, 1),
  makeImage(4200, 5, (x, y) => (x * 3 + y * 11 + (rand() & 3)) & 255), // three tiles
];

Deno.test("levels: fast, default and max round-trip; the file records the coder", async () => {
  for (const image of images) {
    for (const level of ["fast", "default", "max"] as const) {
      const bpc = await encodeImage(image, undefined, { level });
      assertEquals(parseV2Image(bpc).image.coder, level === "fast" ? "fast" : "cm");
      assertEquals(await decodeImage(bpc), image);
    }
    // max is, for now, the default's model: the same bytes.
    assertEquals(
      await encodeImage(image, undefined, { level: "max" }),
      await encodeImage(image),
    );
  }
});

Deno.test("cli: --level fast encodes what decode restores without a flag; classic has no levels", async () => {
  const dir = Deno.makeTempDirSync();
  const pgm = encodeImageFile(images[0], "a.pgm");
  Deno.writeFileSync(`${dir}/a.pgm`, pgm);
  const encode = await runCli(["encode", "a.pgm", "--level", "fast", "-o", "a.bpc"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  assertEquals((await runCli(["decode", "a.bpc", "-o", "b.pgm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/b.pgm`), pgm);
  const bad = await runCli(["encode", "a.pgm", "--level", "fastest", "-o", "c.bpc"], dir);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /--level must be fast, default, max/);
  const classic = await runCli(
    ["encode", "a.pgm", "--level", "fast", "--model", `${COMPAT}model.bpm`, "-o", "d.bpc"],
    dir,
  );
  assertEquals(classic.code, 2);
  assertMatch(classic.stderr, /needs a v2 model/);
});

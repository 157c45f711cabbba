/**
 * Coding levels: `fast` codes with the residual coder, `default` with context mixing, `max` with
 * context mixing and the least-squares predictor; the coder is recorded in the file, so decoding
 * needs no option.
 */
import { decodeImage, defaultModel, describeFile, encodeImage } from "../mod.ts";
import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { parseV2Image, serializeV2Image } from "../src/v2/container.ts";
import { encodeV2Image } from "../src/v2/image_codec.ts";
import { defaultV2Model } from "../src/v2/model.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage, randomGenerator, SHARED } from "./helpers.ts";

const rand = randomGenerator(3);
const readPgm = (relative: string) => decodeImageFile(Deno.readFileSync(SHARED + relative));
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
      assertEquals(
        parseV2Image(bpc).image.coder,
        {
          fast: "fast",
          default: "cm-checked2-decay-split-apm-phase-hashed6-p16",
          max: "cm-ls-checked-decay-split-apm-phase-h24-p16",
        }[level],
      );
      assertEquals(await decodeImage(bpc), image);
    }
  }
});

Deno.test("levels: files of the coders the levels coded with before (0 and 2 to 11) still decode, at their level", async () => {
  const image = images[0];
  for (
    const [coder, level] of [
      ["cm", "default"],
      ["cm-ls", "max"],
      ["cm-ls-checked", "max"],
      ["cm-decay", "default"],
      ["cm-ls-checked-decay", "max"],
      ["cm-checked2-decay-split-apm", "default"],
      ["cm-ls-checked-decay-split-apm", "max"],
      ["cm-checked2-decay-split-apm-phase", "default"],
      ["cm-ls-checked-decay-split-apm-phase", "max"],
      ["cm-ls-checked-decay-split-apm-phase-h24", "max"],
      ["cm-checked2-decay-split-apm-phase-hashed6", "default"],
    ] as const
  ) {
    const coded = await encodeV2Image(image, defaultV2Model(), "none", undefined, coder);
    const bpc = serializeV2Image(coded, (await defaultModel()).hash);
    assertEquals(parseV2Image(bpc).image.coder, coder);
    assertEquals(await decodeImage(bpc), image);
    assertEquals((await describeFile(bpc)).images?.[0].level, level);
    const now = await encodeImage(image, undefined, { level });
    assert(bpc.some((b, i) => b !== now[i]), `${level} now codes other bytes than coder ${coder}`);
  }
});

Deno.test("levels: max codes a real photo smaller than default, and a primed page round-trips", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const sizes = [];
  for (const level of ["default", "max"] as const) {
    const bpc = await encodeImage(photo, undefined, { level });
    assertEquals(await decodeImage(bpc), photo);
    sizes.push(bpc.length);
  }
  assert(sizes[1] < sizes[0], `max ${sizes[1]} bytes, default ${sizes[0]}`);
  // A flat 8-bit page starts from the built-in primer at max too.
  const page = readPgm("corpus/document/test/r_faq_p012.pgm");
  const crop = { width: 600, height: 500, maxValue: 255, data: new Uint16Array(600 * 500) };
  for (let y = 0; y < 500; y++) {
    crop.data.set(page.data.subarray(y * page.width + 200, y * page.width + 800), y * 600);
  }
  const bpc = await encodeImage(crop, undefined, { level: "max" });
  assertEquals(parseV2Image(bpc).image.tiles[0].primed, true);
  assertEquals(await decodeImage(bpc), crop);
});

Deno.test("cli: --level fast and max encode what decode restores without a flag, info names the level; classic has no levels", async () => {
  const dir = Deno.makeTempDirSync();
  const pgm = encodeImageFile(images[0], "a.pgm");
  Deno.writeFileSync(`${dir}/a.pgm`, pgm);
  const encode = await runCli(["encode", "a.pgm", "--level", "fast", "-o", "a.bpc"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  assertEquals((await runCli(["decode", "a.bpc", "-o", "b.pgm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/b.pgm`), pgm);
  assertMatch((await runCli(["info", "a.bpc"], dir)).stdout, /8-bit, 8 planes coded, level fast/);
  const max = await runCli(["encode", "a.pgm", "--level", "max", "-o", "m.bpc"], dir);
  assertEquals(max.code, 0, max.stderr);
  const info = await runCli(["info", "m.bpc", "--json"], dir);
  assertEquals(JSON.parse(info.stdout).files[0].images[0].level, "max");
  assertEquals((await runCli(["decode", "m.bpc", "-o", "m.pgm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/m.pgm`), pgm);
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

Deno.test("levels: blank pages code in a few bytes with 16-bit probabilities and decode at every level, also from the command line", async () => {
  // A blank 1024 × 1024 page codes in a few bytes of stream at default and max: more decisions a
  // byte than 12-bit probabilities allow, which the decoder once refused as "too short".
  const blank = makeImage(1024, 1024, () => 0);
  for (const level of ["fast", "default", "max"] as const) {
    const bpc = await encodeImage(blank, undefined, { level });
    assert(bpc.length < 64, `${level}: ${bpc.length} bytes`);
    assertEquals(await decodeImage(bpc), blank, level);
  }
  const dir = Deno.makeTempDirSync();
  const pgm = encodeImageFile(blank, "blank.pgm");
  Deno.writeFileSync(`${dir}/blank.pgm`, pgm);
  const encode = await runCli(["encode", "blank.pgm", "-o", "blank.bpc"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  const decode = await runCli(["decode", "blank.bpc", "-o", "back.pgm"], dir);
  assertEquals(decode.code, 0, decode.stderr);
  assertEquals(Deno.readFileSync(`${dir}/back.pgm`), pgm);
});

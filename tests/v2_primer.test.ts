import { assert, assertEquals, assertNotEquals, assertRejects, assertThrows } from "./assert.ts";
import { FormatError } from "../src/errors.ts";
import { parseV2Image, serializeV2Image } from "../src/v2/container.ts";
import { decodeV2Image, encodeV2Image } from "../src/v2/image_codec.ts";
import {
  decodeV2,
  defaultV2Model,
  encodeV2,
  parseV2Model,
  serializeV2Model,
  significantBits,
  trainV2Model,
  untrainedV2Model,
  type V2Model,
} from "../src/v2/mod.ts";
import { corpusSplit, v2Bytes } from "./helpers.ts";
import { isFlatPrimer, mayPrime } from "../src/v2/tile_priming.ts";
import { defaultV2ModelPayload, primerFlatness, withoutPrimer } from "../src/v2/model.ts";
import { describeFile } from "../src/file_info.ts";
import { defaultModel, modelFromV2 } from "../src/model_file.ts";
import { runCli } from "./cli_run.ts";

/** Dark "glyphs" (a few fixed 6×8 shapes) in rows on white, chosen by `seed`. */
function page(seed: number, width: number, height: number, bits = 8): Uint16Array {
  const white = 2 ** bits - 1;
  const data = new Uint16Array(width * height).fill(white);
  let s = seed;
  for (let top = 2; top + 8 < height; top += 11) {
    for (let left = 1; left + 6 < width; left += 7) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const glyph = (s >>> 24) % 5;
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 6; x++) {
          if (((glyph * 2654435761 + y * 31 + x * 7) >>> 3) % 3 === 0) {
            data[(top + y) * width + left + x] = 0;
          }
        }
      }
    }
  }
  return data;
}

/** The built-in model without its primer. */
const plainModel = (): V2Model => withoutPrimer(defaultV2Model());

const primed = (bits: number): V2Model => ({
  ...plainModel(),
  primer: { width: 96, height: 64, bits, samples: page(7, 96, 64, bits) },
});

Deno.test("v2 primer: a model with a primer round-trips; a damaged primer is refused", () => {
  for (const bits of [8, 12]) {
    const bytes = serializeV2Model(primed(bits));
    assertEquals(bytes[0], 8);
    assertEquals(parseV2Model(bytes), primed(bits));
    assertEquals(serializeV2Model(parseV2Model(bytes)), bytes);
    assertThrows(
      () => parseV2Model(bytes.subarray(0, bytes.length - 1)),
      /primer is damaged|bytes/,
    );
  }
  assertEquals(serializeV2Model(plainModel())[0], 7); // no primer: the payload is as before
  const narrow = untrainedV2Model({ narrow: true });
  assertEquals(serializeV2Model(narrow)[0], 3); // a three-neuron model keeps its versions
  assertEquals(serializeV2Model({ ...narrow, primer: primed(8).primer })[0], 4);
  const noWidth = serializeV2Model(primed(8));
  const primerAt = serializeV2Model(plainModel()).length; // the primer comes last
  new DataView(noWidth.buffer).setUint16(primerAt, 0, true);
  assertThrows(() => parseV2Model(noWidth), /primer of 0x64 samples/);
  const outOfRange = { ...primed(8), primer: { ...primed(8).primer!, bits: 4 } };
  assertThrows(() => serializeV2Model(outOfRange), /primer sample is not below 2\^4/);
});

Deno.test("v2 primer: the built-in model's primer, unpacked when first read, is the one its payload holds, as flat as recorded", () => {
  const builtIn = defaultV2Model();
  const eager = parseV2Model(defaultV2ModelPayload());
  assertEquals(primerFlatness(builtIn.primer!), true); // recorded: telling needs no unpacking
  assertEquals(primerFlatness(eager.primer!), undefined);
  assertEquals(isFlatPrimer(eager.primer!), true); // what was recorded
  assertEquals(builtIn.primer?.samples, eager.primer?.samples);
  assert(builtIn.primer?.samples === builtIn.primer?.samples); // unpacked once
  assertEquals(serializeV2Model(builtIn), defaultV2ModelPayload());
});

Deno.test("v2 primer: tiles of its depth start from what it taught, decode exactly, and others are as without it", () => {
  const image = page(11, 120, 90);
  const plain = encodeV2(image, 120, 90, 8, plainModel());
  const model = primed(8);
  const stream = encodeV2(image, 120, 90, 8, model);
  assert(stream.length < 0.95 * plain.length, `${stream.length} vs ${plain.length}`);
  assertEquals(decodeV2(stream, 120, 90, 8, model), image);
  // The primed state is kept per thread: a second image, and a model parsed anew, agree.
  assertEquals(encodeV2(image, 120, 90, 8, model), stream);
  assertEquals(encodeV2(image, 120, 90, 8, parseV2Model(serializeV2Model(model))), stream);
  // A 12-bit image is not primed by an 8-bit primer.
  const deep = page(11, 120, 90, 12);
  assertEquals(encodeV2(deep, 120, 90, 12, model), encodeV2(deep, 120, 90, 12, plainModel()));
  assertNotEquals(encodeV2(deep, 120, 90, 12, primed(12)), encodeV2(deep, 120, 90, 12, model));
});

Deno.test("v2 primer: training chooses one for documents, which codes their test split smaller", async () => {
  const model = await trainV2Model(corpusSplit("document", "train"), { base: defaultV2Model() });
  assert(model.primer, "a document model should have a primer");
  assertEquals(model.primer.width, 1024); // a central crop of a page, as large as a primer may be
  const test = corpusSplit("document", "test");
  const unprimed = withoutPrimer(model);
  const [withPrimer, without] = [v2Bytes(test, model), v2Bytes(test, unprimed)];
  assert(withPrimer < 0.98 * without, `${withPrimer} vs ${without} without the primer`);
});

Deno.test("v2 primer: training on slices of a scan chooses a primer that is not flat, and the encoder primes such slices with it where it pays", async () => {
  const model = await trainV2Model(corpusSplit("medical", "train"), { base: defaultV2Model() });
  assert(model.primer, "a medical model should have a primer");
  assertEquals(isFlatPrimer(model.primer), false);
  const slice = corpusSplit("medical", "test").find((image) => significantBits(image.data) === 7);
  assert(slice, "the medical test split should hold a 7-bit MRI slice");
  const { width, height, data } = slice;
  assertEquals(mayPrime(data, width, height, 7, model), true);
  const coded = await encodeV2Image(slice, model, "auto");
  assertEquals(coded.tiles[0].primed, true);
  assertEquals(await decodeV2Image(coded, model), slice);
  const unprimed = await encodeV2Image(slice, withoutPrimer(model), "auto");
  const bytes = (image: typeof coded) => image.tiles[0].stream.length;
  assert(bytes(coded) < 0.97 * bytes(unprimed), `${bytes(coded)} vs ${bytes(unprimed)} unprimed`);
  // A flat tile of the primer's depth may not start from it; nor may any tile of another depth.
  assertEquals(mayPrime(new Uint16Array(64 * 64).fill(127), 64, 64, 7, model), false);
  assertEquals(mayPrime(data, width, height, 8, model), false);
});

Deno.test("v2 primer: the encoder primes a flat tile where it pays, records it, and a model without the primer refuses it", async () => {
  const model = defaultV2Model();
  assertEquals(model.primer?.bits, 8); // the built-in model's primer: a document crop
  const [pageImage] = corpusSplit("document", "test"); // a text page (asymptote_p090)
  const [photo] = corpusSplit("photo", "test");
  const coded = await encodeV2Image(pageImage, model, "auto");
  assertEquals(coded.tiles[0].primed, true);
  const file = serializeV2Image(coded, new Uint8Array(32));
  const read = parseV2Image(file).image;
  assertEquals(read.tiles[0].primed, true);
  assertEquals((await describeFile(file)).images?.[0].primed, true); // info says "primed"
  const photoFile = serializeV2Image(await encodeV2Image(photo, model, "auto"), new Uint8Array(32));
  assertEquals((await describeFile(photoFile)).images?.[0].primed, undefined);
  assertEquals(await decodeV2Image(read, model), pageImage);
  await assertRejects(
    () => decodeV2Image(read, withoutPrimer(model)),
    FormatError,
    "primer that this model does not have",
  );
  assertEquals((await encodeV2Image(photo, model, "auto")).tiles[0].primed, undefined);
  const unknownFlag = file.slice();
  // The tile's head, then its two checksums and the stream's length, a varint of 3 bytes here.
  const streamLength = read.tiles[0].stream.length;
  assert(streamLength >= 2 ** 14 && streamLength < 2 ** 21);
  const headAt = file.length - streamLength - 3 - 8 - 1;
  assertEquals(unknownFlag[headAt], 7 | 16 | 32); // 8 bits, inverted and primed
  unknownFlag[headAt] |= 128;
  assertThrows(() => parseV2Image(unknownFlag), FormatError, "unknown tile flag bits 0x80");
});

Deno.test("info shows a v2 model's network and primer", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const builtIn = await describeFile((await defaultModel()).bytes);
    assertEquals(builtIn.network, { neurons: 5, inputs: 20 });
    assertEquals(builtIn.primer, { width: 1024, height: 825, bits: 8, flat: true });
    const narrow = await modelFromV2(untrainedV2Model({ narrow: true }));
    assertEquals((await describeFile(narrow.bytes)).primer, undefined);
    Deno.writeFileSync(`${dir}/narrow.bpm`, narrow.bytes);
    Deno.writeFileSync(`${dir}/primed.bpm`, (await modelFromV2(primed(8))).bytes);
    const info = await runCli(["info", "narrow.bpm", "primed.bpm"], dir);
    assertEquals(info.code, 0, info.stderr);
    const lines = info.stdout.trimEnd().split("\n");
    assertEquals(lines[2], "  network: 3 neurons of 18 inputs");
    assertEquals(lines.slice(5), [
      "  network: 5 neurons of 20 inputs",
      "  primer: 96x64, 8-bit (8-bit tiles that are not flat may start from it)", // dense glyphs
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

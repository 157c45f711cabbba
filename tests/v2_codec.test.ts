import { assert, assertEquals, assertThrows } from "./assert.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { randomGenerator, SHARED } from "./helpers.ts";
import {
  decodeV2,
  defaultV2Model,
  encodeV2,
  parseV2Model,
  serializeV2Model,
  untrainedV2Model,
} from "../src/v2/mod.ts";
import type { V2Model } from "../src/v2/mod.ts";
import type { V2CodingOptions } from "../src/v2/predictor.ts";
import { sha256, toHex } from "../src/sha256.ts";
import { BIT_KERNEL_WASM_BASE64 } from "../src/v2/bit_kernel_wasm.ts";
import { base64Lines, BIT_KERNEL, compileWat } from "../tools/wasm_source.ts";

/** Reads an image of the shared corpus. */
const readPgm = (relative: string) => decodeImageFile(Deno.readFileSync(SHARED + relative));

function crop(
  image: { width: number; data: Uint16Array },
  x0: number,
  y0: number,
  width: number,
  height: number,
): Uint16Array {
  const out = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    out.set(
      image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width),
      y * width,
    );
  }
  return out;
}

function roundTrip(
  samples: Uint16Array,
  width: number,
  height: number,
  bits: number,
  model: V2Model,
): Uint8Array {
  const stream = encodeV2(samples, width, height, bits, model);
  const decoded = decodeV2(stream, width, height, bits, model);
  assertEquals(decoded, samples);
  return stream;
}

const model = defaultV2Model();
/**
 * SHA-256 of the streams of the format-stability test: the first and last use the built-in
 * model, so regenerating it (tools/make_default_model.ts) changes them; the middle one does not.
 */
const GOLDEN = [
  "c6065dd56009765301c9aa5d80f904b88e7953968ccdd3bb68c5341ad9718fd7",
  "50423fac667600a60d281c3da118989e89a39462c99f7edf2f8ef40e67452c36",
  "a1f9511b4418568290e93ab0e51836032d6e7b4fe9714f8573349b97dcbe1f21",
];

Deno.test("v2 round-trips crops of real corpus images", () => {
  for (
    const path of [
      "corpus/photo/test/skimage_chelsea.pgm",
      "corpus/document/test/r_faq_p012.pgm",
      "corpus/medical/test/skimage_microaneurysms.pgm",
    ]
  ) {
    const image = readPgm(path);
    const samples = crop(image, 10, 20, 64, 48);
    const stream = roundTrip(samples, 64, 48, 8, model);
    assert(stream.length < samples.length, `${path} should compress`);
  }
});

Deno.test("v2 round-trips a 16-bit crop at 12 and 16 bits", () => {
  const image = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  const samples = crop(image, 30, 30, 40, 32);
  let max = 0;
  for (const v of samples) max = Math.max(max, v);
  const significant = 32 - Math.clz32(max);
  roundTrip(samples, 40, 32, significant, model);
  roundTrip(samples, 40, 32, 16, model);
  const twelve = samples.map((v) => v & 4095);
  roundTrip(twelve, 40, 32, 12, model);
});

Deno.test("v2 round-trips synthetic images at 1, 8, 12 and 16 bits", () => {
  const next = randomGenerator(7);
  for (const bits of [1, 8, 12, 16]) {
    const max = 2 ** bits - 1;
    const shapes: [number, number][] = [[1, 1], [1, 37], [37, 1], [23, 17]];
    for (const [width, height] of shapes) {
      const n = width * height;
      roundTrip(new Uint16Array(n), width, height, bits, model);
      roundTrip(new Uint16Array(n).fill(max), width, height, bits, model);
      roundTrip(new Uint16Array(n).map(() => next() & max), width, height, bits, model);
      roundTrip(
        new Uint16Array(n).map((_, i) =>
          Math.floor(((i % width) + Math.floor(i / width)) * max / (width + height))
        ),
        width,
        height,
        bits,
        model,
      );
    }
  }
});

Deno.test("v2 round-trips with the untrained model and compresses constant images to a few bytes", () => {
  const samples = new Uint16Array(200 * 100).fill(77);
  const stream = roundTrip(samples, 200, 100, 8, untrainedV2Model());
  assert(stream.length < 100, `constant image took ${stream.length} bytes`);
});

Deno.test("v2 encoding is deterministic", () => {
  const image = readPgm("corpus/astronomy/test/eso_dss_test2.pgm");
  const samples = crop(image, 0, 0, 50, 50);
  assertEquals(encodeV2(samples, 50, 50, 8, model), encodeV2(samples, 50, 50, 8, model));
});

Deno.test("v2 decoding of truncated or damaged streams throws or differs, and terminates", () => {
  const image = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const samples = crop(image, 100, 100, 40, 30);
  const stream = encodeV2(samples, 40, 30, 8, model);
  for (const cut of [0, 1, stream.length >> 1, stream.length - 1]) {
    assertThrows(() => decodeV2(stream.subarray(0, cut), 40, 30, 8, model), Error);
  }
  assertThrows(() => decodeV2(Uint8Array.from([...stream, 0, 0]), 40, 30, 8, model), Error);
  const damaged = stream.slice();
  damaged[damaged.length >> 2] ^= 0x10;
  let differs = true;
  try {
    differs = decodeV2(damaged, 40, 30, 8, model).some((v, i) => v !== samples[i]);
  } catch (e) {
    assert(e instanceof Error);
  }
  assert(differs);
});

Deno.test("v2 rejects bad arguments", () => {
  assertThrows(() => encodeV2(new Uint16Array([256]), 1, 1, 8, model), RangeError);
  assertThrows(() => encodeV2(new Uint16Array(3), 2, 2, 8, model), RangeError);
  assertThrows(() => encodeV2(new Uint16Array(1), 1, 1, 17, model), RangeError);
  assertThrows(() => decodeV2(new Uint8Array(4), 0, 1, 8, model), RangeError);
});

Deno.test("v2 streams are the same bytes as when the format was fixed", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const ct = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  const streams = [
    encodeV2(crop(photo, 0, 0, 160, 120), 160, 120, 8, model),
    encodeV2(crop(photo, 100, 50, 97, 61), 97, 61, 8, untrainedV2Model()),
    encodeV2(crop(ct, 0, 0, 128, 96), 128, 96, 16, model),
  ];
  const hashes = await Promise.all(streams.map(async (stream) => toHex(await sha256(stream))));
  assertEquals(hashes, GOLDEN);
});

Deno.test("v2 streams with the least-squares predictor (coder 2) are the same bytes as when it was fixed", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const ct = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  const leastSquares = { leastSquares: true };
  const cases: [Uint16Array, number, number, number, V2Model][] = [
    [crop(photo, 100, 50, 97, 61), 97, 61, 8, untrainedV2Model()],
    [crop(ct, 0, 0, 128, 96), 128, 96, 16, model],
  ];
  const hashes = [];
  for (const [samples, width, height, bits, used] of cases) {
    const stream = encodeV2(samples, width, height, bits, used, leastSquares);
    assertEquals(decodeV2(stream, width, height, bits, used, leastSquares), samples);
    assert(
      toHex(await sha256(stream)) !==
        toHex(await sha256(encodeV2(samples, width, height, bits, used))),
    );
    hashes.push(toHex(await sha256(stream)));
  }
  // The second uses the built-in model: regenerating it changes that one.
  assertEquals(hashes, [
    "980e11beb91ffbe5a09b5bf3d096fd01bad2b26aba9b43b9a01cfe16ec67bac0",
    "c1a84e1dd567df0b63e3f16f1a4c5db99839d34b50cfe4351bf9857cde7a32e1",
  ]);
});

Deno.test("v2 streams with checked hashed buckets (coder 3) round-trip and are the same bytes as when they were fixed", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const page = readPgm("corpus/document/test/r_faq_p012.pgm");
  const ct = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  const checked: V2CodingOptions = { leastSquares: true, checkedWays: 4 };
  // Small tables (2^16 to 2^18 slots), so that buckets are found taken and replaced.
  const cases: [Uint16Array, number, number, number, V2Model][] = [
    [crop(photo, 100, 50, 97, 61), 97, 61, 8, untrainedV2Model()],
    [crop(page, 300, 400, 120, 90), 120, 90, 8, model],
    [crop(ct, 0, 0, 128, 96), 128, 96, 16, model],
  ];
  const hashes = [];
  for (const [samples, width, height, bits, used] of cases) {
    const stream = encodeV2(samples, width, height, bits, used, checked);
    assertEquals(decodeV2(stream, width, height, bits, used, checked), samples);
    const unchecked = encodeV2(samples, width, height, bits, used, { leastSquares: true });
    assert(toHex(await sha256(stream)) !== toHex(await sha256(unchecked)));
    hashes.push(toHex(await sha256(stream)));
  }
  // The last two use the built-in model: regenerating it changes them.
  assertEquals(hashes, [
    "0a57e5d07866da55973f633f0aca556d79d7aa5828d80dec96a4cc225ce56146",
    "01d8d67442f7de15e2eb3585a621f73fcd70228ecfd38e1595bf81acdcc60b31",
    "858c014461b8667469f0ffc6e932adcf5df6de6d62d8d7bbbe4cc0ce59f30ca0",
  ]);
});

/**
 * SHA-256 of the streams of two coders on four crops: `first` codes the first two (one with the
 * untrained model), `second` the last two. Each stream round-trips and differs from the one coded
 * with `feature` off.
 */
async function pairStreamHashes(
  first: V2CodingOptions,
  second: V2CodingOptions,
  feature: "rateDecay" | "splitApmUpdates" | "phaseSets",
): Promise<string[]> {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const page = readPgm("corpus/document/test/r_faq_p012.pgm");
  const ct = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  const cases: [Uint16Array, number, number, number, V2Model, V2CodingOptions][] = [
    [crop(photo, 100, 50, 97, 61), 97, 61, 8, untrainedV2Model(), first],
    [crop(ct, 0, 0, 128, 96), 128, 96, 16, model, first],
    [crop(photo, 0, 0, 160, 120), 160, 120, 8, model, second],
    [crop(page, 300, 400, 120, 90), 120, 90, 8, model, second],
  ];
  const hashes = [];
  for (const [samples, width, height, bits, used, features] of cases) {
    const stream = encodeV2(samples, width, height, bits, used, features);
    assertEquals(decodeV2(stream, width, height, bits, used, features), samples);
    const without = encodeV2(samples, width, height, bits, used, { ...features, [feature]: false });
    assert(toHex(await sha256(stream)) !== toHex(await sha256(without)));
    hashes.push(toHex(await sha256(stream)));
  }
  return hashes;
}

Deno.test("v2 streams with decaying learning rates (coders 4 and 5) round-trip and are the same bytes as when they were fixed", async () => {
  const coder4 = { rateDecay: true };
  const coder5: V2CodingOptions = { leastSquares: true, checkedWays: 4, rateDecay: true };
  // The last three use the built-in model: regenerating it changes them.
  assertEquals(await pairStreamHashes(coder4, coder5, "rateDecay"), [
    "a48fece3b41df1cc1fba594aaa6897af1fd29b89f538f389700b1d04e51c5bc5",
    "d3c1d79dad332348ce8793d9523fe456f92018697bdff92c1171be0782620909",
    "4369dae182345afc1e2f689d054988efa7ed51fa5271c46ec70bb478e897fbf2",
    "2ac917031da08ef0ffc3619ccbff85354651bdd36780db8db1c0ec818ad1e459",
  ]);
});

Deno.test("v2 streams of coders 6 and 7 (split APM updates; coder 6 with two-way checked buckets) round-trip and are the same bytes as when they were fixed", async () => {
  const coder6: V2CodingOptions = { checkedWays: 2, rateDecay: true, splitApmUpdates: true };
  const coder7: V2CodingOptions = { ...coder6, leastSquares: true, checkedWays: 4 };
  // The last three use the built-in model: regenerating it changes them.
  assertEquals(await pairStreamHashes(coder6, coder7, "splitApmUpdates"), [
    "94194992e7e32c1dde24e9e8363ebb35590bd765c36d2b0f0e1b5e3dc97e96cb",
    "9a80aa86e851cc61ff976205ec8c0f59403d558e17ac83f0de9c23f4560c9f93",
    "ab1f426def0fbe1f005e23658550567c5d788fff4c6a7047845009e173b425e2",
    "01391f6f4608dd3f2f0fffe1c987574e276f0a4089bf9574b0ea09af8d9c5b08",
  ]);
});

Deno.test("v2 streams of coders 8 and 9 (phase sets) round-trip and are the same bytes as when they were fixed", async () => {
  const coder8: V2CodingOptions = {
    checkedWays: 2,
    rateDecay: true,
    splitApmUpdates: true,
    phaseSets: true,
  };
  const coder9: V2CodingOptions = { ...coder8, leastSquares: true, checkedWays: 4 };
  // The last three use the built-in model: regenerating it changes them.
  assertEquals(await pairStreamHashes(coder8, coder9, "phaseSets"), [
    "58eafb4b831fbab766ab1e881275234f6042964c631e64a4d6e24dec1671adda",
    "9717b2536bbefe24d8ad9f2cc5c552eef02e8d434a9e2f311fb67b7fc5af647b",
    "1d3f6afb4992416d4cbcaf1784defea21e02669699880c84621161cfa585af79",
    "9ae85d736f07bc7be32d8b690e777f4569652817926da19418f28a68138cf303",
  ]);
});

Deno.test("v2 models without own error classes (payload versions 5 and 6) code as before them", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const { ownErrorClasses: _, ...shared } = untrainedV2Model();
  const stream = encodeV2(crop(photo, 100, 50, 97, 61), 97, 61, 8, shared);
  assertEquals(
    toHex(await sha256(stream)),
    "6d4ac67935da7b82979f98cbab7dc720ddea78e091e3a127dbf112a281b801c9",
  );
  assertEquals(decodeV2(stream, 97, 61, 8, shared), crop(photo, 100, 50, 97, 61));
  assertEquals(serializeV2Model(shared)[0], 5);
  assertEquals(parseV2Model(serializeV2Model(shared)), shared);
  assertEquals(serializeV2Model(untrainedV2Model())[0], 7);
  assertEquals(parseV2Model(serializeV2Model(untrainedV2Model())), untrainedV2Model());
});

Deno.test("v2 models of the narrow network (payload versions 3 and 4) code as before the wider one", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const narrow = untrainedV2Model({ narrow: true });
  const stream = encodeV2(crop(photo, 100, 50, 97, 61), 97, 61, 8, narrow);
  assertEquals(
    toHex(await sha256(stream)),
    "8dd9811fa855a717cb35602df7dec83e91b8c4f3d48561047a5c3aad9ce5bdb5",
  );
  assertEquals(decodeV2(stream, 97, 61, 8, narrow), crop(photo, 100, 50, 97, 61));
  assertEquals(parseV2Model(serializeV2Model(narrow)), narrow);
});

Deno.test("bit_kernel_wasm.ts holds bit_kernel.wat compiled (run tools/build_wasm.ts if not)", async () => {
  const bytes = await compileWat(BIT_KERNEL);
  assertEquals([...BIT_KERNEL_WASM_BASE64], base64Lines(bytes));
});

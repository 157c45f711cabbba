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
import { RangeDecoder, RangeEncoder } from "../src/v2/range_coder.ts";
import { CONTEXT_MIXING } from "../src/v2/tile_coders.ts";
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
  "6851c8c0fb1d1593c0452211e422191b11802ae8015cd1e98a9754e28d5ce0ac",
  "95feaaad8acc0ad0f1bd9aa79008dffa1acf8636b1724b008e627473a2d39030",
  "ba0f94a417bc2dd54c51a90901cb1a0c3c9f69cb5c9b4434114365cd656d2294",
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
  for (const cut of [0, 1, stream.length >> 1]) {
    assertThrows(() => decodeV2(stream.subarray(0, cut), 40, 30, 8, model), Error);
  }
  assertThrows(() => decodeV2(Uint8Array.from([...stream, 1]), 40, 30, 8, model), Error);
  const throwsOrDiffers = (bytes: Uint8Array) => {
    try {
      return decodeV2(bytes, 40, 30, 8, model).some((v, i) => v !== samples[i]);
    } catch (e) {
      return e instanceof Error;
    }
  };
  // Without its last byte the decoder goes astray: an error, or other samples (which the
  // container's stream length, stream checksum and tile checksum each catch).
  assert(throwsOrDiffers(stream.subarray(0, stream.length - 1)));
  const damaged = stream.slice();
  damaged[damaged.length >> 2] ^= 0x10;
  assert(throwsOrDiffers(damaged));
});

Deno.test("v2 range coder: a stream ends with one byte, or with four in files before version 4; both decode, nothing else does", () => {
  const next = randomGenerator(11);
  const bits = Array.from({ length: 5000 }, () => (next() & 7) === 0 ? 1 : 0);
  const probabilities = bits.map((_, i) => 1 + ((i * 977) % 4095));
  const coded = (endBytes: 1 | 4) => {
    const encoder = new RangeEncoder();
    bits.forEach((bit, i) => encoder.encode(bit, probabilities[i]));
    return encoder.finish(endBytes);
  };
  const decodes = (bytes: Uint8Array) => {
    const decoder = new RangeDecoder(bytes);
    const back = probabilities.map((p) => decoder.decode(p));
    decoder.finish();
    return back;
  };
  const short = coded(1);
  const long = coded(4);
  assertEquals(short.length + 3, long.length);
  assertEquals(short.subarray(0, -1), long.subarray(0, -4)); // the same bytes up to the end
  assertEquals(decodes(short), bits);
  assertEquals(decodes(long), bits);
  assertThrows(() => decodes(Uint8Array.of(...short, 0)), /final bytes/);
  assertThrows(() => decodes(Uint8Array.of(...long, 0)), /trailing/);
  assertThrows(() => decodes(long.subarray(0, long.length - 1)), /final bytes|truncated/);
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
    "bc600c128621de57af219c635921c663c794d2a0e11522c2985a3607eb58dc35",
    "9efe267051f2386f6e8f98e25fde05515fba538b8019d240ad9bd41f660fb730",
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
    "7c9b3f796cbf47d6dd0a36c645ccdfcae3f563bb09f68cb7a4c0b26ffceb3b0b",
    "185341dbe18de7ed67384729978ef2430099882e2e851d1ac10a21b4bce5a8c9",
    "1b0f0dfa4bbb54bb8cf1343b93d47483e9f50ceb579591aa587f7dcf458cf0f7",
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
  feature: "rateDecay" | "splitApmUpdates" | "phaseSets" | "certainty",
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
    "4ab1ed125a8117d2d4f65726fcecb9bb5210926d7a24de7118445a4e20e78a30",
    "1796a853564d9d6c3b28e7f415d97247ed29969758c8b436e53c9c652ee1f7a8",
    "5b6979f2cea5e939be0a2b233b326827b16a179191a191177fd350633c24b383",
    "08e844c37f83fa4e376e845f35c7970cec763b95a227febf70de1399b8ff993d",
  ]);
});

Deno.test("v2 streams of coders 6 and 7 (split APM updates; coder 6 with two-way checked buckets) round-trip and are the same bytes as when they were fixed", async () => {
  const coder6: V2CodingOptions = { checkedWays: 2, rateDecay: true, splitApmUpdates: true };
  const coder7: V2CodingOptions = { ...coder6, leastSquares: true, checkedWays: 4 };
  // The last three use the built-in model: regenerating it changes them.
  assertEquals(await pairStreamHashes(coder6, coder7, "splitApmUpdates"), [
    "ccccad57331e97618f7180a74b96d64ee1ced61ce3deaf9c25dca4b7d7d7f608",
    "97f90a07e99e80b7d7532b450db19b5efa9a6cb738d123f501c3930a304ae2c0",
    "d456dbdbab8eb5cceb8f4626ba2a400b6957adf8fbf49f51ef045d5e8c07ea90",
    "5260e7b59d965d221bfeeedef475f23d8fb13cd3e3847abad486f5ae4bcae840",
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
    "9d5275941c586da37e587b6f13bebf5dcfbf66b6ae219d128ab7242d8a9bdb39",
    "9c0ddb91d5b099fb15b62c09a6d5663cadc6a79bcb7b98cc10efd03379759e16",
    "09839f198b80c21f37a358736cc7a3d80b4aeb12fba93e422225f6f0c746757b",
    "16fe866fe0f5bd0cd9c8b97988c0e105c9009c05b914d72bc43df2693ef73576",
  ]);
});

Deno.test("v2 streams of coder 10 (a hashed table of up to 2^24 slots) round-trip, are the same bytes as when they were fixed, and differ from coder 9's once the image wants more than 2^22 slots", async () => {
  const page = readPgm("corpus/document/test/r_faq_p012.pgm");
  const coder9: V2CodingOptions = {
    leastSquares: true,
    checkedWays: 4,
    rateDecay: true,
    splitApmUpdates: true,
    phaseSets: true,
  };
  const coder10: V2CodingOptions = { ...coder9, largeHashTable: true };
  const hashes = [];
  // 2^18 8-bit samples want 2^23 slots; 2^17 want 2^22, which both coders give.
  for (const [width, height, same] of [[512, 512, false], [512, 256, true]] as const) {
    const samples = crop(page, 200, 300, width, height);
    const stream = encodeV2(samples, width, height, 8, model, coder10);
    assertEquals(decodeV2(stream, width, height, 8, model, coder10), samples);
    const hash = toHex(await sha256(stream));
    const before = encodeV2(samples, width, height, 8, model, coder9);
    assertEquals(hash === toHex(await sha256(before)), same);
    hashes.push(hash);
  }
  // Both use the built-in model: regenerating it changes them.
  assertEquals(hashes, [
    "4117e26c3ff50a07c8974b3733d5a71a0c6e0248c252115b9f2bdaa89b48cbba",
    "84ed24201cad98efba8dfd07eba375a7624213a99972a083d0eabe50eef7ebae",
  ]);
});

Deno.test("v2 streams of coder 11 (six of the hashed contexts in samples of up to 8 bits) round-trip, are the same bytes as when they were fixed, and are coder 8's in deeper samples", async () => {
  const coder8: V2CodingOptions = {
    checkedWays: 2,
    rateDecay: true,
    splitApmUpdates: true,
    phaseSets: true,
  };
  const coder11: V2CodingOptions = { ...coder8, hashedContexts: [0, 3, 6, 7, 8, 9] };
  assertEquals(CONTEXT_MIXING["cm-checked2-decay-split-apm-phase-hashed6"], coder11);
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const page = readPgm("corpus/document/test/r_faq_p012.pgm");
  const ct = readPgm("corpus16/medical/test/pydicom_ct_small.pgm");
  // A model of the narrow network has hashed contexts 0 to 7 only: coder 11 looks up 0, 3, 6, 7.
  const cases: [Uint16Array, number, number, number, V2Model, boolean][] = [
    [crop(photo, 100, 50, 97, 61), 97, 61, 8, untrainedV2Model(), false],
    [crop(page, 300, 400, 120, 90), 120, 90, 8, model, false],
    [crop(photo, 0, 0, 60, 40), 60, 40, 8, untrainedV2Model({ narrow: true }), false],
    [crop(ct, 0, 0, 128, 96), 128, 96, 16, model, true],
  ];
  const hashes = [];
  for (const [samples, width, height, bits, used, same] of cases) {
    const stream = encodeV2(samples, width, height, bits, used, coder11);
    assertEquals(decodeV2(stream, width, height, bits, used, coder11), samples);
    const hash = toHex(await sha256(stream));
    const before = encodeV2(samples, width, height, bits, used, coder8);
    assertEquals(hash === toHex(await sha256(before)), same);
    hashes.push(hash);
  }
  // The second and fourth use the built-in model: regenerating it changes them.
  assertEquals(hashes, [
    "857ef3dda87d815dd494ce681f9fa0f29ebb1bc78143097a5e5f3c609a15f07c",
    "19341ca9d6b2b93ed059cc873c462e9d8e22f5e87d7dfd13616fe0f01c85c6ce",
    "f119256954a751685ebc616add28ea78965dfedc0eda0b4254b6e42d7b78b6de",
    "9c0ddb91d5b099fb15b62c09a6d5663cadc6a79bcb7b98cc10efd03379759e16", // coder 8's
  ]);
});

Deno.test("v2 streams of coders 12 and 13 (16-bit probabilities) round-trip, are the same bytes as when they were fixed, and code a page smaller than coders 11 and 10", async () => {
  const coder12 = CONTEXT_MIXING["cm-checked2-decay-split-apm-phase-hashed6-p16"];
  const coder13 = CONTEXT_MIXING["cm-ls-checked-decay-split-apm-phase-h24-p16"];
  assertEquals(coder12, {
    ...CONTEXT_MIXING["cm-checked2-decay-split-apm-phase-hashed6"],
    certainty: true,
  });
  assertEquals(coder13, {
    ...CONTEXT_MIXING["cm-ls-checked-decay-split-apm-phase-h24"],
    certainty: true,
  });
  // The last three use the built-in model: regenerating it changes them.
  assertEquals(await pairStreamHashes(coder12, coder13, "certainty"), [
    "71f03e103f74c43413b41b158f6f82d39f360eda625a68ba5c6269764dee4ad7",
    "4fdd3d14d0994d6b79db7e084f6f6fb0fd7961a02f03e9dcdf114eacbe5a875f",
    "039eb638bd802e2540fb3dcc84f6f7d0f723d8a3ac73c9a54d176416b5f9c6aa",
    "3459141fbbd6f1acd47b09edb708f6b3442617f03633a2658004eb19c42d7913",
  ]);
  // A text page is mostly near-certain bits, whose cost the 12-bit probabilities floor.
  const page = crop(readPgm("corpus/document/test/r_faq_p012.pgm"), 100, 200, 400, 300);
  for (const coder of [coder12, coder13]) {
    const stream = encodeV2(page, 400, 300, 8, model, coder);
    const before = encodeV2(page, 400, 300, 8, model, { ...coder, certainty: false });
    assert(stream.length < before.length, `${stream.length} bytes, ${before.length} before`);
  }
});

Deno.test("v2 range coder with 16-bit probabilities: near-certain bits cost near nothing, any probability round-trips, and a 12-bit decoder does not read its streams", () => {
  const certain = (probabilityBits: 12 | 16, p: number) => {
    const encoder = new RangeEncoder({ probabilityBits });
    for (let i = 0; i < 200000; i++) encoder.encode(1, p);
    return encoder.finish();
  };
  // 200 000 bits at 1 − 2^−16 cost about 4.4 bits, at 1 − 2^−12 about 70.
  assertEquals(certain(16, 65535).length, 1);
  assert(certain(12, 4095).length >= 8);
  const next = randomGenerator(5);
  const bits = Array.from({ length: 5000 }, () => next() & 1);
  const probabilities = bits.map((_, i) => i < 2 ? [1, 65535][i] : 1 + (next() % 65535));
  const encoder = new RangeEncoder({ probabilityBits: 16 });
  bits.forEach((bit, i) => encoder.encode(bit, probabilities[i]));
  const bytes = encoder.finish();
  const decoder = new RangeDecoder(bytes, { probabilityBits: 16 });
  assertEquals(probabilities.map((p) => decoder.decode(p)), bits);
  decoder.finish();
  const misreads = () => {
    try {
      const narrow = new RangeDecoder(bytes);
      return probabilities.some((p, i) => narrow.decode(p >> 4 || 1) !== bits[i]);
    } catch (e) {
      return e instanceof Error;
    }
  };
  assert(misreads());
});

Deno.test("v2 models without own error classes (payload versions 5 and 6) code as before them", async () => {
  const photo = readPgm("corpus/photo/test/skimage_chelsea.pgm");
  const { ownErrorClasses: _, ...shared } = untrainedV2Model();
  const stream = encodeV2(crop(photo, 100, 50, 97, 61), 97, 61, 8, shared);
  assertEquals(
    toHex(await sha256(stream)),
    "60a1c050ca29318ecd7aaf14669dace671e5ddf6e311168b95a55f51a7503d91",
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
    "331e85107965425510a42558334b5a67f3520fefd1d96aa5ae2c7a107e3fae2e",
  );
  assertEquals(decodeV2(stream, 97, 61, 8, narrow), crop(photo, 100, 50, 97, 61));
  assertEquals(parseV2Model(serializeV2Model(narrow)), narrow);
});

Deno.test("bit_kernel_wasm.ts holds bit_kernel.wat compiled (run tools/build_wasm.ts if not)", async () => {
  const bytes = await compileWat(BIT_KERNEL);
  assertEquals([...BIT_KERNEL_WASM_BASE64], base64Lines(bytes));
});

import { assert, assertEquals, assertThrows } from "./assert.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { makeImage, randomGenerator, SHARED } from "./helpers.ts";
import { decodeFast, encodeFast, maxFastSamples } from "../src/fast/mod.ts";
import { FormatError } from "../src/errors.ts";
import { sha256, toHex } from "../src/sha256.ts";
import { FAST_KERNEL_WASM_BASE64 } from "../src/fast/fast_kernel_wasm.ts";
import { base64Lines, compileWat, FAST_KERNEL } from "../tools/wasm_source.ts";

const readShared = (relative: string): GrayImage =>
  decodeImageFile(Deno.readFileSync(SHARED + relative));

/** The `width × height` samples of `image` from (x0, y0). */
const crop = (image: GrayImage, x0: number, y0: number, width: number, height: number) =>
  makeImage(width, height, (x, y) => image.data[(y0 + y) * image.width + x0 + x]).data;

const photo = readShared("corpus/photo/test/skimage_chelsea.pgm");
const page = readShared("corpus/document/test/r_faq_p012.pgm");
const ct = readShared("corpus16/medical/test/pydicom_ct_small.pgm");

function roundTrip(samples: Uint16Array, width: number, height: number, bits: number) {
  const stream = encodeFast(samples, width, height, bits);
  assertEquals(decodeFast(stream, width, height, bits), samples);
  return stream;
}

/** Bilevel samples: 1 where `image` is dark. */
const dark = (samples: Uint16Array) => samples.map((v) => (v < 128 ? 1 : 0));

Deno.test("fast round-trips synthetic images of every shape and depth", () => {
  const next = randomGenerator(11);
  for (const bits of [1, 2, 3, 5, 7, 8, 9, 12, 15, 16]) {
    const max = 2 ** bits - 1;
    for (const [width, height] of [[1, 1], [1, 37], [37, 1], [2, 2], [23, 17], [64, 9]]) {
      const n = width * height;
      roundTrip(new Uint16Array(n), width, height, bits);
      roundTrip(new Uint16Array(n).fill(max), width, height, bits);
      roundTrip(new Uint16Array(n).map(() => next() & max), width, height, bits);
      const smooth = (i: number) => ((i % width) + Math.floor(i / width)) * max / (width + height);
      roundTrip(new Uint16Array(n).map((_, i) => Math.floor(smooth(i))), width, height, bits);
      roundTrip(new Uint16Array(n).map((_, i) => (i & 4 ? max : 0)), width, height, bits);
    }
  }
});

Deno.test("fast round-trips crops of real corpus images at 1, 8, 12 and 16 bits", () => {
  for (const [image, x0, y0] of [[photo, 100, 50], [page, 300, 400]] as const) {
    const samples = crop(image, x0, y0, 97, 61);
    const stream = roundTrip(samples, 97, 61, 8);
    assert(stream.length < samples.length, "8-bit crops should compress");
    roundTrip(dark(samples), 97, 61, 1);
  }
  const samples = crop(ct, 30, 30, 40, 32);
  roundTrip(samples, 40, 32, 12); // CT_small's samples are below 2^12
  roundTrip(samples, 40, 32, 16);
  roundTrip(samples.map((v) => v * 16 + (v & 15)), 40, 32, 16);
});

Deno.test("fast round-trips whole corpus images, the document below 0.4 bpp", () => {
  const stream = roundTrip(page.data, page.width, page.height, 8);
  assert(stream.length * 8 < 0.4 * page.data.length, `${stream.length} bytes`);
  roundTrip(photo.data, photo.width, photo.height, 8);
  roundTrip(ct.data, ct.width, ct.height, 12);
});

Deno.test("fast codes images wider than a stripe (65536 columns) in stripes", () => {
  const next = randomGenerator(3);
  const width = 65536 + 37;
  roundTrip(new Uint16Array(width * 3).map((_, i) => (i % 700) + (next() & 3)), width, 3, 10);
  roundTrip(new Uint16Array(width * 2).map(() => next() & 1), width, 2, 1);
  roundTrip(new Uint16Array(width).map((_, i) => i & 255), width, 1, 8);
});

Deno.test("fast codes flat images in a few bytes", () => {
  const stream = roundTrip(new Uint16Array(500 * 400).fill(77), 500, 400, 8);
  assert(stream.length < 40, `constant image took ${stream.length} bytes`);
  const white = roundTrip(new Uint16Array(2000 * 2000), 2000, 2000, 1);
  assert(white.length < 200, `a white bilevel page took ${white.length} bytes`);
});

Deno.test("fast encoding is deterministic", () => {
  const samples = crop(photo, 0, 0, 50, 50);
  assertEquals(encodeFast(samples, 50, 50, 8), encodeFast(samples, 50, 50, 8));
});

/** SHA-256 of the streams of the format-stability test. */
const GOLDEN = [
  "64608b1991a46268ec3c18f9f4b252fcd92ea2a9b66cdb002ea88a58d06cc9fe",
  "c600548937f82b762d028f6fb9ef3c9376e7cc2948b83691d30b1b2d461476a4",
  "104c10f0cba4121dc363b25695a662e88cdd04d67cd7db6f2e33e2097fe87a16",
  "2ba53556b226ca85c8bbc57a27087ee6fa2d29d7d9149c284a1c89c257f3839b",
  "a95bff743f39f6181fc4033f8779da973b7aa13d187233679f5e22e44cb7d3d9",
];

Deno.test("fast streams are the same bytes as when the format was fixed", async () => {
  const next = randomGenerator(5);
  const streams = [
    encodeFast(crop(photo, 0, 0, 160, 120), 160, 120, 8),
    encodeFast(crop(page, 200, 300, 200, 150), 200, 150, 8),
    encodeFast(crop(ct, 0, 0, 128, 96), 128, 96, 12),
    encodeFast(dark(crop(page, 200, 300, 200, 150)), 200, 150, 1),
    encodeFast(new Uint16Array(33 * 20).map((_, i) => (i * 7 + (next() & 15)) & 65535), 33, 20, 16),
  ];
  const hashes = await Promise.all(streams.map(async (stream) => toHex(await sha256(stream))));
  assertEquals(hashes, GOLDEN);
});

/** Decodes `stream`; a failure must be a FormatError (never a crash of the kernel). */
function decodesOrRefuses(stream: Uint8Array, width: number, height: number, bits: number) {
  try {
    return decodeFast(stream, width, height, bits);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return undefined;
  }
}

Deno.test("fast refuses truncated streams and trailing bytes", () => {
  for (const bits of [1, 8, 16]) {
    const samples = bits === 1 ? dark(crop(page, 300, 400, 40, 30)) : crop(photo, 100, 100, 40, 30);
    const stream = encodeFast(samples, 40, 30, bits);
    for (const cut of [0, 1, 3, stream.length >> 1, stream.length - 1]) {
      assertThrows(() => decodeFast(stream.subarray(0, cut), 40, 30, bits), FormatError);
    }
    assertThrows(() => decodeFast(Uint8Array.from([...stream, 0]), 40, 30, bits), FormatError);
  }
});

Deno.test("fast decodes damaged and random streams to other samples or a FormatError", () => {
  const next = randomGenerator(9);
  const cases = [
    { samples: crop(photo, 10, 20, 48, 40), bits: 8 },
    { samples: crop(page, 300, 400, 48, 40), bits: 8 },
    { samples: crop(ct, 20, 20, 48, 40), bits: 16 },
    { samples: dark(crop(page, 300, 400, 48, 40)), bits: 1 },
  ];
  for (const { samples, bits } of cases) {
    const stream = encodeFast(samples, 48, 40, bits);
    for (let trial = 0; trial < 60; trial++) {
      const damaged = stream.slice();
      damaged[next() % damaged.length] ^= 1 << (next() % 8);
      const decoded = decodesOrRefuses(damaged, 48, 40, bits);
      if (decoded) assert(decoded.every((v) => v < 2 ** bits));
    }
    for (const length of [4, 7, 64, 300]) {
      const noise = new Uint8Array(length).map(() => next() & 255);
      const decoded = decodesOrRefuses(noise, 48, 40, bits);
      if (decoded) assert(decoded.every((v) => v < 2 ** bits));
    }
  }
});

Deno.test("fast refuses a stream too short for its size before allocating", () => {
  assert(maxFastSamples(4) < 46000 * 46000);
  assertThrows(
    () => decodeFast(new Uint8Array(4), 46000, 46000, 8),
    (e) => e instanceof FormatError && /too short/.test(e.message),
  );
});

Deno.test("fast rejects bad arguments", () => {
  assertThrows(() => encodeFast(new Uint16Array([256]), 1, 1, 8), RangeError);
  assertThrows(() => encodeFast(new Uint16Array([2]), 1, 1, 1), RangeError);
  assertThrows(() => encodeFast(new Uint16Array(3), 2, 2, 8), RangeError);
  assertThrows(() => encodeFast(new Uint16Array(1), 1, 1, 17), RangeError);
  assertThrows(() => encodeFast(new Uint16Array(1), 1, 1, 0), RangeError);
  assertThrows(() => decodeFast(new Uint8Array(4), 0, 1, 8), RangeError);
  assertThrows(() => decodeFast(new Uint8Array(4), 1.5, 1, 8), RangeError);
});

Deno.test("fast_kernel_wasm.ts holds fast_kernel.wat compiled (run tools/build_wasm.ts if not)", async () => {
  const bytes = await compileWat(FAST_KERNEL);
  assertEquals([...FAST_KERNEL_WASM_BASE64], base64Lines(bytes));
});

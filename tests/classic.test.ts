import { ClassicDecoder, ClassicEncoder } from "../src/classic/arith_coder.ts";
import { decodePlanes, encodePlanes } from "../src/classic/codec.ts";
import { scanPlanes } from "../src/classic/context.ts";
import {
  parseClassicArchive,
  parseClassicImage,
  serializeClassicArchive,
  serializeClassicImage,
} from "../src/classic/container.ts";
import {
  ClassicCounts,
  parseClassicModel,
  serializeClassicModel,
  uniformClassicModel,
} from "../src/classic/model.ts";
import { FormatError } from "../src/errors.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "./assert.ts";
import { COMPAT, randomGenerator } from "./helpers.ts";

const modelBytes = Deno.readFileSync(COMPAT + "model.bpm");
const model = parseClassicModel(modelBytes);

Deno.test("arithmetic coder: random bits with random probabilities round-trip", () => {
  const rand = randomGenerator(7);
  const bits: number[] = [];
  const probs: number[] = [];
  const enc = new ClassicEncoder();
  for (let i = 0; i < 50000; i++) {
    const p0 = 1 + (rand() % 4095);
    const bit = rand() % 4096 < p0 ? 0 : 1;
    bits.push(bit);
    probs.push(p0);
    enc.encode(bit, p0);
  }
  const dec = new ClassicDecoder(enc.finish());
  assertEquals(probs.map((p) => dec.decode(p)), bits);
});

Deno.test("arithmetic coder: long runs of extreme probabilities round-trip", () => {
  const enc = new ClassicEncoder();
  for (let i = 0; i < 20000; i++) enc.encode(i % 1000 === 999 ? 0 : 1, 4095);
  const dec = new ClassicDecoder(enc.finish());
  for (let i = 0; i < 20000; i++) assertEquals(dec.decode(4095), i % 1000 === 999 ? 0 : 1);
});

Deno.test("classic planes: noise, flat and tiny images round-trip", () => {
  const rand = randomGenerator(3);
  for (const [w, h] of [[1, 1], [1, 9], [9, 1], [31, 17], [64, 64]]) {
    for (const fill of [() => rand() & 255, () => 0, () => 255]) {
      const samples = Uint8Array.from({ length: w * h }, fill);
      const stream = encodePlanes(samples, w, h, model);
      assertEquals(decodePlanes(stream, w, h, model), samples);
    }
  }
});

Deno.test("classic planes: a damaged stream is an error, not a wrong image", () => {
  const rand = randomGenerator(11);
  const samples = Uint8Array.from({ length: 40 * 30 }, (_, i) => (i * 7 + (rand() & 15)) & 255);
  const stream = encodePlanes(samples, 40, 30, model);
  for (const at of [0, stream.length >> 1, stream.length - 1]) {
    const damaged = stream.slice();
    damaged[at] ^= 0x10;
    assertThrows(() => decodePlanes(damaged, 40, 30, model), /damaged/);
  }
});

Deno.test("classic planes: the cheap exactness check agrees with coding the result again", () => {
  const rand = randomGenerator(23);
  const [w, h] = [24, 16];
  const samples = Uint8Array.from({ length: w * h }, (_, i) => (i * 5 + (rand() & 31)) & 255);
  const stream = encodePlanes(samples, w, h, model);
  const damaged: Uint8Array[] = [
    stream.subarray(0, stream.length - 1),
    Uint8Array.of(...stream, 0),
  ];
  for (let pos = 0; pos < stream.length * 8; pos++) {
    const flipped = stream.slice();
    flipped[pos >> 3] ^= 0x80 >> (pos & 7);
    damaged.push(flipped);
  }
  for (let i = 0; i < 300; i++) {
    const changed = stream.slice();
    changed[rand() % changed.length] = rand() & 255;
    damaged.push(changed);
  }
  let refused = 0;
  for (const bytes of damaged) {
    // The oracle: decode without the exactness check, code the result again, compare the
    // streams. A stream the decoder reads past its end (it stops at once) is damaged.
    const decoded = new Uint8Array(w * h);
    const decoder = new ClassicDecoder(bytes);
    try {
      scanPlanes(decoded, w, h, { decide: (c) => decoder.decode(model.p0[c]) });
    } catch (e) {
      assertMatch((e as Error).message, /ends too early/);
      refused++;
      continue;
    }
    const again = encodePlanes(decoded, w, h, model);
    const exact = again.length === bytes.length && again.every((v, k) => v === bytes[k]);
    assertEquals(decoder.endsExactly(), exact);
    if (!exact) refused++;
  }
  // Classic files carry no checksum: a damaged stream that is, by chance, exactly the
  // encoding of another image cannot be told apart. Nearly every damage is refused.
  assert(refused >= 0.99 * damaged.length, `${refused} of ${damaged.length} refused`);
});

Deno.test("classic training: counts follow the spec's rounding and clamping", () => {
  const counts = new ClassicCounts();
  counts.addCounts(new Float64Array(5120).fill(0), new Float64Array(5120).fill(0));
  assertEquals(counts.toModel(16).p0[0], 2048);
  counts.zeros[1] = 1e12;
  counts.ones[2] = 1e12;
  const m = counts.toModel(1);
  assertEquals([m.p0[1], m.p0[2]], [4095, 1]);
  assertThrows(() => counts.toModel(0), RangeError);
});

Deno.test("BPM1: every malformed field is rejected", () => {
  const cases: [string, (b: Uint8Array) => Uint8Array][] = [
    ["magic", (b) => (b[0] = 0x41, b)],
    ["version", (b) => (b[4] = 2, b)],
    ["total probability", (b) => (b[7] = 0, b)],
    ["context count", (b) => (b[8] = 1, b)],
    ["alpha", (b) => (b.fill(0, 12, 16), b)],
    ["reserved", (b) => (b[20] = 1, b)],
    ["probability 0", (b) => (b[48] = 0, b[49] = 0, b)],
    ["probability 4096", (b) => (b[48] = 0, b[49] = 16, b)],
    ["truncated", (b) => b.subarray(0, b.length - 1)],
    ["trailing byte", (b) => Uint8Array.of(...b, 0)],
  ];
  for (const [what, damage] of cases) {
    assertThrows(() => parseClassicModel(damage(modelBytes.slice())), FormatError, what);
  }
  assertEquals(serializeClassicModel(parseClassicModel(modelBytes)), modelBytes);
});

Deno.test("BPC1: every malformed field is rejected", () => {
  const good = serializeClassicImage({
    width: 3,
    height: 2,
    inverted: true,
    stream: new Uint8Array([1, 2, 3]),
    modelHash: new Uint8Array(32).fill(9),
  });
  assertEquals(parseClassicImage(good).inverted, true);
  // Each damage, and what its refusal says.
  const cases: [string, (b: Uint8Array) => Uint8Array][] = [
    ["bad magic", (b) => (b[3] = 0x32, b)],
    ["version 0", (b) => (b[4] = 0, b)],
    ["width 0", (b) => (b[6] = 0, b)],
    ["height 0", (b) => (b[8] = 0, b)],
    ["flag bits", (b) => (b[10] = 2, b)],
    ["reserved image header bytes", (b) => (b[12] = 1, b)],
    ["coded stream runs past the end", (b) => (b[50] = 4, b)],
    ["trailing bytes", (b) => (b[50] = 2, b)],
    ["truncated", (b) => b.subarray(0, 40)],
  ];
  for (const [what, damage] of cases) {
    assertThrows(() => parseClassicImage(damage(good.slice())), FormatError, what);
  }
});

Deno.test("BPA1: malformed archives and unsafe names are rejected", () => {
  const entry = { width: 1, height: 1, inverted: false, stream: new Uint8Array([0, 0]) };
  const good = serializeClassicArchive({ modelBytes, entries: [{ name: "a/b.png", ...entry }] });
  assertEquals(parseClassicArchive(good).entries[0].name, "a/b.png");
  for (const name of ["../x.png", "/etc/x.png", "C:x.png", "a\\b.png", "a/../../b.png", ""]) {
    assertThrows(() => serializeClassicArchive({ modelBytes, entries: [{ name, ...entry }] }));
    // Craft the archive by hand: the writer refuses unsafe names, the reader must too.
    const raw = new TextEncoder().encode(name);
    const bytes = new Uint8Array(good.length - 7 + raw.length);
    const at = 4 + 2 + 4 + modelBytes.length + 4;
    bytes.set(good.subarray(0, at));
    new DataView(bytes.buffer).setUint16(at, raw.length, true);
    bytes.set(raw, at + 2);
    bytes.set(good.subarray(at + 2 + 7), at + 2 + raw.length);
    assertThrows(() => parseClassicArchive(bytes), /name/, name);
  }
  const damagedModel = good.slice();
  damagedModel[10 + 48] = 0;
  damagedModel[10 + 49] = 0;
  assertThrows(() => parseClassicArchive(damagedModel), /probability/);
  assertThrows(() => parseClassicArchive(good.subarray(0, good.length - 1)), /truncated/);
  assertThrows(() => parseClassicArchive(Uint8Array.of(...good, 1)), /trailing/);
  assertEquals(uniformClassicModel().p0.length, 5120);
});

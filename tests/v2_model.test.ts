import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { ModelTrainer } from "../src/codec.ts";
import { FormatError } from "../src/errors.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import {
  defaultV2Model,
  encodeV2,
  parseV2Model,
  serializeV2Model,
  trainV2Model,
  untrainedV2Model,
} from "../src/v2/mod.ts";
import { corpusSplit, v2Bytes } from "./helpers.ts";
import { defaultV2ModelPayload } from "../src/v2/model.ts";
import { wrapV2Model } from "../src/v2/container.ts";
import { defaultModel } from "../src/model_file.ts";
import { sha256 } from "../src/sha256.ts";

function texture(seed: number, width: number, height: number): Uint16Array {
  const data = new Uint16Array(width * height);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const x = i % width, y = Math.floor(i / width);
    data[i] = (((x * 3 + y * 2) & 127) + ((s >>> 28) & 7)) & 255;
  }
  return data;
}

const images = [1, 2].map((seed) => ({
  width: 48,
  height: 40,
  maxValue: 255,
  data: texture(seed, 48, 40),
}));

Deno.test("v2 model payload round-trips", async () => {
  for (const model of [defaultV2Model(), untrainedV2Model(), await trainV2Model(images)]) {
    const bytes = serializeV2Model(model);
    assertEquals(serializeV2Model(parseV2Model(bytes)), bytes);
    assertEquals(parseV2Model(bytes), model);
  }
});

Deno.test("the built-in model's stored payload is its serialization, so its hash is of the same bytes", async () => {
  assertEquals(serializeV2Model(defaultV2Model()), defaultV2ModelPayload());
  const model = await defaultModel();
  assertEquals(model.bytes, wrapV2Model(serializeV2Model(defaultV2Model())));
  assertEquals(model.hash, await sha256(model.bytes));
});

Deno.test("v2 model parsing rejects malformed payloads with a message", () => {
  const bytes = serializeV2Model(defaultV2Model());
  assertThrows(() => parseV2Model(bytes.subarray(0, 10)), /v2 model payload has 10 bytes/);
  assertThrows(() => parseV2Model(bytes.subarray(0, bytes.length - 1)), /v2 model payload has/);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assertThrows(() => parseV2Model(longer), /v2 model payload has/);
  const badVersion = bytes.slice();
  badVersion[0] = 99;
  assertThrows(() => parseV2Model(badVersion), /version 99/);
  const badRate = bytes.slice();
  badRate[3] = 200;
  assertThrows(() => parseV2Model(badRate), /lmsRateShift is 200/);
  const badWeight = bytes.slice();
  badWeight.fill(0x7f, 10, 14);
  assertThrows(() => parseV2Model(badWeight), /weight/);
  const cutPacking = bytes.slice(0, bytes.length - 1);
  const lengthAt = 10 + 4 * (5 * 20 + 6); // after the weights of five neurons
  const view = new DataView(cutPacking.buffer);
  view.setUint32(lengthAt, view.getUint32(lengthAt, true) - 1, true);
  assertThrows(() => parseV2Model(cutPacking), /direct starts are damaged/);
});

Deno.test("v2 training is deterministic and helps on its own kind of data", async () => {
  const first = serializeV2Model(await trainV2Model(images));
  const second = serializeV2Model(await trainV2Model(images));
  assertEquals(first, second);
  const trained = parseV2Model(first);
  const test = texture(3, 48, 40);
  const withTrained = encodeV2(test, 48, 40, 8, trained).length;
  const withUntrained = encodeV2(test, 48, 40, 8, untrainedV2Model()).length;
  assert(withTrained < withUntrained, `${withTrained} >= ${withUntrained}`);
});

Deno.test("v2 training of no images gives the untrained model", async () => {
  assertEquals(serializeV2Model(await trainV2Model([])), serializeV2Model(untrainedV2Model()));
});

Deno.test("v2 training with a parameter search is deterministic and stores the chosen rates", async () => {
  const first = await trainV2Model(images, { searchParameters: true });
  const second = await trainV2Model(images.values(), { searchParameters: true });
  assertEquals(serializeV2Model(first), serializeV2Model(second));
  assertEquals(parseV2Model(serializeV2Model(first)).parameters, first.parameters);
});

Deno.test("a domain model refined from the built-in one codes its domain's test split smaller", async () => {
  // Astronomy is the domain where learned direct starts do not carry over to the test split:
  // the two-fold check must keep the built-in starts and still gain from the network weights.
  const base = defaultV2Model();
  const model = await trainV2Model(corpusSplit("astronomy", "train"), {
    base,
    searchParameters: true,
  });
  const test = corpusSplit("astronomy", "test");
  assert(
    v2Bytes(test, model) < v2Bytes(test, base),
    "the domain model should beat the built-in one",
  );
});

Deno.test("v2 ModelTrainer: images read again at the end give the same model; a changed one is an error", async () => {
  const train = async (reload?: (i: number) => () => Promise<GrayImage>) => {
    const trainer = new ModelTrainer();
    images.forEach((image, i) =>
      trainer.addImage(image, reload && { name: `image${i}.pgm`, reload: reload(i) })
    );
    return (await trainer.finish()).bytes;
  };
  const kept = await train();
  let reads = 0;
  const reread = await train((i) => () => {
    reads++;
    return Promise.resolve({ ...images[i], data: images[i].data.slice() });
  });
  assertEquals(reread, kept);
  // Once each to count, and once more each as a primer candidate (both are: one depth, not flat).
  assertEquals(reads, 2 * images.length);
  const changed = (i: number) => () => {
    const data = images[i].data.slice();
    data[data.length >> 1] ^= 1; // one sample of the central crop
    return Promise.resolve({ ...images[i], data });
  };
  await assertRejects(() => train(changed), FormatError, "image0.pgm: changed while training");
});

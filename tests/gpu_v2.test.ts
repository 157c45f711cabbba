import { DeviceError } from "../src/errors.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { ModelTrainer } from "../src/codec.ts";
import { countDirectSlotsOnGpu, type GpuDirectCountOptions } from "../src/gpu/v2_counts.ts";
import type { GpuContext } from "../src/gpu/device.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { significantBits } from "../src/v2/codec.ts";
import {
  countDirectSlots,
  directSlot,
  emptyDirectSlotCounts,
  SampleContexts,
  TRAINING_FOLDS,
} from "../src/v2/direct_counts.ts";
import { defaultV2Model, DIRECT_INPUTS, DIRECT_SLOTS, type V2Model } from "../src/v2/model.ts";
import { runCli } from "./cli_run.ts";
import { TrainingWorkers } from "../src/workers/training_workers.ts";
import { requireGpu, withGpu } from "./gpu_helpers.ts";
import { makeImage, randomGenerator, SHARED } from "./helpers.ts";

function randomImage(width: number, height: number, bits: number, seed: number): GrayImage {
  const rand = randomGenerator(seed);
  // smooth ramps plus noise, so that the predictions fall on both sides of the split points
  const mask = 2 ** bits - 1;
  return makeImage(
    width,
    height,
    (x, y) => ((x * 5 + y * 3) * (mask >> 6) + (rand() & (mask >> 3))) & mask,
    mask,
  );
}

function cropOf(path: string, width: number, height: number): GrayImage {
  const image = decodeImageFile(Deno.readFileSync(`${SHARED}${path}`));
  return makeImage(width, height, (x, y) => image.data[y * image.width + x], image.maxValue);
}

/** Images of odd sizes and depths: a single sample, a single row and column, 8, 12 and 16 bits. */
const MIXED_IMAGES: GrayImage[] = [
  randomImage(1, 1, 8, 1),
  randomImage(37, 23, 8, 2),
  randomImage(1, 40, 8, 3),
  randomImage(41, 1, 8, 4),
  randomImage(29, 31, 12, 5),
  randomImage(33, 19, 16, 6),
  cropOf("corpus/photo/test/skimage_chelsea.pgm", 61, 47),
  cropOf("corpus16/medical/test/pydicom_ct_small.pgm", 50, 43),
];

/** The counts by their definition: `directSlot` for every bit of every sample and table. */
function referenceCounts(images: readonly GrayImage[], start: V2Model) {
  const counts = emptyDirectSlotCounts();
  images.forEach((image, i) => {
    const bits = significantBits(image.data);
    const contexts = new SampleContexts(image, bits, start);
    const offset = (i % TRAINING_FOLDS) * DIRECT_SLOTS;
    while (contexts.rowsLeft > 0) {
      contexts.visitRow((value, predictions, classes) => {
        let known = 0;
        for (let b = bits - 1; b >= 0; b--) {
          const bit = (value >> b) & 1;
          for (let j = 0; j < DIRECT_INPUTS; j++) {
            const slot = offset + directSlot(j, b, known, predictions[j], classes[j]);
            counts.totals[slot]++;
            counts.ones[slot] += bit;
          }
          known |= bit << b;
        }
      });
    }
  });
  return counts;
}

async function assertGpuCountsEqualCpu(
  gpu: GpuContext,
  images: GrayImage[],
  options?: GpuDirectCountOptions,
): Promise<void> {
  const start = defaultV2Model();
  const cpu = await countDirectSlots(images, start);
  const onGpu = await countDirectSlotsOnGpu(gpu, images, start, options);
  assertEquals(onGpu.ones, cpu.ones);
  assertEquals(onGpu.totals, cpu.totals);
}

Deno.test("v2 direct counts: the CPU's fast count equals the definition, in two folds", async () => {
  const start = defaultV2Model();
  const counts = await countDirectSlots(MIXED_IMAGES, start);
  const reference = referenceCounts(MIXED_IMAGES, start);
  assertEquals(counts.ones, reference.ones);
  assertEquals(counts.totals, reference.totals);
  const bitsIn = (images: GrayImage[]) =>
    images.reduce((sum, image) => sum + image.data.length * significantBits(image.data), 0);
  const foldTotal = (f: number) =>
    counts.totals.subarray(f * DIRECT_SLOTS, (f + 1) * DIRECT_SLOTS).reduce((a, b) => a + b);
  for (let f = 0; f < TRAINING_FOLDS; f++) {
    const fold = MIXED_IMAGES.filter((_, i) => i % TRAINING_FOLDS === f);
    assertEquals(foldTotal(f), bitsIn(fold) * DIRECT_INPUTS);
  }
});

Deno.test("gpu v2 counts equal the CPU's: odd sizes, 8 to 16 bits, real images", () =>
  withGpu((gpu) => assertGpuCountsEqualCpu(gpu, MIXED_IMAGES)));

Deno.test("gpu v2 counts equal the CPU's when batches end inside rows and images", () =>
  withGpu(async (gpu) => {
    for (const maxBatchSamples of [1, 37, 1000]) {
      await assertGpuCountsEqualCpu(gpu, MIXED_IMAGES.slice(0, 6), { maxBatchSamples });
    }
  }));

Deno.test("gpu v2 counts equal the CPU's when workers pack the records", () =>
  withGpu(async (gpu) => {
    const workers = new TrainingWorkers(2);
    try {
      const packer = workers.packRecords.bind(workers);
      // small chunks, so that the workers' chunks of different images interleave
      await assertGpuCountsEqualCpu(gpu, MIXED_IMAGES, { packer, maxBatchSamples: 500 });
    } finally {
      workers.close();
    }
  }));

Deno.test("gpu v2 counts report the percentage counted as it grows", () =>
  withGpu(async (gpu) => {
    const seen: number[] = [];
    const images = [randomImage(10, 3, 8, 7), randomImage(4, 2, 8, 8)];
    await countDirectSlotsOnGpu(gpu, images, defaultV2Model(), {
      progress: (done, total) => {
        assertEquals(total, 100);
        seen.push(done);
      },
    });
    // after each image here (they are small): 30 and 38 of 38 samples
    assertEquals(seen, [78, 100]);
  }));

Deno.test("gpu v2 training writes the CPU's model byte for byte", () =>
  withGpu(async (gpu) => {
    const images = [
      cropOf("corpus/medical/train/" + firstTrainImage("medical"), 90, 70),
      randomImage(64, 48, 8, 9),
      randomImage(40, 30, 8, 10),
    ];
    const train = async (onGpu: boolean) => {
      const trainer = new ModelTrainer({
        directSlotCounter: onGpu
          ? (images, start) => countDirectSlotsOnGpu(gpu, images, start)
          : undefined,
      });
      for (const image of images) trainer.addImage(image);
      return (await trainer.finish()).bytes;
    };
    const fromGpu = await train(true);
    assertEquals(fromGpu, await train(false));
    assert(fromGpu.length > 0);
  }));

function firstTrainImage(domain: string): string {
  return Deno.readDirSync(`${SHARED}corpus/${domain}/train`).map((e) => e.name).toArray().sort()[0];
}

Deno.test("gpu v2 counts: a lost device fails with a device error", async () => {
  const gpu = await requireGpu();
  gpu.device.destroy();
  await assertRejects(
    countDirectSlotsOnGpu(gpu, [randomImage(8, 8, 8, 11)], defaultV2Model()),
    (e: Error) => e instanceof DeviceError && e.code === "device-failed",
  );
});

Deno.test("cli: train --device gpu writes the v2 model of --device cpu", async () => {
  const dir = Deno.makeTempDirSync();
  const images = `${dir}/images`;
  Deno.mkdirSync(images);
  for (const name of ["eso_dss_test1.pgm", "skimage_gmos_multi_ext1.pgm"]) {
    Deno.copyFileSync(`${SHARED}corpus/astronomy/train/${name}`, `${images}/${name}`);
  }
  const train = ["train", "--input-dir", images];
  const gpu = await runCli([...train, "--device", "gpu", "--model", "g.bpm", "--json"], dir);
  assertEquals(gpu.code, 0, gpu.stderr);
  const report = JSON.parse(gpu.stdout);
  assertEquals([report.device, report.format], ["gpu", "v2"]);
  assert(typeof report.adapter === "string" && report.adapter.length > 0);
  const cpu = await runCli([...train, "--device", "cpu", "--model", "c.bpm"], dir);
  assertEquals(cpu.code, 0, cpu.stderr);
  assertEquals(cpu.stdout.trim().split("\n")[1], "device: CPU");
  assertEquals(Deno.readFileSync(`${dir}/g.bpm`), Deno.readFileSync(`${dir}/c.bpm`));
});

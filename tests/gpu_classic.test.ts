import { DeviceError } from "../src/errors.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { normalizeClassic } from "../src/classic/image_codec.ts";
import { ClassicCounts, serializeClassicModel } from "../src/classic/model.ts";
import { GpuClassicCounter, type GpuClassicCounterOptions } from "../src/gpu/classic_counts.ts";
import { describeAdapterInfo, type GpuContext } from "../src/gpu/device.ts";
import { requireGpu, withGpu } from "./gpu_helpers.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage, randomGenerator, SHARED } from "./helpers.ts";

function readImage(path: string): GrayImage {
  return decodeImageFile(Deno.readFileSync(path));
}

function randomImage(width: number, height: number, seed: number): GrayImage {
  const rand = randomGenerator(seed);
  return makeImage(width, height, () => rand() & 0xff);
}

/** Counts `images` on the CPU and on the GPU and checks counts and model bytes are equal. */
async function assertGpuMatchesCpu(
  gpu: GpuContext,
  images: GrayImage[],
  options?: GpuClassicCounterOptions,
): Promise<Uint8Array> {
  const cpu = new ClassicCounts();
  const counter = new GpuClassicCounter(gpu, options);
  for (const image of images) {
    const { samples } = normalizeClassic(image, "auto");
    cpu.addImage(samples, image.width, image.height);
    counter.addImage(samples, image.width, image.height);
  }
  const { zeros, ones } = await counter.finish();
  assertEquals(zeros, cpu.zeros);
  assertEquals(ones, cpu.ones);
  const fromGpu = new ClassicCounts();
  fromGpu.addCounts(zeros, ones);
  const bytes = serializeClassicModel(fromGpu.toModel(16));
  assertEquals(bytes, serializeClassicModel(cpu.toModel(16)));
  return bytes;
}

Deno.test("gpu device: an adapter is there and describes itself", () =>
  withGpu((gpu) => {
    assert(gpu.description.length > 0);
    return Promise.resolve();
  }));

Deno.test("gpu device: adapter descriptions", () => {
  assertEquals(describeAdapterInfo({}), "unknown adapter");
  assertEquals(
    describeAdapterInfo({ vendor: "nvidia", architecture: "ada", device: "0", description: "" }),
    "vendor nvidia, architecture ada",
  );
});

Deno.test("gpu classic counts: the compat training set gives the compat model", () =>
  withGpu(async (gpu) => {
    const dir = COMPAT + "train/";
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    const bytes = await assertGpuMatchesCpu(gpu, names.map((name) => readImage(dir + name)));
    assertEquals(bytes, Deno.readFileSync(COMPAT + "model.bpm"));
  }));

Deno.test("gpu classic counts: odd sizes, alone and together", () =>
  withGpu(async (gpu) => {
    const sizes = [[1, 1], [1, 37], [53, 1], [7, 5], [2, 2], [3, 1], [1, 2], [5, 7], [257, 3]];
    const images = sizes.map(([w, h], i) => randomImage(w, h, i + 1));
    for (const image of images) await assertGpuMatchesCpu(gpu, [image]);
    await assertGpuMatchesCpu(gpu, images);
    await assertGpuMatchesCpu(gpu, [
      ...images,
      makeImage(7, 5, (x, y) => (37 * x + 53 * y + 11) % 256),
    ]);
  }));

Deno.test("gpu classic counts: small batches cut images into row bands", () =>
  withGpu(async (gpu) => {
    const images = [randomImage(300, 41, 9), randomImage(1, 300, 10), randomImage(61, 1, 11)];
    for (const maxBatchBytes of [608, 1000, 4096, 65536]) {
      await assertGpuMatchesCpu(gpu, images, { maxBatchBytes });
    }
  }));

Deno.test("gpu classic counts: constant and extreme images fill single contexts", () =>
  withGpu(async (gpu) => {
    await assertGpuMatchesCpu(gpu, [
      makeImage(700, 600, () => 255),
      makeImage(600, 700, () => 0),
      makeImage(333, 333, (x, y) => ((x ^ y) & 1) * 255),
    ]);
  }));

Deno.test("gpu classic counts: corpus train images, small and large", () =>
  withGpu(async (gpu) => {
    const corpus = SHARED + "corpus/";
    const paths = [
      "medical/train/nibabel_example4d_fmri_z10.pgm",
      "astronomy/train/skimage_gmos_multi_ext1.pgm",
      "document/train/skimage_bw_text.pgm",
      "photo/train/skimage_coffee.pgm",
      "graphics/train/kstars_screen1.pgm",
      "photo/train/lomiri16_life_c2048.pgm",
    ];
    const images = paths.map((path) => readImage(corpus + path));
    await assertGpuMatchesCpu(gpu, images);
    await assertGpuMatchesCpu(gpu, images.slice(-1), { maxBatchBytes: 1 << 20 });
  }));

Deno.test("gpu classic counts: wrong input is refused and finish is final", () =>
  withGpu(async (gpu) => {
    const counter = new GpuClassicCounter(gpu, { maxBatchBytes: 64 });
    assertThrows(() => counter.addImage(new Uint8Array(5), 2, 2), RangeError);
    assertThrows(() => counter.addImage(new Uint8Array(0), 0, 0), RangeError);
    assertThrows(() => counter.addImage(new Uint8Array(100), 100, 1), /cannot hold two rows/);
    counter.addImage(new Uint8Array(4), 2, 2);
    const { zeros, ones } = await counter.finish();
    assertEquals(zeros.reduce((a, b) => a + b) + ones.reduce((a, b) => a + b), 32);
    assertThrows(() => counter.addImage(new Uint8Array(1), 1, 1), /finished/);
  }));

Deno.test("gpu classic counts: throttling between images keeps the counts exact", () =>
  withGpu(async (gpu) => {
    const images = Array.from({ length: 40 }, (_, i) => randomImage(17 + i, 23, 100 + i));
    const cpu = new ClassicCounts();
    const counter = new GpuClassicCounter(gpu, { maxBatchBytes: 1024 });
    for (const image of images) {
      const samples = Uint8Array.from(image.data);
      cpu.addImage(samples, image.width, image.height);
      counter.addImage(samples, image.width, image.height);
      samples.fill(0); // the counter keeps its own copy
      await counter.throttle();
    }
    const { zeros, ones } = await counter.finish();
    assertEquals(zeros, cpu.zeros);
    assertEquals(ones, cpu.ones);
  }));

Deno.test("gpu classic counts: a lost device fails with a device error", async () => {
  const gpu = await requireGpu();
  const counter = new GpuClassicCounter(gpu);
  counter.addImage(new Uint8Array(64), 8, 8);
  gpu.device.destroy();
  await assertRejects(
    counter.finish(),
    (e: Error) => e instanceof DeviceError && /the CPU gives the same counts/.test(e.message),
  );
});

Deno.test("cli: train --device gpu writes the classic model byte for byte", async () => {
  const dir = Deno.makeTempDirSync();
  const train = ["train", "--format", "classic", "--input-dir", `${COMPAT}train`];
  const gpu = await runCli([...train, "--device", "gpu", "--model", "g.bpm", "--json"], dir);
  assertEquals(gpu.code, 0, gpu.stderr);
  assertEquals(JSON.parse(gpu.stdout).device, "gpu");
  assertEquals(Deno.readFileSync(`${dir}/g.bpm`), Deno.readFileSync(`${COMPAT}model.bpm`));
  const cpu = await runCli([...train, "--device", "cpu", "--model", "c.bpm"], dir);
  assertEquals(cpu.code, 0, cpu.stderr);
  assertEquals(cpu.stdout.trim().split("\n")[1], "device: CPU");
  assertEquals(Deno.readFileSync(`${dir}/c.bpm`), Deno.readFileSync(`${COMPAT}model.bpm`));
});

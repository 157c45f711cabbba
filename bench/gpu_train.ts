/**
 * Times training statistics on the CPU and on the WebGPU adapter, over the corpus train splits,
 * and checks that both give the same counts: classic context counts (the work that dominates
 * classic training), v2 direct-slot counts, and one domain's whole v2 training step by step.
 *
 * Usage: `deno run -A bench/gpu_train.ts [--format classic|v2|both] [--cpu-mp N] [--domain D]`
 * — classic: the CPU is timed on the first `N` megapixels (default 8: it is slow), the GPU on
 * all of them and on that same subset; v2: every 8- and 16-bit train image, then the training of
 * domain `D` (default medical) as `train` runs it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { normalizeClassic } from "../src/classic/image_codec.ts";
import { ClassicCounts } from "../src/classic/model.ts";
import { GpuClassicCounter } from "../src/gpu/classic_counts.ts";
import { type GpuContext, requestGpu } from "../src/gpu/device.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { countDirectSlotsOnGpu } from "../src/gpu/v2_counts.ts";
import { normalizeV2 } from "../src/v2/image_codec.ts";
import { countDirectSlots, type DirectSlotCounts } from "../src/v2/direct_counts.ts";
import { defaultV2Model } from "../src/v2/model.ts";
import { V2Training } from "../src/v2/train.ts";
import { centralCrop } from "../src/v2/crop_work.ts";
import { defaultWorkerCount, TrainingWorkers } from "../src/workers/training_workers.ts";

interface TrainImage {
  samples: Uint8Array;
  width: number;
  height: number;
}

const CORPUS = new URL("../../shared/corpus/", import.meta.url).pathname;
const CORPUS16 = new URL("../../shared/corpus16/", import.meta.url).pathname;

/** The train split images under `root` (`corpus/` or `corpus16/`), domains and names sorted. */
function readTrainSplit(root: string): GrayImage[] {
  const images: GrayImage[] = [];
  const domains = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name);
  for (const domain of domains.sort()) {
    let names: string[];
    try {
      names = [...Deno.readDirSync(`${root}${domain}/train`)].map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      images.push(decodeImageFile(Deno.readFileSync(`${root}${domain}/train/${name}`)));
    }
  }
  return images;
}

/** The 8-bit train images, normalized for classic. */
function readTrainImages(): TrainImage[] {
  return readTrainSplit(CORPUS).filter((image) => image.maxValue <= 255).map((image) => ({
    samples: normalizeClassic(image, "auto").samples,
    width: image.width,
    height: image.height,
  }));
}

function megapixels(images: TrainImage[]): number {
  return images.reduce((sum, image) => sum + image.samples.length, 0) / 1e6;
}

async function countOnGpu(gpu: GpuContext, images: TrainImage[]) {
  const counter = new GpuClassicCounter(gpu);
  for (const { samples, width, height } of images) counter.addImage(samples, width, height);
  return await counter.finish();
}

function timed<T>(run: () => T): { result: T; seconds: number } {
  const start = performance.now();
  const result = run();
  return { result, seconds: (performance.now() - start) / 1000 };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - start) / 1000 };
}

function report(label: string, mp: number, seconds: number): void {
  const rate = (mp / seconds).toFixed(2);
  console.log(
    `${label.padEnd(28)} ${mp.toFixed(2).padStart(7)} MP ${seconds.toFixed(2).padStart(8)} s ${
      rate.padStart(8)
    } MP/s`,
  );
}

/** All corpus train images at their full depth (8 and 16 bits), normalized for v2. */
function readV2TrainImages(): GrayImage[] {
  return [CORPUS, CORPUS16].flatMap(readTrainSplit).map((image) => ({
    ...image,
    data: normalizeV2(image, "auto").samples,
  }));
}

function sameCounts(a: DirectSlotCounts, b: DirectSlotCounts): boolean {
  return a.ones.every((v, s) => v === b.ones[s]) && a.totals.every((v, s) => v === b.totals[s]);
}

async function benchClassic(gpu: GpuContext, cpuMegapixels: number): Promise<boolean> {
  const images = readTrainImages();
  const subset: TrainImage[] = [];
  for (const image of images) {
    if (megapixels(subset) >= cpuMegapixels) break;
    subset.push(image);
  }
  await countOnGpu(gpu, subset.slice(0, 1)); // compiles the shader outside the timings
  const cpu = timed(() => {
    const counts = new ClassicCounts();
    for (const { samples, width, height } of subset) counts.addImage(samples, width, height);
    return counts;
  });
  const gpuSubset = await timedAsync(() => countOnGpu(gpu, subset));
  const gpuAll = await timedAsync(() => countOnGpu(gpu, images));
  console.log("classic context counts");
  report("CPU, subset", megapixels(subset), cpu.seconds);
  report("GPU, subset", megapixels(subset), gpuSubset.seconds);
  report(`GPU, all ${images.length} images`, megapixels(images), gpuAll.seconds);
  const same = cpu.result.zeros.every((z, c) => z === gpuSubset.result.zeros[c]) &&
    cpu.result.ones.every((o, c) => o === gpuSubset.result.ones[c]);
  console.log(same ? "counts: CPU == GPU" : "counts: CPU != GPU (bug)");
  return same;
}

/** v2 direct-slot counting on every train image, then one domain's whole training, both ways. */
async function benchV2(gpu: GpuContext, domain: string): Promise<boolean> {
  const images = readV2TrainImages();
  const mp = images.reduce((sum, image) => sum + image.data.length, 0) / 1e6;
  const start = defaultV2Model();
  await countDirectSlotsOnGpu(gpu, images.slice(0, 1), start); // compiles the shader first
  const cpu = await timedAsync(() => countDirectSlots(images, start));
  const onGpu = await timedAsync(() => countDirectSlotsOnGpu(gpu, images, start));
  const workers = new TrainingWorkers(defaultWorkerCount());
  const onWorkers = await timedAsync(() => workers.countDirectSlots(images, start));
  const packer = workers.packRecords.bind(workers);
  const packed = await timedAsync(() => countDirectSlotsOnGpu(gpu, images, start, { packer }));
  workers.close();
  console.log("v2 direct-slot counts (8- and 16-bit train splits)");
  report("CPU, one thread", mp, cpu.seconds);
  report("GPU, packed in one thread", mp, onGpu.seconds);
  report(`CPU, ${defaultWorkerCount()} workers`, mp, onWorkers.seconds);
  report(`GPU, packed by ${defaultWorkerCount()} workers`, mp, packed.seconds);
  let same = [onGpu, onWorkers, packed].every((run) => sameCounts(cpu.result, run.result));
  console.log(same ? "counts: CPU == GPU" : "counts: CPU != GPU (bug)");

  const domainImages = [...Deno.readDirSync(`${CORPUS}${domain}/train`)]
    .map((e) => e.name).sort()
    .map((name) => decodeImageFile(Deno.readFileSync(`${CORPUS}${domain}/train/${name}`)));
  const domainMp = domainImages.reduce((sum, image) => sum + image.data.length, 0) / 1e6;
  const search = await timedAsync(() =>
    V2Training.begin(domainImages.map((image) => centralCrop(image)), {
      base: start,
      searchParameters: true,
    })
  );
  const training = search.result;
  const cpuCount = await timedAsync(() => countDirectSlots(domainImages, training.start));
  const gpuCount = await timedAsync(() => countDirectSlotsOnGpu(gpu, domainImages, training.start));
  const finish = await timedAsync(() => training.finish(cpuCount.result, domainImages));
  same &&= sameCounts(cpuCount.result, gpuCount.result);
  console.log(`v2 training of a ${domain} model (${domainMp.toFixed(2)} MP, as \`train\` does)`);
  report("rate search (CPU)", domainMp, search.seconds);
  report("counting, CPU", domainMp, cpuCount.seconds);
  report("counting, GPU", domainMp, gpuCount.seconds);
  report("network and check (CPU)", domainMp, finish.seconds);
  const rest = search.seconds + finish.seconds;
  report("whole, CPU", domainMp, rest + cpuCount.seconds);
  report("whole, GPU", domainMp, rest + gpuCount.seconds);
  return same;
}

const args = parseArgs({
  options: {
    "cpu-mp": { type: "string", default: "8" },
    format: { type: "string", default: "both" },
    domain: { type: "string", default: "medical" },
  },
});
const gpu = await requestGpu();
if (gpu === null) throw new Error("no WebGPU adapter found: this benchmark needs one");
console.log(`adapter: ${gpu.description}${gpu.software ? " (software)" : ""}`);
const format = args.values.format;
let same = true;
if (format !== "v2") same &&= await benchClassic(gpu, Number(args.values["cpu-mp"]));
if (format !== "classic") same &&= await benchV2(gpu, args.values.domain);
gpu.device.destroy();
if (!same) Deno.exit(1);

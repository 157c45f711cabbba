/**
 * Times classic context counting (the work that dominates classic training) on the CPU and on
 * the WebGPU adapter, over the corpus train splits, and checks that both give the same counts.
 *
 * Usage: `deno run -A bench/gpu_train.ts [--cpu-mp N]` — the CPU is timed on the first `N`
 * megapixels (default 8: it is slow), the GPU on all of them and on that same subset.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { normalizeClassic } from "../src/classic/image_codec.ts";
import { ClassicCounts } from "../src/classic/model.ts";
import { GpuClassicCounter } from "../src/gpu/classic_counts.ts";
import { type GpuContext, requestGpu } from "../src/gpu/device.ts";
import { decodeImageFile } from "../src/image/image_file.ts";

interface TrainImage {
  samples: Uint8Array;
  width: number;
  height: number;
}

const CORPUS = new URL("../../shared/corpus/", import.meta.url).pathname;

function readTrainImages(): TrainImage[] {
  const images: TrainImage[] = [];
  const domains = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory).map((e) => e.name);
  for (const domain of domains.sort()) {
    let names: string[];
    try {
      names = [...Deno.readDirSync(`${CORPUS}${domain}/train`)].map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const image = decodeImageFile(Deno.readFileSync(`${CORPUS}${domain}/train/${name}`));
      if (image.maxValue > 255) continue;
      const { samples } = normalizeClassic(image, "auto");
      images.push({ samples, width: image.width, height: image.height });
    }
  }
  return images;
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

const args = parseArgs({ options: { "cpu-mp": { type: "string", default: "8" } } });
const gpu = await requestGpu();
if (gpu === null) throw new Error("no WebGPU adapter found: this benchmark needs one");
console.log(`adapter: ${gpu.description}${gpu.software ? " (software)" : ""}`);
const images = readTrainImages();
const subset: TrainImage[] = [];
for (const image of images) {
  if (megapixels(subset) >= Number(args.values["cpu-mp"])) break;
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
report("CPU, subset", megapixels(subset), cpu.seconds);
report("GPU, subset", megapixels(subset), gpuSubset.seconds);
report(`GPU, all ${images.length} images`, megapixels(images), gpuAll.seconds);
const same = cpu.result.zeros.every((z, c) => z === gpuSubset.result.zeros[c]) &&
  cpu.result.ones.every((o, c) => o === gpuSubset.result.ones[c]);
console.log(same ? "counts: CPU == GPU" : "counts: CPU != GPU (bug)");
gpu.device.destroy();
if (!same) Deno.exit(1);

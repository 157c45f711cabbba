/**
 * The demo: code, decode and check each bundled test sample with the built-in v2 model, with a
 * v2 model and a classic model trained on the bundled training samples, and print the sizes in
 * bits per pixel next to PNG.
 *
 * Run it with `deno task demo`, or straight from a URL with `deno run -A <url>/examples/demo.ts`.
 *
 * @module
 */
import { decodeImage, encodeImage, type GrayImage, type Model, trainModel } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { encodePng } from "../src/image/png_write.ts";

const TRAIN = [
  "eso_dss_test1.pgm",
  "skimage_page.pgm",
  "nibabel_example4d_fmri_z10.pgm",
  "hyperspy_ser_tem_search.pgm",
  "skimage_coins.pgm",
];
const TEST = [
  "eso_dss_test2.pgm",
  "skimage_text.pgm",
  "pydicom_ct_small.pgm",
  "skimage_microaneurysms.pgm",
  "skimage_chelsea.pgm",
];

async function loadSample(path: string): Promise<GrayImage> {
  const response = await fetch(new URL(`../samples/${path}`, import.meta.url));
  if (!response.ok) throw new Error(`samples/${path}: ${response.status} ${response.statusText}`);
  return decodeImageFile(new Uint8Array(await response.arrayBuffer()));
}

/** Codes and decodes one image; returns its size in bytes after checking every pixel. */
async function roundTrip(name: string, image: GrayImage, model?: Model): Promise<number> {
  const coded = await encodeImage(image, model);
  const decoded = await decodeImage(coded, model);
  if (!decoded.data.every((v, i) => v === image.data[i])) {
    throw new Error(`${name}: decoded pixels differ from the original`);
  }
  return coded.length;
}

const bpp = (bytes: number, pixels: number) => (8 * bytes / pixels).toFixed(3).padStart(10);

const training = await Promise.all(TRAIN.map((n) => loadSample(`train/${n}`)));
console.log(`training a v2 and a classic model on ${TRAIN.length} sample images (samples/train) …`);
const models: [string, Model | undefined][] = [
  ["v2 built-in", undefined],
  ["v2 trained", await trainModel(training)],
  ["classic", await trainModel(training, { format: "classic" })],
];
console.log("coding samples/test: encode, decode, compare every pixel\n");
const columns = ["PNG", ...models.map(([label]) => label)];
console.log(
  `${"image".padEnd(28)} ${"size".padStart(9)} ${columns.map((c) => c.padStart(10)).join(" ")}`,
);
let pixels = 0;
const totals = new Array(columns.length).fill(0);
for (const name of TEST) {
  const image = await loadSample(`test/${name}`);
  const sizes = [encodePng(image).length];
  for (const [, model] of models) sizes.push(await roundTrip(name, image, model));
  const n = image.width * image.height;
  pixels += n;
  sizes.forEach((size, i) => totals[i] += size);
  const size = `${image.width}x${image.height}`.padStart(9);
  console.log(`${name.padEnd(28)} ${size} ${sizes.map((b) => bpp(b, n)).join(" ")}`);
}
console.log(
  `${"total (bits per pixel)".padEnd(38)} ${totals.map((b) => bpp(b, pixels)).join(" ")}`,
);
console.log("\nall images decoded identically (lossless)");

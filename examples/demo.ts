/**
 * The demo: train a model on the bundled sample images, then code, decode and check each test
 * sample, and print its size in bits per pixel next to PNG.
 *
 * Run it with `deno task demo`, or straight from a URL with `deno run -A <url>/examples/demo.ts`.
 *
 * @module
 */
import { decodeImage, encodeImage, type GrayImage, type Model, trainModel } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { encodePng } from "../src/image/png.ts";

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
async function roundTrip(name: string, image: GrayImage, model: Model): Promise<number> {
  const coded = await encodeImage(image, model);
  const decoded = await decodeImage(coded, model);
  if (!decoded.data.every((v, i) => v === image.data[i])) {
    throw new Error(`${name}: decoded pixels differ from the original`);
  }
  return coded.length;
}

const bpp = (bytes: number, pixels: number) => (8 * bytes / pixels).toFixed(3).padStart(9);

console.log(`training a classic model on ${TRAIN.length} sample images (samples/train) …`);
const model = await trainModel(await Promise.all(TRAIN.map((n) => loadSample(`train/${n}`))), {
  format: "classic",
});
console.log("coding samples/test: encode, decode, compare every pixel\n");
console.log(
  `${"image".padEnd(28)} ${"size".padStart(9)} ${"PNG bpp".padStart(9)} ${"classic".padStart(9)}`,
);
let pixels = 0;
let pngTotal = 0;
let classicTotal = 0;
for (const name of TEST) {
  const image = await loadSample(`test/${name}`);
  const png = encodePng(image).length;
  const classic = await roundTrip(name, image, model);
  const n = image.width * image.height;
  pixels += n;
  pngTotal += png;
  classicTotal += classic;
  console.log(
    `${name.padEnd(28)} ${`${image.width}x${image.height}`.padStart(9)} ${bpp(png, n)} ${
      bpp(classic, n)
    }`,
  );
}
console.log(
  `${"total".padEnd(28)} ${"".padStart(9)} ${bpp(pngTotal, pixels)} ${bpp(classicTotal, pixels)}`,
);
console.log("\nall images decoded identically (lossless)");

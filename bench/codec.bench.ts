/**
 * `deno bench` timings of coding one image with each format (the per-image figures behind the
 * corpus table of `bench/corpus.ts`). MP/s = 0.135 MP / the time per iteration.
 *
 * @module
 */
import { decodeImage, encodeImage, trainModel } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";

const image = decodeImageFile(
  Deno.readFileSync(new URL("../samples/test/skimage_chelsea.pgm", import.meta.url)),
);
const training = ["eso_dss_test1", "skimage_page", "skimage_coins"].map((name) =>
  decodeImageFile(Deno.readFileSync(new URL(`../samples/train/${name}.pgm`, import.meta.url)))
);
const classic = await trainModel(training, { format: "classic" });
const classicFile = await encodeImage(image, classic);
const v2File = await encodeImage(image);

Deno.bench("classic encode (451x300)", { group: "encode" }, async () => {
  await encodeImage(image, classic);
});
Deno.bench("v2 encode, built-in model (451x300)", { group: "encode", baseline: true }, async () => {
  await encodeImage(image);
});
Deno.bench("classic decode (451x300)", { group: "decode" }, async () => {
  await decodeImage(classicFile, classic);
});
Deno.bench("v2 decode, built-in model (451x300)", { group: "decode", baseline: true }, async () => {
  await decodeImage(v2File);
});

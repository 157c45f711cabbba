/**
 * Peak memory of coding one 4-megapixel image with v2 (encode, then decode), as the process's
 * peak resident set size (Linux `VmHWM`), next to the resident size before coding.
 *
 * Usage: `deno run -A bench/memory.ts [IMAGE]` (default: a 2048×2048 corpus photo).
 *
 * @module
 */
import { decodeImage, encodeImage } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";

const path = Deno.args[0] ??
  new URL("../../shared/corpus/photo/train/lomiri16_life_c2048.pgm", import.meta.url).pathname;
const status = (field: string) =>
  Number(
    /(\d+) kB/.exec(
      Deno.readTextFileSync("/proc/self/status").split("\n")
        .find((line) => line.startsWith(field)) ?? "",
    )?.[1] ?? NaN,
  ) / 1024;

const image = decodeImageFile(Deno.readFileSync(path));
const before = status("VmRSS");
const coded = await encodeImage(image);
const decoded = await decodeImage(coded);
if (!decoded.data.every((v, i) => v === image.data[i])) throw new Error("decoded pixels differ");
console.log(
  `${path}: ${image.width}x${image.height} (${
    (image.width * image.height / 1e6).toFixed(2)
  } MP), ` +
    `resident before coding ${before.toFixed(0)} MiB, peak ${status("VmHWM").toFixed(0)} MiB`,
);

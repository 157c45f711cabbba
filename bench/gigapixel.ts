/**
 * A very large 8-bit PGM through the command line: by default 32768 × 32768 (a gigapixel), made
 * of the corpus's photo and microscopy images repeated in rows (every copy mirrored from the last,
 * so there are no seams), written to disk row by row. It is encoded and decoded by `cli.ts` in
 * processes of their own, the decoded file compared byte for byte with the original; prints the
 * sizes, the wall time and the peak resident memory of each process (from `/usr/bin/time`).
 *
 * Usage: `deno run -A bench/gigapixel.ts [--side 32768|WIDTHxHEIGHT] [--workers N] [--keep DIR]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decodeImageFile } from "../src/image/image_file.ts";
import type { GrayImage } from "../src/image/gray_image.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: {
    side: { type: "string", default: "32768" },
    workers: { type: "string", default: "1" },
    keep: { type: "string" },
  },
});
const [side, rows = side] = values.side.split("x").map(Number);

/** A 2048-wide strip of real images side by side (cropped to a common height). */
function strip(): GrayImage {
  const images = ["photo", "microscopy"].flatMap((domain) =>
    ["train", "test"].flatMap((split) => {
      const dir = `${SHARED}corpus/${domain}/${split}/`;
      return [...Deno.readDirSync(dir)].map((e) =>
        decodeImageFile(Deno.readFileSync(dir + e.name))
      );
    })
  ).filter((i) => i.height >= 512).sort((a, b) => b.width * b.height - a.width * a.height);
  const height = 512;
  const width = images.reduce((n, i) => n + i.width, 0);
  const data = new Uint16Array(width * height);
  let x0 = 0;
  for (const image of images) {
    for (let y = 0; y < height; y++) {
      data.set(image.data.subarray(y * image.width, (y + 1) * image.width), y * width + x0);
    }
    x0 += image.width;
  }
  return { width, height, maxValue: 255, data };
}

async function writePgm(path: string): Promise<void> {
  const source = strip();
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  await file.write(new TextEncoder().encode(`P5\n${side} ${rows}\n255\n`));
  const row = new Uint8Array(side);
  for (let y = 0; y < rows; y++) {
    // Rows of the strip go down and back up; each row wraps round the strip, mirrored.
    const period = 2 * source.height;
    const sy = y % period < source.height ? y % period : period - 1 - (y % period);
    const offset = (Math.floor(y / source.height) * 977) % source.width;
    for (let x = 0; x < side; x++) {
      const at = (x + offset) % (2 * source.width);
      const sx = at < source.width ? at : 2 * source.width - 1 - at;
      row[x] = source.data[sy * source.width + sx];
    }
    await file.write(row);
  }
  file.close();
}

async function timed(args: string[]): Promise<string> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%e s, peak %M KB", Deno.execPath(), "run", "-A", "--quiet", CLI, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`bpcodec ${args[0]} failed: ${text}`);
  const [seconds, peak] = text.split("\n").at(-1)!.split(", peak ");
  return `${seconds}, peak ${(Number(peak.replace(" KB", "")) / 1024).toFixed(0)} MiB`;
}

const dir = values.keep ?? Deno.makeTempDirSync();
const pgm = `${dir}/big.pgm`;
await writePgm(pgm);
const workers = ["--workers", values.workers];
const encode = await timed(["encode", pgm, "-o", `${dir}/big.bpc`, "-f", ...workers]);
const decode = await timed(["decode", `${dir}/big.bpc`, "-o", `${dir}/back.pgm`, "-f", ...workers]);
const same = (await new Deno.Command("cmp", { args: [pgm, `${dir}/back.pgm`] }).output()).success;
const mp = side * rows / 1e6;
console.log(
  `${side}x${rows} (${mp.toFixed(0)} MP) 8-bit PGM, ${values.workers} worker(s): ` +
    `.bpc ${Deno.statSync(`${dir}/big.bpc`).size} bytes ` +
    `(${(8 * Deno.statSync(`${dir}/big.bpc`).size / side / rows).toFixed(3)} bpp); ` +
    `encode ${encode}; decode ${decode}; ${same ? "identical" : "DIFFERENT"}`,
);
if (!values.keep) Deno.removeSync(dir, { recursive: true });
if (!same) Deno.exitCode = 1;

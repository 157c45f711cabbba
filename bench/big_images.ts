/**
 * Big valid images through the command line, as a user would run them: a 12000×11200 1-bit PNG
 * (a document page, thresholded and tiled) and an 8000×8000 16-bit PNG (a 16-bit corpus image,
 * mirrored into tiles). Each is encoded and decoded by `cli.ts` in its own process; the decoded
 * PNG must hold exactly the original pixels. Prints sizes, wall time and peak resident memory
 * (from `/usr/bin/time`, when present).
 *
 * Usage: `deno run -A bench/big_images.ts [bilevel|wide]...` (default: both).
 *
 * @module
 */
import { join } from "node:path";
import { sameValues } from "../src/bytes.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { encodePng } from "../src/image/png_write.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;

/** `source` repeated over `width × height`, every other tile mirrored (no seams). */
function mirrorTiles(source: GrayImage, width: number, height: number, maxValue: number) {
  const data = new Uint16Array(width * height);
  const { width: w, height: h } = source;
  for (let y = 0; y < height; y++) {
    const ty = Math.floor(y / h) % 2 ? h - 1 - (y % h) : y % h;
    for (let x = 0; x < width; x++) {
      const tx = Math.floor(x / w) % 2 ? w - 1 - (x % w) : x % w;
      data[y * width + x] = source.data[ty * w + tx];
    }
  }
  return { width, height, maxValue, data };
}

const makers: Record<string, () => GrayImage> = {
  bilevel: () => {
    const page = decodeImageFile(Deno.readFileSync(`${SHARED}corpus/document/test/r_faq_p012.pgm`));
    const tiled = mirrorTiles(page, 12000, 11200, 255);
    for (let i = 0; i < tiled.data.length; i++) tiled.data[i] = tiled.data[i] >= 128 ? 1 : 0;
    return { ...tiled, maxValue: 1 };
  },
  wide: () => {
    const ct = decodeImageFile(
      Deno.readFileSync(`${SHARED}corpus16/medical/test/pydicom_ct_j2k_512.pgm`),
    );
    return mirrorTiles(ct, 8000, 8000, 65535);
  },
};

const hasTime = await Deno.stat("/usr/bin/time").then(() => true, () => false);

async function run(args: string[]): Promise<{ seconds: number; peakMiB: number | undefined }> {
  const deno = [Deno.execPath(), "run", "-A", "--quiet", CLI, ...args];
  const [cmd, ...rest] = hasTime ? ["/usr/bin/time", "-f", "%M", ...deno] : deno;
  const started = performance.now();
  const out = await new Deno.Command(cmd, { args: rest, stderr: "piped", stdout: "null" }).output();
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`bpcodec ${args[0]} failed: ${stderr}`);
  const peak = hasTime ? Number(stderr.split("\n").at(-1)) / 1024 : undefined;
  return { seconds, peakMiB: peak };
}

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(makers);
const dir = Deno.makeTempDirSync();
for (const name of wanted) {
  const image = makers[name]();
  const png = join(dir, `${name}.png`);
  Deno.writeFileSync(png, encodePng(image));
  const bpc = join(dir, `${name}.bpc`);
  const back = join(dir, `${name}-back.png`);
  const encode = await run(["encode", png, "-o", bpc]);
  const decode = await run(["decode", bpc, "-o", back]);
  const decoded = decodeImageFile(Deno.readFileSync(back));
  const exact = decoded.width === image.width && decoded.maxValue === image.maxValue &&
    sameValues(decoded.data, image.data);
  const mp = image.width * image.height / 1e6;
  const memory = (r: { peakMiB?: number }) =>
    r.peakMiB === undefined ? "" : `, peak ${r.peakMiB.toFixed(0)} MiB`;
  console.log(
    `${name}: ${image.width}x${image.height} (${mp.toFixed(1)} MP, maxval ${image.maxValue}), ` +
      `PNG ${Deno.statSync(png).size} bytes, .bpc ${Deno.statSync(bpc).size} bytes; ` +
      `encode ${encode.seconds.toFixed(1)} s${memory(encode)}; ` +
      `decode ${decode.seconds.toFixed(1)} s${memory(decode)}; ${exact ? "exact" : "DIFFERENT"}`,
  );
  if (!exact) Deno.exitCode = 1;
}
Deno.removeSync(dir, { recursive: true });

/**
 * The corpus benchmark: total bits per pixel per domain of the corpus test splits for bpcodec v2
 * (built-in model, and a model trained on the domain's train split), classic, PNG and JPEG XL
 * (`cjxl -d 0 -e 9`, measured side by side when `cjxl` is installed), with v2 speed. Every
 * bpcodec file is decoded and compared with the original.
 *
 * Usage: `deno run -A bench/corpus.ts [--corpus 8|16] [--domain NAME] [--no-trained]
 * [--no-cjxl] [--classic]`. Needs the shared corpus beside the repository.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decodeImage, encodeImage, type GrayImage, type Model, trainModel } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { encodePng } from "../src/image/png.ts";

const { values: flags } = parseArgs({
  options: {
    corpus: { type: "string", default: "8" },
    domain: { type: "string" },
    "no-trained": { type: "boolean" },
    "no-cjxl": { type: "boolean" },
    classic: { type: "boolean" },
  },
});
const CORPUS = new URL(
  `../../shared/${flags.corpus === "16" ? "corpus16" : "corpus"}/`,
  import.meta.url,
);

function listPgm(dir: URL): URL[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".pgm")).map((e) => e.name)
    .sort().map((name) => new URL(name, dir));
}

const readImage = (url: URL): GrayImage => decodeImageFile(Deno.readFileSync(url));

/** The jxl-e9 bytes per image that `../shared/peers` reports, for runs without cjxl. */
const PEERS = new Map(
  Deno.readTextFileSync(
    new URL(`../../shared/peers/corpus-test${flags.corpus === "16" ? 16 : 8}.csv`, import.meta.url),
  ).trim().split("\n").slice(1).map((line) => line.split(","))
    .filter(([, codec]) => codec === "jxl-e9")
    .map(([image, , bytes]) => [image.split("/").pop()!.replace(/\.pgm$/, ""), Number(bytes)]),
);
let jxlSource = "measured side by side with cjxl";

/** Bytes of `cjxl -d 0 -e 9` for one file; the peers' figure when cjxl is missing or fails. */
async function jxlBytes(url: URL): Promise<{ bytes: number; seconds: number }> {
  const fromPeers = () => {
    jxlSource = "from ../shared/peers (cjxl not run)";
    return {
      bytes: PEERS.get(url.pathname.split("/").pop()!.replace(/\.pgm$/, "")) ?? NaN,
      seconds: NaN,
    };
  };
  if (flags["no-cjxl"]) return fromPeers();
  const out = await Deno.makeTempFile({ suffix: ".jxl" });
  try {
    const t0 = performance.now();
    const run = await new Deno.Command("cjxl", {
      args: [url.pathname, out, "-d", "0", "-e", "9", "--num_threads=0", "--quiet"],
      stdout: "null",
      stderr: "null",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    return run.success ? { bytes: Deno.statSync(out).size, seconds } : fromPeers();
  } catch {
    return fromPeers();
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/** Codes and decodes one image; checks every pixel; returns bytes and seconds. */
async function roundTrip(image: GrayImage, model?: Model) {
  const t0 = performance.now();
  const coded = await encodeImage(image, model);
  const t1 = performance.now();
  const decoded = await decodeImage(coded, model);
  const t2 = performance.now();
  if (!decoded.data.every((v, i) => v === image.data[i])) throw new Error("decoded pixels differ");
  return { bytes: coded.length, encode: (t1 - t0) / 1000, decode: (t2 - t1) / 1000 };
}

type Column = "v2" | "v2 trained" | "classic" | "png" | "jxl-e9";
const columns: Column[] = ["v2"];
if (!flags["no-trained"]) columns.push("v2 trained");
if (flags.classic) columns.push("classic");
columns.push("png", "jxl-e9");

const domains = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory && e.name !== "LICENSES")
  .map((e) => e.name).filter((d) => !flags.domain || d === flags.domain).sort();

let classicModel: Model | undefined;
if (flags.classic) {
  const training = domains.flatMap((d) => listPgm(new URL(`${d}/train/`, CORPUS)));
  classicModel = await trainModel(training.map(readImage), { format: "classic" });
}

const bpp = (bytes: number, pixels: number) => (8 * bytes / pixels).toFixed(4);
const totals: Record<string, number> = {};
let allPixels = 0;
const speed = { pixels: 0, encode: 0, decode: 0, classicEncode: 0, classicDecode: 0, jxl: 0 };
console.log(`| domain | images | MP | ${columns.join(" | ")} | v2 / jxl-e9 |`);
console.log(`|---|---:|---:|${columns.map(() => "---:|").join("")}---:|`);
for (const domain of domains) {
  const sums: Record<string, number> = {};
  let pixels = 0;
  const trained = flags["no-trained"]
    ? undefined
    : await trainModel(listPgm(new URL(`${domain}/train/`, CORPUS)).map(readImage));
  const tests = listPgm(new URL(`${domain}/test/`, CORPUS));
  for (const url of tests) {
    const image = readImage(url);
    const n = image.width * image.height;
    pixels += n;
    const add = (column: Column, bytes: number) => sums[column] = (sums[column] ?? 0) + bytes;
    const v2 = await roundTrip(image);
    add("v2", v2.bytes);
    speed.pixels += n;
    speed.encode += v2.encode;
    speed.decode += v2.decode;
    if (trained) add("v2 trained", (await roundTrip(image, trained)).bytes);
    if (classicModel) {
      const classic = await roundTrip(image, classicModel);
      add("classic", classic.bytes);
      speed.classicEncode += classic.encode;
      speed.classicDecode += classic.decode;
    }
    add("png", encodePng(image).length);
    const jxl = await jxlBytes(url);
    add("jxl-e9", jxl.bytes);
    speed.jxl += jxl.seconds;
  }
  allPixels += pixels;
  for (const c of columns) totals[c] = (totals[c] ?? 0) + sums[c];
  const ratio = (sums["v2"] / sums["jxl-e9"]).toFixed(3);
  console.log(
    `| ${domain} | ${tests.length} | ${(pixels / 1e6).toFixed(2)} | ${
      columns.map((c) => bpp(sums[c], pixels)).join(" | ")
    } | ${ratio} |`,
  );
}
console.log(
  `| ALL | | ${(allPixels / 1e6).toFixed(2)} | ${
    columns.map((c) => bpp(totals[c], allPixels)).join(" | ")
  } | ${(totals["v2"] / totals["jxl-e9"]).toFixed(3)} |`,
);
const mps = (seconds: number) => (speed.pixels / 1e6 / seconds).toFixed(2);
const jxlSpeed = Number.isNaN(speed.jxl)
  ? "not run"
  : `${mps(speed.jxl)} MP/s encode (whole process)`;
console.log(
  `\nv2 (built-in model), one core: encode ${mps(speed.encode)} MP/s, decode ${
    mps(speed.decode)
  } MP/s; cjxl -e 9 in the same run: ${jxlSpeed}`,
);
console.log(`jxl-e9 figures: ${jxlSource}`);
if (classicModel) {
  console.log(
    `classic (trained on all train splits), one core: encode ${mps(speed.classicEncode)} MP/s, ` +
      `decode ${mps(speed.classicDecode)} MP/s`,
  );
}

/**
 * The fast level on the corpus test splits: encodes and decodes every image of
 * `../shared/corpus/<domain>/test` (8-bit) and `../shared/corpus16/<domain>/test` (16-bit, coded
 * at the bit length of the largest sample), checks every sample, and prints total bits per pixel
 * per domain next to the peers' figures (`../shared/peers/corpus-test{8,16}.csv`: JPEG-LS and
 * JPEG XL e9), then the speed in one thread: images are read first, a first pass warms the
 * engine up, and each later pass times only `encodeFast` and `decodeFast` over all the images
 * of a corpus; the medians of the passes are reported with their spread and the load average.
 *
 * Usage: `deno run -A bench/fast_level.ts [--passes 7] [--corpus 8|16|both]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decodeFast, encodeFast } from "../src/fast/mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";

const { values: flags } = parseArgs({
  options: {
    passes: { type: "string", default: "7" },
    corpus: { type: "string", default: "both" },
  },
});
const passes = Math.max(1, Number(flags.passes));
const SHARED = new URL("../../shared/", import.meta.url);

interface TestImage {
  name: string;
  domain: string;
  width: number;
  height: number;
  bits: number;
  data: Uint16Array;
}

/** Every test image of a corpus folder, in domain and name order. */
function readCorpus(folder: string): TestImage[] {
  const root = new URL(`${folder}/`, SHARED);
  const images: TestImage[] = [];
  const domains = [...Deno.readDirSync(root)].filter((e) => e.isDirectory && e.name !== "LICENSES")
    .map((e) => e.name).sort();
  for (const domain of domains) {
    const dir = new URL(`${domain}/test/`, root);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".pgm"));
    for (const name of names.sort()) {
      const image = decodeImageFile(Deno.readFileSync(new URL(name, dir)));
      const top = image.data.reduce((a, b) => Math.max(a, b), 1);
      const bits = 32 - Math.clz32(top);
      images.push({ name: name.slice(0, -4), domain, ...image, bits });
    }
  }
  return images;
}

/** The peers' bytes per image (by name without folder and extension) of each codec. */
function readPeers(file: string): Map<string, Map<string, number>> {
  const peers = new Map<string, Map<string, number>>();
  const lines = Deno.readTextFileSync(new URL(`peers/${file}`, SHARED)).trim().split("\n");
  for (const line of lines.slice(1)) {
    const [path, codec, bytes] = line.split(",");
    const name = path.split("/").pop()!.replace(/\.pgm$/, "");
    if (!peers.has(codec)) peers.set(codec, new Map());
    peers.get(codec)!.set(name, Number(bytes));
  }
  return peers;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const loadAverage = () => Deno.loadavg().map((v) => v.toFixed(2)).join(" ");

function bench(label: string, images: TestImage[], peers: Map<string, Map<string, number>>) {
  const codecs = ["jpegls", "jxl-e9"].filter((c) => peers.has(c));
  interface Sum {
    images: number;
    pixels: number;
    bytes: Record<string, number>;
  }
  const rows = new Map<string, Sum>();
  const total: Sum = { images: 0, pixels: 0, bytes: {} };
  const add = (sum: Sum, pixels: number, bytes: Record<string, number>) => {
    sum.images++;
    sum.pixels += pixels;
    for (const [k, v] of Object.entries(bytes)) sum.bytes[k] = (sum.bytes[k] ?? 0) + v;
  };
  for (const image of images) {
    const stream = encodeFast(image.data, image.width, image.height, image.bits);
    const back = decodeFast(stream, image.width, image.height, image.bits);
    if (!back.every((v, i) => v === image.data[i])) throw new Error(`${image.name}: differs`);
    const bytes: Record<string, number> = { fast: stream.length };
    for (const c of codecs) bytes[c] = peers.get(c)!.get(image.name) ?? NaN;
    if (!rows.has(image.domain)) rows.set(image.domain, { images: 0, pixels: 0, bytes: {} });
    add(rows.get(image.domain)!, image.width * image.height, bytes);
    add(total, image.width * image.height, bytes);
  }
  rows.set("ALL", total);
  const bpp = (bytes: number, pixels: number) => (8 * bytes / pixels).toFixed(4);
  console.log(`\n${label}: every image decoded to its samples\n`);
  console.log(
    `| domain | images | MP | fast | ${codecs.join(" | ")} | ${
      codecs.map((c) => `fast / ${c}`).join(" | ")
    } |`,
  );
  console.log(`|---|---:|---:|---:|${codecs.map(() => "---:|---:|").join("")}`);
  for (const [domain, { images: count, pixels, bytes }] of rows) {
    console.log(
      `| ${domain} | ${count} | ${(pixels / 1e6).toFixed(2)} | ${bpp(bytes.fast, pixels)} | ${
        codecs.map((c) => bpp(bytes[c], pixels)).join(" | ")
      } | ${codecs.map((c) => (bytes.fast / bytes[c]).toFixed(3)).join(" | ")} |`,
    );
  }

  const pixels = total.pixels;
  const encode: number[] = [];
  const decode: number[] = [];
  const before = loadAverage();
  for (let pass = 0; pass < passes; pass++) {
    let encodeMs = 0;
    let decodeMs = 0;
    for (const { data, width, height, bits } of images) {
      const t0 = performance.now();
      const stream = encodeFast(data, width, height, bits);
      const t1 = performance.now();
      decodeFast(stream, width, height, bits);
      encodeMs += t1 - t0;
      decodeMs += performance.now() - t1;
    }
    encode.push(pixels / 1e3 / encodeMs);
    decode.push(pixels / 1e3 / decodeMs);
  }
  const spread = (mps: number[]) =>
    `${median(mps).toFixed(1)} MP/s (passes ${Math.min(...mps).toFixed(1)}…${
      Math.max(...mps).toFixed(1)
    })`;
  console.log(
    `\n${label}, one thread, ${passes} timed passes after a warm-up, median: encode ${
      spread(encode)
    }, decode ${spread(decode)}; load average ${before} before, ${loadAverage()} after`,
  );
}

if (flags.corpus !== "16") {
  bench("8-bit corpus", readCorpus("corpus"), readPeers("corpus-test8.csv"));
}
if (flags.corpus !== "8") {
  bench("16-bit corpus", readCorpus("corpus16"), readPeers("corpus-test16.csv"));
}

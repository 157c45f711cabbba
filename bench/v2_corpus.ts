/**
 * Benchmarks the v2 coder on the corpus test splits: per-domain total bpp next to JPEG XL e9,
 * encode/decode speed, and (with `--trained`) a domain-trained model against the default.
 *
 * Usage: `deno run -A bench/v2_corpus.ts [--corpus8] [--corpus16] [--trained] [--domain NAME]`
 * (no corpus flag: both corpora).
 *
 * @module
 */
import type { GrayImage } from "../src/image/gray_image.ts";
import {
  decodeV2,
  defaultV2Model,
  encodeV2,
  significantBits,
  trainV2Model,
  type V2Model,
} from "../src/v2/mod.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CONTAINER_OVERHEAD = 40;

/** Reads a binary PGM (P5) file with the exact header `P5\n<w> <h>\n<maxval>\n`. */
export function readPgm(path: string): GrayImage {
  const bytes = Deno.readFileSync(path);
  let at = 0;
  const fields: number[] = [];
  const token = () => {
    while (bytes[at] === 0x20 || bytes[at] === 0x0a) at++;
    const start = at;
    while (bytes[at] !== 0x20 && bytes[at] !== 0x0a) at++;
    return new TextDecoder().decode(bytes.subarray(start, at));
  };
  if (token() !== "P5") throw new Error(`${path}: not a P5 PGM`);
  for (let i = 0; i < 3; i++) fields.push(Number(token()));
  at++;
  const [width, height, maxValue] = fields;
  const data = new Uint16Array(width * height);
  if (maxValue < 256) data.set(bytes.subarray(at, at + data.length));
  else {for (let i = 0; i < data.length; i++) {
      data[i] = (bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1];
    }}
  return { width, height, maxValue, data };
}

function listPgm(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".pgm")).map((e) =>
      dir + e.name
    ).sort();
  } catch {
    return [];
  }
}

function readPeers(csv: string): Map<string, number> {
  const lines = Deno.readTextFileSync(csv).trim().split("\n");
  const header = lines[0].split(",");
  const codec = header.indexOf("codec"),
    file = header.indexOf("image"),
    bytes = header.indexOf("bytes");
  const result = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f[codec] === "jxl-e9") result.set(f[file], Number(f[bytes]));
  }
  return result;
}

interface Row {
  pixels: number;
  bytes: number;
  peerBytes: number;
  encodeSeconds: number;
  decodeSeconds: number;
}

function codeImage(path: string, model: V2Model): { bytes: number; enc: number; dec: number } {
  const image = readPgm(path);
  const bits = significantBits(image.data);
  let t = performance.now();
  const stream = encodeV2(image.data, image.width, image.height, bits, model);
  const enc = (performance.now() - t) / 1000;
  t = performance.now();
  const decoded = decodeV2(stream, image.width, image.height, bits, model);
  const dec = (performance.now() - t) / 1000;
  for (let i = 0; i < decoded.length; i++) {
    if (decoded[i] !== image.data[i]) throw new Error(`${path}: mismatch at sample ${i}`);
  }
  return { bytes: stream.length + CONTAINER_OVERHEAD, enc, dec };
}

function bpp(bytes: number, pixels: number): string {
  return (8 * bytes / pixels).toFixed(4);
}

function runCorpus(name: string, domainFilter: string | undefined, trained: boolean): void {
  const root = SHARED + name + "/";
  const peers = readPeers(
    SHARED + `peers/${name === "corpus" ? "corpus-test8" : "corpus-test16"}.csv`,
  );
  const domains = [...Deno.readDirSync(root)].filter((e) => e.isDirectory && e.name !== "LICENSES")
    .map((e) => e.name).filter((d) => !domainFilter || d === domainFilter).sort();
  const model = defaultV2Model();
  const total: Row = { pixels: 0, bytes: 0, peerBytes: 0, encodeSeconds: 0, decodeSeconds: 0 };
  console.log(`\n## ${name}/*/test (v2 default model)\n`);
  console.log("| domain | images | v2 bpp | jxl-e9 bpp | v2/jxl | enc MP/s | dec MP/s |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  const trainedLines: string[] = [];
  for (const domain of domains) {
    const files = listPgm(`${root}${domain}/test/`);
    const row: Row = { pixels: 0, bytes: 0, peerBytes: 0, encodeSeconds: 0, decodeSeconds: 0 };
    for (const path of files) {
      const image = readPgm(path);
      const r = codeImage(path, model);
      const rel = path.slice(SHARED.length).replace(/^corpus16\//, "").replace(/^corpus\//, "");
      row.pixels += image.width * image.height;
      row.bytes += r.bytes;
      const stem = rel.slice(rel.lastIndexOf("/") + 1).replace(/\.pgm$/, "");
      row.peerBytes += peers.get(stem) ?? peers.get(`${name}/${rel}`) ?? NaN;
      row.encodeSeconds += r.enc;
      row.decodeSeconds += r.dec;
      console.error(
        `${rel}: ${bpp(r.bytes, image.width * image.height)} bpp, enc ${r.enc.toFixed(2)} s`,
      );
    }
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += row[k];
    console.log(
      `| ${domain} | ${files.length} | ${bpp(row.bytes, row.pixels)} | ${
        bpp(row.peerBytes, row.pixels)
      } | ${(row.bytes / row.peerBytes).toFixed(4)} | ${
        (row.pixels / 1e6 / row.encodeSeconds).toFixed(2)
      } | ${(row.pixels / 1e6 / row.decodeSeconds).toFixed(2)} |`,
    );
    if (trained) {
      const trainFiles = listPgm(`${root}${domain}/train/`);
      const domainModel = trainV2Model(trainFiles.map(readPgm), {
        base: model,
        searchParameters: true,
      });
      let trainedBytes = 0;
      for (const path of files) {
        const image = readPgm(path);
        trainedBytes +=
          encodeV2(image.data, image.width, image.height, significantBits(image.data), domainModel)
            .length +
          CONTAINER_OVERHEAD;
      }
      trainedLines.push(
        `| ${domain} | ${bpp(row.bytes, row.pixels)} | ${bpp(trainedBytes, row.pixels)} | ${
          (trainedBytes / row.bytes).toFixed(4)
        } |`,
      );
    }
  }
  console.log(
    `| ALL | | ${bpp(total.bytes, total.pixels)} | ${bpp(total.peerBytes, total.pixels)} | ${
      (total.bytes / total.peerBytes).toFixed(4)
    } | ${(total.pixels / 1e6 / total.encodeSeconds).toFixed(2)} | ${
      (total.pixels / 1e6 / total.decodeSeconds).toFixed(2)
    } |`,
  );
  if (trained) {
    console.log(`\n## ${name}: domain-trained model vs default, on test\n`);
    console.log("| domain | default bpp | trained bpp | trained/default |");
    console.log("|---|---:|---:|---:|");
    for (const line of trainedLines) console.log(line);
  }
}

if (import.meta.main) {
  const args = Deno.args;
  const domainAt = args.indexOf("--domain");
  const domain = domainAt >= 0 ? args[domainAt + 1] : undefined;
  const both = !args.includes("--corpus8") && !args.includes("--corpus16");
  if (both || args.includes("--corpus8")) runCorpus("corpus", domain, args.includes("--trained"));
  if (both || args.includes("--corpus16")) {
    runCorpus("corpus16", domain, args.includes("--trained"));
  }
}

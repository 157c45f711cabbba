/**
 * What tiling costs in size. For each domain, a large image is built from the corpus and coded
 * once with the tile size the encoder chooses and once as a single tile; the difference is the
 * cost. Two ways to build it:
 * - `mosaic` (default): every image of the domain (train and test) once, packed in rows on a
 *   canvas `SIDE` wide, so the content is real and never repeats; the gaps are black, or with
 *   `--gaps background` the images' common background (the most common sample of their top and
 *   bottom rows: white for document pages);
 * - `mirror`: the domain's largest test image mirrored into a grid at least `SIDE × SIDE` (every
 *   other copy flipped). This repeats the content (copies in the same orientation repeat
 *   exactly), which one tile learns once and each tile again: it overstates what tiling costs a
 *   real image of that size, the more the smaller the source.
 * The corpus's own images are at most 2048 × 2048, one tile each, so tiling costs them nothing.
 *
 * Usage: `deno run -A bench/tile_cost.ts [--mode mosaic|mirror] [--side 4096] [--workers N]
 * [--model FILE.bpm] [--gaps black|background] [DOMAIN...]` (the built-in model unless `--model` names a v2 one, e.g. a
 * domain's, whose primer starts every tile).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decodeImageFile } from "../src/image/image_file.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { gridOf } from "../src/v2/container.ts";
import {
  encodeTiles,
  imageRows,
  IN_THREAD_TILES,
  tiledHeader,
  type TileRunner,
} from "../src/v2/image_codec.ts";
import { defaultV2Model } from "../src/v2/model.ts";
import { CodingWorkers } from "../src/workers/coding_workers.ts";
import { parseModel } from "../src/model_file.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    mode: { type: "string", default: "mosaic" },
    side: { type: "string", default: "4096" },
    workers: { type: "string", default: "1" },
    model: { type: "string" },
    gaps: { type: "string", default: "black" },
  },
  allowPositionals: true,
});
const side = Number(values.side);
const file = values.model === undefined
  ? undefined
  : await parseModel(Deno.readFileSync(values.model));
if (file && file.format !== "v2") throw new Error(`${values.model} is not a v2 model`);
const model = file?.format === "v2" ? file.params : defaultV2Model();

/** `source` mirrored into a grid of copies at least `side` wide and high. */
function mirrored(source: GrayImage): GrayImage {
  const fx = Math.ceil(side / source.width);
  const fy = Math.ceil(side / source.height);
  const width = source.width * fx;
  const height = source.height * fy;
  const data = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / source.height) % 2
      ? source.height - 1 - (y % source.height)
      : y % source.height;
    for (let x = 0; x < width; x++) {
      const sx = Math.floor(x / source.width) % 2
        ? source.width - 1 - (x % source.width)
        : x % source.width;
      data[y * width + x] = source.data[sy * source.width + sx];
    }
  }
  return { width, height, maxValue: source.maxValue, data };
}

function domainImages(domain: string, splits: string[]): { name: string; image: GrayImage }[] {
  const images = splits.flatMap((split) => {
    const dir = `${SHARED}corpus/${domain}/${split}/`;
    return [...Deno.readDirSync(dir)].map((e) => ({
      name: e.name,
      image: decodeImageFile(Deno.readFileSync(dir + e.name)),
    }));
  });
  return images.sort((a, b) =>
    b.image.width * b.image.height - a.image.width * a.image.height || (a.name < b.name ? -1 : 1)
  );
}

/** The most common sample of the images' top and bottom rows: the background they share. */
function background(images: GrayImage[]): number {
  const counts = new Map<number, number>();
  for (const { width, height, data } of images) {
    for (const at of [0, (height - 1) * width]) {
      for (let x = 0; x < width; x++) counts.set(data[at + x], (counts.get(data[at + x]) ?? 0) + 1);
    }
  }
  return [...counts].reduce((a, b) => (b[1] > a[1] || (b[1] === a[1] && b[0] < a[0]) ? b : a))[0];
}

/**
 * Every image once, in rows (tallest first) on a canvas `side` wide; gaps are black, or with
 * `--gaps background` the images' common background ({@link background}).
 */
function mosaic(images: GrayImage[]): GrayImage {
  const sorted = images.filter((i) => i.width <= side).sort((a, b) => b.height - a.height);
  const places: { image: GrayImage; x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const image of sorted) {
    if (x + image.width > side) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    places.push({ image, x, y });
    x += image.width;
    rowHeight = Math.max(rowHeight, image.height);
  }
  const height = y + rowHeight;
  const data = new Uint16Array(side * height).fill(
    values.gaps === "black" ? 0 : background(images),
  );
  for (const { image, x, y } of places) {
    for (let r = 0; r < image.height; r++) {
      data.set(image.data.subarray(r * image.width, (r + 1) * image.width), (y + r) * side + x);
    }
  }
  return { width: side, height, maxValue: 255, data };
}

async function codedBytes(image: GrayImage, oneTile: boolean, runner: TileRunner) {
  const source = imageRows(image);
  const chosen = await tiledHeader(source);
  const header = oneTile ? { ...chosen, tileWidth: image.width, tileHeight: image.height } : chosen;
  let bytes = 0;
  for await (const tile of encodeTiles(source, header, model, "auto", runner)) {
    bytes += tile.stream.length + 20;
  }
  return { bytes, header };
}

const domains = positionals.length > 0
  ? positionals
  : [...Deno.readDirSync(`${SHARED}corpus`)].map((e) => e.name)
    .filter((name) => Deno.statSync(`${SHARED}corpus/${name}`).isDirectory && name !== "LICENSES")
    .sort();
const workers = Number(values.workers);
const runner = workers > 1 ? new CodingWorkers(workers) : IN_THREAD_TILES;
console.log(`| domain | source | image | tiles | one tile (bytes) | tiled (bytes) | cost |`);
console.log(`|---|---|---|---|---:|---:|---:|`);
let whole = 0;
let tiled = 0;
for (const domain of domains) {
  let big: GrayImage;
  let name: string;
  if (values.mode === "mirror") {
    const [largest] = domainImages(domain, ["test"]);
    big = mirrored(largest.image);
    name = `${largest.name} ${largest.image.width}x${largest.image.height}`;
  } else {
    const images = domainImages(domain, ["train", "test"]);
    big = mosaic(images.map((i) => i.image));
    name = `${images.length} images`;
  }
  const one = await codedBytes(big, true, runner);
  const many = await codedBytes(big, false, runner);
  whole += one.bytes;
  tiled += many.bytes;
  const { tileWidth, tileHeight } = many.header;
  const grid = gridOf(many.header);
  console.log(
    `| ${domain} | ${name} | ${big.width}x${big.height} | ` +
      `${grid.count} of ${tileWidth}x${tileHeight} | ${one.bytes} | ${many.bytes} | ` +
      `${((many.bytes / one.bytes - 1) * 100).toFixed(2)} % |`,
  );
}
console.log(`| all | | | | ${whole} | ${tiled} | ${((tiled / whole - 1) * 100).toFixed(2)} % |`);
if (runner instanceof CodingWorkers) runner.close();

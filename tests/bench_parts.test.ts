/**
 * The bench's parts: the runner's exactness check and its reports of failures, the peers on
 * depths the corpus lacks, and the chart as XML.
 *
 * @module
 */
import { FormatError } from "../src/errors.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodePng } from "../src/image/png.ts";
import { encodePng } from "../src/image/png_write.ts";
import type { BenchCodec } from "../src/cli/bench/bench_codec.ts";
import { benchChart } from "../src/cli/bench/chart.ts";
import { htj2kPeer } from "../src/cli/bench/peers/htj2k.ts";
import { jpeglsPeer } from "../src/cli/bench/peers/jpegls.ts";
import { encodePngStrongest } from "../src/cli/bench/peers/png_adaptive.ts";
import { pngPeer } from "../src/cli/bench/peers/png.ts";
import { type BenchRow, runBench } from "../src/cli/bench/run.ts";
import { summarize } from "../src/cli/bench/summary.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { parseSvg, textsOf } from "./bench_xml.ts";
import { makeImage, randomGenerator } from "./helpers.ts";

/** A codec that stores the samples as they are, with a twist. */
function rawCodec(name: string, twist: (image: GrayImage, calls: number) => void): BenchCodec {
  let calls = 0;
  return {
    name,
    kind: "peer",
    level: "-",
    workers: 1,
    about: "test codec",
    encode: (image) => {
      twist(image, ++calls);
      return Promise.resolve({ bytes: new Uint8Array(image.data.buffer.slice(0)) });
    },
    decode: (bytes, image) =>
      Promise.resolve({
        width: image.width,
        height: image.height,
        samples: new Uint16Array(bytes.buffer).map((v, i) =>
          name === "wrong" && i === 3 ? v ^ 1 : v
        ),
      }),
  };
}

Deno.test("bench runner: a wrong decode, a throw and an unsupported image are reported", async () => {
  const images = [8, 255, 65535].map((maxValue, i) => ({
    name: `i${i}.pgm`,
    domain: i < 2 ? "low" : "high",
    read: () => Promise.resolve(makeImage(6, 4, (x, y) => (x + y) % (maxValue + 1), maxValue)),
  }));
  let encodes = 0;
  const codecs = [
    rawCodec("counting", () => encodes++),
    rawCodec("wrong", () => {}),
    rawCodec("throws", (image) => {
      if (image.maxValue === 255) throw new Error("out of memory in the codec");
    }),
    rawCodec("eight-bit", (image) => {
      if (image.maxValue > 255) throw new FormatError("8-bit only", "unsupported");
    }),
  ];
  const problems: BenchRow[] = [];
  const rows = await runBench(images, codecs, { repeat: 3, problem: (r) => problems.push(r) });
  assertEquals(encodes, 1 + 3 * images.length, "one warm-up, then three timed runs per image");
  const status = (codec: string) => rows.filter((r) => r.codec === codec).map((r) => r.status);
  assertEquals(status("counting"), ["ok", "ok", "ok"]);
  assertEquals(status("wrong"), ["mismatch", "mismatch", "mismatch"]);
  assertEquals(status("throws"), ["ok", "error", "ok"]);
  assertEquals(status("eight-bit"), ["ok", "ok", "unsupported"]);
  assertEquals(problems.length, 3 + 1 + 1);
  assertEquals(problems.find((r) => r.codec === "throws")?.detail, "out of memory in the codec");
  const totals = summarize(rows);
  assertEquals(totals.map((s) => [s.codec, s.coded, s.failed, s.unsupported, s.complete]), [
    ["counting", 3, 0, 0, true],
    ["wrong", 0, 3, 0, false],
    ["throws", 2, 1, 0, false],
    ["eight-bit", 2, 0, 1, false],
  ]);
  assertEquals(totals[0].bpp, 16, "two bytes a sample");
  assertEquals(rows.filter((r) => r.codec === "wrong")[0].bytes, 48, "a mismatch keeps its size");
});

Deno.test("bench peers: PNG at every depth, JPEG-LS and HTJ2K at low and full 16-bit depths", async () => {
  const next = randomGenerator(3);
  const peers = [pngPeer, await jpeglsPeer(), await htj2kPeer()];
  for (const maxValue of [1, 3, 15, 255, 1023, 65535]) {
    const image = makeImage(13, 7, () => next() % (maxValue + 1), maxValue);
    for (const peer of peers) {
      const { bytes } = await peer.encode(image);
      const back = await peer.decode(bytes, image);
      assertEquals([...back.samples], [...image.data], `${peer.name} at maxValue ${maxValue}`);
    }
  }
  // The strongest PNG is smaller than the fast one on a smooth image, and is read back exactly.
  const smooth = makeImage(64, 64, (x, y) => (x * y) >> 4);
  const strongest = encodePngStrongest(smooth);
  assertEquals(decodePng(strongest), smooth);
  assert(strongest.length < encodePng(smooth).length, `${strongest.length} bytes`);
});

Deno.test("bench chart: well-formed SVG with one labelled point per codec and log ticks", () => {
  const svg = benchChart({
    title: "corpus/*/test & <friends>",
    subtitle: "37 images; 2 cores",
    points: [
      { label: "bpcodec-v2", bpp: 1.3214, decodeMPs: 1.02, ours: true },
      { label: "png", bpp: 1.9457, decodeMPs: 60, ours: false },
      { label: "cjxl-e9", bpp: 1.3979, decodeMPs: 14.7, ours: false },
      { label: "cjxl-e7", bpp: 1.4578, decodeMPs: 15.1, ours: false },
    ],
    note: "not shown: jxl-wasm-e7 (7 unsupported)",
  });
  const doc = parseSvg(svg);
  assertEquals(doc.documentElement?.getAttribute("viewBox"), "0 0 720 480");
  const points = [...doc.getElementsByTagName("g")].filter((g) =>
    g.getAttribute("class") === "point"
  );
  assertEquals(points.map((g) => g.textContent), [
    "bpcodec-v2 1.321",
    "cjxl-e9 1.398",
    "cjxl-e7 1.458",
    "png 1.946",
  ]);
  const [ours] = points;
  assertEquals(ours.getElementsByTagName("circle")[0].getAttribute("fill"), "#c62828");
  assertEquals(textsOf(doc, "text")[0], "corpus/*/test & <friends>");
  const xTicks = [...doc.getElementsByTagName("g")].find((g) =>
    g.getAttribute("class") === "x-ticks"
  )!;
  assertEquals(
    [...xTicks.getElementsByTagName("text")].map((t) => t.textContent),
    ["0.5", "1", "2", "5", "10", "20", "50", "100"],
  );
  // Faster codecs sit further right, smaller ones lower.
  const at = (label: string) => {
    const circle = points.find((g) => g.getAttribute("data-codec") === label)!
      .getElementsByTagName("circle")[0];
    return [Number(circle.getAttribute("cx")), Number(circle.getAttribute("cy"))];
  };
  assert(at("png")[0] > at("cjxl-e9")[0] && at("cjxl-e9")[0] > at("bpcodec-v2")[0]);
  assert(at("png")[1] < at("cjxl-e7")[1] && at("cjxl-e7")[1] < at("bpcodec-v2")[1]);
  assertMatch(svg, /decode speed, MP\/s \(log scale/);
});

/**
 * `bpcodec bench` end to end on a tiny folder of two domains (three small images, 8- and 16-bit):
 * every peer runs and is checked for exactness, and the table, CSV, JSON and SVG hold what they
 * should.
 *
 * @module
 */
import { encodeImageFile } from "../src/image/image_file.ts";
import { DEFAULT_PEERS } from "../src/cli/bench/peers.ts";
import { CSV_COLUMNS } from "../src/cli/bench/report.ts";
import type { BenchRow } from "../src/cli/bench/run.ts";
import type { CodecSummary } from "../src/cli/bench/summary.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { parseSvg, textsOf } from "./bench_xml.ts";
import { runCli } from "./cli_run.ts";
import { makeImage, randomGenerator } from "./helpers.ts";

const ALL_CODECS = ["bpcodec-v2", ...DEFAULT_PEERS];

/** A folder `images/` with `photo/` (two 8-bit images) and `scan/` (a 12-bit one in 16 bits). */
function tinyFolder(): string {
  const dir = Deno.makeTempDirSync();
  const next = randomGenerator(7);
  const images = {
    "photo/gradient.pgm": makeImage(40, 24, (x, y) => (x * 5 + y * 3 + (next() & 7)) & 255),
    "photo/stripes.png": makeImage(24, 16, (x) => (x % 6) * 40),
    "scan/deep.pgm": makeImage(32, 20, (x, y) => (x * 97 + y * 131 + (next() & 63)) & 4095, 65535),
  };
  for (const [name, image] of Object.entries(images)) {
    Deno.mkdirSync(`${dir}/images/${name.split("/")[0]}`, { recursive: true });
    Deno.writeFileSync(`${dir}/images/${name}`, encodeImageFile(image, name));
  }
  return dir;
}

Deno.test("bench: every peer on 8- and 16-bit images, exact, with table, CSV, JSON and SVG", async () => {
  const dir = tinyFolder();
  const run = await runCli(
    ["bench", "--json", "--csv", "b.csv", "--svg", "b.svg", "--repeat", "2", "images"],
    dir,
  );
  assertEquals(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assertEquals(result.title, `${dir.split("/").at(-1)}/images`);
  assertEquals(result.unavailable, [], "every peer runs here (cjxl: apt-get install libjxl-tools)");
  assertEquals(result.codecs.map((c: { name: string }) => c.name), ALL_CODECS);
  assertEquals(result.depths, "8- to 16-bit");
  assertEquals(result.timing.repeat, 2);

  const rows: BenchRow[] = result.results;
  assertEquals(rows.length, 3 * ALL_CODECS.length);
  for (const row of rows) {
    const expected = row.codec === "jxl-wasm-e7" && row.domain === "scan" ? "unsupported" : "ok";
    assertEquals(row.status, expected, `${row.image} ${row.codec}`);
  }
  assertEquals(new Set(rows.map((r) => r.domain)), new Set(["photo", "scan"]));

  const totals: CodecSummary[] = result.totals;
  assertEquals(totals.map((s) => s.codec), ALL_CODECS);
  for (const s of totals) {
    assertEquals(s.bpp, Math.round(8 * s.bytes / s.pixels * 1e4) / 1e4, s.codec);
    assertEquals(
      s.bytes,
      rows.filter((r) => r.codec === s.codec && r.status === "ok")
        .reduce((n, r) => n + r.bytes!, 0),
    );
    assert(s.encodeMPs > 0 && s.decodeMPs > 0, s.codec);
    assertEquals(s.failed, 0);
    assertEquals(s.complete, s.codec !== "jxl-wasm-e7", s.codec);
  }
  const jxl = totals.find((s) => s.codec === "jxl-wasm-e7")!;
  assertEquals([jxl.coded, jxl.unsupported], [2, 1]);
  assertEquals(Object.keys(result.domains), ["photo", "scan"]);
  assertEquals(result.domains.scan[0].pixels, 32 * 20);

  const csv = Deno.readTextFileSync(`${dir}/b.csv`).trim().split("\n");
  assertEquals(csv[0], CSV_COLUMNS.join(","));
  assertEquals(csv.length, 1 + rows.length);
  const cells = csv.slice(1).map((line) => line.split(","));
  const column = (name: string) => CSV_COLUMNS.indexOf(name);
  assertEquals(cells.filter((c) => c[column("status")] === "ok").length, rows.length - 1);
  assertEquals(cells[0][column("image")], "photo/gradient.pgm");
  assertEquals(cells[0][column("codec")], "bpcodec-v2");
  assert(Number(cells[0][column("decode_mps")]) > 0);

  const svg = parseSvg(Deno.readTextFileSync(`${dir}/b.svg`));
  assertEquals(svg.documentElement?.getAttribute("width"), "720");
  const points = [...svg.getElementsByTagName("g")].filter((g) =>
    g.getAttribute("class") === "point"
  );
  const complete = totals.filter((s) => s.complete);
  assertEquals(
    points.map((g) => g.getAttribute("data-codec")).sort(),
    complete.map((s) => s.codec).sort(),
  );
  for (const g of points) {
    const s = totals.find((t) => t.codec === g.getAttribute("data-codec"))!;
    assertEquals(g.getElementsByTagName("circle").length, 1);
    assertEquals(g.getElementsByTagName("text")[0].textContent, `${s.codec} ${s.bpp.toFixed(3)}`);
  }
  const texts = textsOf(svg, "text");
  assert(texts.some((t) => t.includes("images") && t.includes("cores")), "a subtitle");
  assertMatch(texts[0], /bits per pixel vs decode speed, .*images$/);
  assertEquals(textsOf(svg, "text", "note"), ["not shown: jxl-wasm-e7 (1 unsupported)"]);
  assertEquals(textsOf(svg, "text", "x-label").length, 1);
  assertEquals(textsOf(svg, "text", "y-label").length, 1);
  assert(textsOf(svg, "g", "x-ticks").length === 1 && textsOf(svg, "g", "y-ticks").length === 1);

  const table = await runCli(["bench", "--peers", "png,jpegls", "images"], dir);
  assertEquals(table.code, 0, table.stderr);
  assertMatch(table.stdout, /\nbpcodec-v2 +default +1 +3\/3 +[0-9.]+ +[0-9.]+ +[0-9.]+ +0 +0\n/);
  assertMatch(table.stdout, /\njpegls +lossless +1 +3\/3 /);
  assertMatch(table.stdout, /total bpp by domain:\ndomain +images +MP +bpcodec-v2 +png +jpegls\n/);
  assertMatch(table.stdout, /\nbpcodec-v2 vs +images +bytes +enc speed +dec speed\npng +3 +/);
});

Deno.test("bench: one variant per worker count, the same bytes", async () => {
  const dir = tinyFolder();
  const run = await runCli(
    ["bench", "--json", "--peers", "none", "--workers", "1,2", "images"],
    dir,
  );
  assertEquals(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assertEquals(result.codecs.map((c: { name: string; workers: number }) => [c.name, c.workers]), [
    ["bpcodec-v2", 1],
    ["bpcodec-v2-w2", 2],
  ]);
  const [one, two]: CodecSummary[] = result.totals;
  assertEquals([one.complete, two.complete], [true, true]);
  assertEquals(two.bytes, one.bytes);
  assertMatch(result.timing.method, /a wN variant: N workers/);
});

Deno.test("bench: a peer that cannot run here is reported and the others run", async () => {
  const dir = tinyFolder();
  const empty = Deno.makeTempDirSync();
  const run = await runCli(
    [
      "bench",
      "--json",
      "--peers",
      "png,cjxl-e9",
      "--svg",
      "b.svg",
      "--title",
      "a & b",
      "images/photo",
    ],
    dir,
    { env: { PATH: empty } },
  );
  assertEquals(run.code, 0, run.stderr);
  assertMatch(run.stderr, /cjxl-e9 is not available: cjxl not found on the PATH/);
  const result = JSON.parse(run.stdout);
  assertEquals(result.codecs.map((c: { name: string }) => c.name), ["bpcodec-v2", "png"]);
  assertEquals(result.unavailable[0].name, "cjxl-e9");
  assertEquals(result.domains, undefined);
  const svg = parseSvg(Deno.readTextFileSync(`${dir}/b.svg`));
  assertEquals(textsOf(svg, "text", "note"), ["not shown: cjxl-e9 (not available here)"]);
  assertEquals(textsOf(svg, "text")[0], "Lossless: bits per pixel vs decode speed, a & b");
});

Deno.test("bench: levels, workers and peers are checked before any work", async () => {
  const dir = tinyFolder();
  for (
    const [flag, value, message] of [
      ["--workers", "1,0", /--workers: 0 is not a whole number from 1 to 256/],
      ["--levels", "default,fastest", /--levels: the coder has no level fastest/],
      ["--peers", "png,webp", /--peers: unknown peer webp/],
      ["--workers", "1,1", /--workers lists 1 twice/],
      ["--repeat", "0", /--repeat must be a whole number from 1 to 100/],
    ] as const
  ) {
    const run = await runCli(["bench", flag, value, "images"], dir);
    assertEquals(run.code, 2, `${flag} ${value}: ${run.stderr}`);
    assertMatch(run.stderr, message);
  }
  const none = await runCli(["bench", "images"], Deno.makeTempDirSync());
  assertEquals(none.code, 1);
  assertMatch(none.stderr, /images: no such file or folder/);
});

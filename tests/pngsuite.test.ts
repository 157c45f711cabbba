/**
 * The full PngSuite (../shared/pngsuite): every file behaves as libpng's verdict in
 * `expected.tsv` says. `exact` files are read to exactly libpng's pixels (`ref/NAME.pgm`, where
 * 1-, 2- and 4-bit samples are scaled to 8 bits: compared as value / maxval), then encoded with
 * the built-in model and decoded back to the same image; `refuse` files are refused with one
 * line saying why (colour, transparency, or what is damaged), and nothing is written from the
 * command line.
 */
import { decodeImage, encodeImage } from "../mod.ts";
import { FormatError } from "../src/errors.ts";
import type { GrayImage } from "../src/image/gray_image.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { SHARED } from "./helpers.ts";

const SUITE = `${SHARED}pngsuite/`;
const rows = Deno.readTextFileSync(`${SUITE}expected.tsv`).trim().split("\n").slice(1)
  .map((line) => line.split("\t"));

function ref(name: string): GrayImage {
  return decodeImageFile(Deno.readFileSync(`${SUITE}ref/${name.replace(/\.png$/, ".pgm")}`));
}

Deno.test("pngsuite: all 175 files are listed", () => {
  const files = [...Deno.readDirSync(SUITE)].filter((e) => e.name.endsWith(".png")).length;
  assertEquals(rows.length, 175);
  assertEquals(files, rows.length);
});

Deno.test("pngsuite: exact files read to libpng's pixels and round-trip through v2", async () => {
  const exact = rows.filter(([, expect]) => expect === "exact");
  assertEquals(exact.length, 40);
  for (const [name, , what] of exact) {
    const image = decodeImageFile(Deno.readFileSync(`${SUITE}${name}`));
    const want = ref(name);
    const depth = Number(/bd=(\d+)/.exec(what)![1]);
    assertEquals([image.width, image.height], [want.width, want.height], name);
    assertEquals(image.maxValue, 2 ** depth - 1, name);
    for (let i = 0; i < want.data.length; i++) {
      if (image.data[i] * want.maxValue !== want.data[i] * image.maxValue) {
        throw new Error(`${name}: sample ${i} is ${image.data[i]}/${image.maxValue}`);
      }
    }
    assertEquals(await decodeImage(await encodeImage(image)), image, name);
  }
});

Deno.test("pngsuite: refused files give one line saying why", () => {
  const refused = rows.filter(([, expect]) => expect === "refuse");
  assertEquals(refused.length, 135);
  for (const [name, , what] of refused) {
    let error: unknown;
    try {
      decodeImageFile(Deno.readFileSync(`${SUITE}${name}`));
    } catch (e) {
      error = e;
    }
    assert(error instanceof FormatError, `${name} should be refused (${what})`);
    assert(!error.message.includes("\n"), name);
    const why = what.includes("COLOR ALPHA")
      ? /colour|transparent/
      : what.includes("COLOR")
      ? /colour/
      : what.includes("ALPHA")
      ? /transparent/
      : /PNG (file|header|signature|image data)|not a PNG/;
    assertMatch(error.message, why, `${name}: ${error.message} (libpng: ${what})`);
    // A damaged first signature byte makes the file no PNG at all: an unknown format.
    const unknown = error.message === "not a PNG, PGM/PNM, TIFF, DICOM or FITS image";
    const code = what.startsWith("error") && !unknown ? "invalid" : "unsupported";
    assertEquals(error.code, code, name);
  }
});

Deno.test("cli: pngsuite refusals exit 1 with one line naming the file, and write nothing", async () => {
  const dir = Deno.makeTempDirSync();
  for (const name of ["xcsn0g01.png", "tbbn0g04.png", "basn2c08.png", "xhdn0g08.png"]) {
    const run = await runCli(["encode", "--input", `${SUITE}${name}`, "--output", "x.bpc"], dir);
    assertEquals(run.code, 1, name);
    assertEquals(run.stderr.trim().split("\n").length, 1, run.stderr);
    assertMatch(run.stderr, new RegExp(name.replace(".", "\\.")));
    assertEquals([...Deno.readDirSync(dir)].length, 0, name);
  }
});

Deno.test("cli: pack keeps every PngSuite file byte for byte, gray ones rebuilt from coded pixels", async () => {
  const dir = Deno.makeTempDirSync();
  const pack = await runCli(
    ["pack", "--input-dir", SUITE, "--output", "suite.bpa", "--level", "fast", "--json"],
    dir,
  );
  assertEquals(pack.code, 0, pack.stderr);
  const list = JSON.parse((await runCli(["list", "--json", "suite.bpa"], dir)).stdout);
  const entries: { name: string; kept: string; note: string }[] = list.archives[0].entries;
  const kept = new Map(entries.map((e) => [e.name, e]));
  for (const [name, expect, what] of rows) {
    const entry = kept.get(name)!;
    assertEquals(entry.kept, "exact file", `${name}: ${entry.note}`);
    // Gray files (colour type 0) are coded; the rest are kept whole, saying why.
    if (expect === "exact" && what.includes("ct=0")) assertEquals(entry.note, "PNG", name);
    else assertMatch(entry.note, /^(kept whole: .|not an image$)/, name);
  }
  const unpack = await runCli(["unpack", "--input", "suite.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  for (const [name] of rows) {
    assertEquals(
      Deno.readFileSync(`${dir}/out/${name}`),
      Deno.readFileSync(`${SUITE}${name}`),
      name,
    );
  }
});

import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage } from "./helpers.ts";

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...listFiles(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

/** Asserts a one-line error naming `file`, exit code 1, and that `dir` holds exactly `files`. */
async function assertFails(
  args: string[],
  dir: string,
  file: string,
  reason: RegExp,
  files: string[],
) {
  const run = await runCli(args, dir);
  assertEquals(run.code, 1, run.stderr);
  const lines = run.stderr.trim().split("\n");
  assertEquals(lines.length, 1, run.stderr);
  assert(lines[0].includes(file), `${lines[0]} should name ${file}`);
  assertMatch(lines[0], reason);
  assertEquals(listFiles(dir), files.sort());
}

Deno.test("cli: --help, --version, help COMMAND and every COMMAND --help", async () => {
  const dir = Deno.makeTempDirSync();
  const help = await runCli(["--help"], dir);
  assertEquals(help.code, 0);
  for (const name of ["train", "encode", "decode", "verify", "pack", "unpack", "bench", "info"]) {
    assertMatch(help.stdout, new RegExp(`\\n  ${name} `));
    const own = await runCli([name, "--help"], dir);
    assertEquals(own.code, 0);
    assertMatch(own.stdout, new RegExp(`Usage: bpcodec ${name}`));
    assertMatch(own.stdout, /Examples:\n {2}bpcodec /);
  }
  assertMatch((await runCli(["--version"], dir)).stdout, /^bpcodec \d+\.\d+\.\d+\n$/);
  assertMatch((await runCli(["help", "pack"], dir)).stdout, /--input-dir/);
  const unknown = await runCli(["frobnicate"], dir);
  assertEquals(unknown.code, 2);
  const badFlag = await runCli(["encode", "--nope"], dir);
  assertEquals(badFlag.code, 2);
  assertMatch(badFlag.stderr, /nope/);
  assertEquals((await runCli(["encode"], dir)).code, 2);
  assertEquals((await runCli(["encode", "--format", "classic", "--input", "x.png"], dir)).code, 2);
});

Deno.test("cli: classic train, encode, decode, verify, pack, unpack, info and bench end to end", async () => {
  const dir = Deno.makeTempDirSync();
  const train = await runCli([
    "train",
    "--input-dir",
    `${COMPAT}train`,
    "--model",
    "m.bpm",
    "--format",
    "classic",
  ], dir);
  assertEquals(train.code, 0, train.stderr);
  assertEquals(Deno.readFileSync(`${dir}/m.bpm`), Deno.readFileSync(`${COMPAT}model.bpm`));

  const enc = await runCli([
    "encode",
    "--model",
    "m.bpm",
    "--input",
    `${COMPAT}03_r_faq_p012_crop200x100.png`,
    "--output",
    "p.bpc",
    "--json",
  ], dir);
  assertEquals(enc.code, 0, enc.stderr);
  assertEquals(JSON.parse(enc.stdout).bytes, 3940);
  assertEquals(
    Deno.readFileSync(`${dir}/p.bpc`),
    Deno.readFileSync(`${COMPAT}03_r_faq_p012_crop200x100.bpc`),
  );

  for (const out of ["p.png", "p.pgm"]) {
    assertEquals(
      (await runCli(["decode", "--model", "m.bpm", "--input", "p.bpc", "--output", out], dir)).code,
      0,
    );
    const original = decodeImageFile(Deno.readFileSync(`${COMPAT}03_r_faq_p012_crop200x100.png`));
    assertEquals(decodeImageFile(Deno.readFileSync(`${dir}/${out}`)), original);
  }
  assertEquals(Deno.readFileSync(`${dir}/p.pgm`).subarray(0, 2), new TextEncoder().encode("P5"));

  const verify = await runCli([
    "verify",
    "--model",
    "m.bpm",
    "--input",
    `${COMPAT}01_eso_dss_test2.pgm`,
  ], dir);
  assertEquals(verify.code, 0);
  assertMatch(verify.stdout, /^PASS: .*bpp=4\.6321/);

  assertEquals(
    (await runCli(
      ["pack", "--model", "m.bpm", "--input-dir", `${COMPAT}pack`, "--output", "a.bpa"],
      dir,
    )).code,
    0,
  );
  assertEquals(Deno.readFileSync(`${dir}/a.bpa`), Deno.readFileSync(`${COMPAT}archive3.bpa`));
  const unpack = await runCli(["unpack", "--input", "a.bpa", "--output-dir", "out"], dir);
  assertEquals(unpack.code, 0, unpack.stderr);
  for (const name of ["ct_small.pgm", "nested/zeiss_sem_crop64x48.png", "zz_synthetic_13x9.pgm"]) {
    const restored = Deno.readFileSync(`${dir}/out/${name}`);
    // Each entry is written in the format its extension names.
    assertEquals(restored[0] === 0x89 ? "png" : "pgm", name.slice(-3));
    assertEquals(
      decodeImageFile(restored),
      decodeImageFile(Deno.readFileSync(`${COMPAT}pack/${name}`)),
    );
  }

  const info = JSON.parse((await runCli(["info", "--json", "a.bpa", "m.bpm"], dir)).stdout);
  assertEquals(
    info.files[0].images.map((i: { name: string }) => i.name)[1],
    "nested/zeiss_sem_crop64x48.png",
  );
  assertEquals(info.files[1].kind, "model");
  assertMatch(
    (await runCli(["info", "p.bpc"], dir)).stdout,
    /classic image \(BPC1\).*\n.*335477555b0f/,
  );

  const bench = await runCli([
    "bench",
    "--model",
    "m.bpm",
    "--input-dir",
    `${COMPAT}pack`,
    "--peers",
    "none",
    "--csv",
    "b.csv",
  ], dir);
  assertEquals(bench.code, 0, bench.stderr);
  assertMatch(bench.stdout, /\nbpcodec-classic +default +1 +3\/3 +[0-9.]+ .* 0 +0\n/);
  assertEquals(Deno.readTextFileSync(`${dir}/b.csv`).trim().split("\n").length, 4);
});

Deno.test("cli: bad input gives one line naming the file, exit 1 and no output file", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.copyFileSync(`${COMPAT}model.bpm`, `${dir}/m.bpm`);
  Deno.writeTextFileSync(`${dir}/notes.png`, "hello");
  Deno.writeFileSync(
    `${dir}/deep.pgm`,
    encodeImageFile(makeImage(4, 4, (x) => x * 1000, 65535), "x.pgm"),
  );
  Deno.writeFileSync(`${dir}/img.pgm`, encodeImageFile(makeImage(16, 8, (x, y) => x * y), "x.pgm"));
  Deno.mkdirSync(`${dir}/empty`);
  const bpc = Deno.readFileSync(`${COMPAT}01_eso_dss_test2.bpc`);
  Deno.writeFileSync(`${dir}/cut.bpc`, bpc.subarray(0, bpc.length - 10));
  const flipped = bpc.slice();
  flipped[3000] ^= 4;
  Deno.writeFileSync(`${dir}/flip.bpc`, flipped);
  Deno.mkdirSync(`${dir}/train`);
  Deno.copyFileSync(`${COMPAT}04_synthetic_7x5.pgm`, `${dir}/train/a.pgm`);
  const base = ["cut.bpc", "deep.pgm", "flip.bpc", "img.pgm", "m.bpm", "notes.png", "train/a.pgm"];

  const m = ["--model", "m.bpm"];
  await assertFails(
    ["encode", ...m, "--input", "missing.pgm", "--output", "o.bpc"],
    dir,
    "missing.pgm",
    /no such file/,
    base,
  );
  await assertFails(
    ["encode", ...m, "--input", "notes.png", "--output", "o.bpc"],
    dir,
    "notes.png",
    /not a PNG, PGM\/PNM, TIFF, DICOM or FITS image/,
    base,
  );
  await assertFails(
    ["encode", ...m, "--input", "deep.pgm", "--output", "o.bpc"],
    dir,
    "deep.pgm",
    /16-bit/,
    base,
  );
  await assertFails(
    ["encode", "--model", "notes.png", "--input", "img.pgm", "--output", "o.bpc"],
    dir,
    "notes.png",
    /not a bpcodec model/,
    base,
  );
  await assertFails(
    ["decode", ...m, "--input", "cut.bpc", "--output", "o.png"],
    dir,
    "cut.bpc",
    /truncated/,
    base,
  );
  await assertFails(
    ["decode", ...m, "--input", "flip.bpc", "--output", "o.png"],
    dir,
    "flip.bpc",
    /damaged/,
    base,
  );
  await assertFails(
    ["decode", ...m, "--input", "m.bpm", "--output", "o.png"],
    dir,
    "m.bpm",
    /not a bpcodec image/,
    base,
  );
  await assertFails(
    ["unpack", "--input", "flip.bpc", "--output-dir", "o"],
    dir,
    "flip.bpc",
    /not a bpcodec archive/,
    base,
  );
  await assertFails(
    ["train", "--input-dir", "empty", "--model", "o.bpm"],
    dir,
    "empty",
    /no training images/,
    base,
  );
  await assertFails(
    ["train", "--input-dir", "nowhere", "--model", "o.bpm"],
    dir,
    "nowhere",
    /no such file/,
    base,
  );
  await assertFails(
    ["encode", ...m, "--input", "img.pgm", "--output", "cut.bpc"],
    dir,
    "cut.bpc",
    /already exists.*--force/,
    base,
  );

  // A model trained on other images: the hash check refuses it.
  assertEquals(
    (await runCli(
      ["train", "--format", "classic", "--input-dir", "train", "--model", "other.bpm"],
      dir,
    )).code,
    0,
  );
  const files = [...base, "other.bpm"];
  await assertFails(
    [
      "decode",
      "--model",
      "other.bpm",
      "--input",
      `${COMPAT}01_eso_dss_test2.bpc`,
      "--output",
      "o.png",
    ],
    dir,
    "01_eso_dss_test2.bpc",
    /model mismatch/,
    files,
  );

  // An archive whose first entry "ct_small.pgm" is renamed "../small.pgm": nothing is written.
  const evil = Deno.readFileSync(`${COMPAT}archive3.bpa`);
  evil.set(new TextEncoder().encode("../"), 4 + 2 + 4 + 10288 + 4 + 2);
  Deno.writeFileSync(`${dir}/evil.bpa`, evil);
  await assertFails(
    ["unpack", "--input", "evil.bpa", "--output-dir", "out"],
    dir,
    "evil.bpa",
    /unsafe entry name/,
    [...files, "evil.bpa"],
  );

  // --force replaces an existing output.
  const forced = await runCli(["encode", ...m, "--input", "img.pgm", "--output", "img.bpc"], dir);
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals(
    (await runCli(["encode", ...m, "--input", "img.pgm", "--output", "img.bpc", "--force"], dir))
      .code,
    0,
  );
});

import { encodeImageFile } from "../src/image/image_file.ts";
import { VERSION } from "../src/version.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage } from "./helpers.ts";

/** A folder holding `img.pgm` (16x8) and the classic test model `m.bpm`. */
function setup(): string {
  const dir = Deno.makeTempDirSync();
  Deno.writeFileSync(`${dir}/img.pgm`, encodeImageFile(makeImage(16, 8, (x, y) => x * y), "x.pgm"));
  Deno.copyFileSync(`${COMPAT}model.bpm`, `${dir}/m.bpm`);
  return dir;
}

/** The names in `dir`, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** Asserts a usage error: exit 2, exactly `line` on stderr, nothing on stdout, no new file. */
async function assertUsage(args: string[], dir: string, line: string) {
  const before = names(dir);
  const run = await runCli(args, dir);
  assertEquals(run.code, 2, run.stderr);
  assertEquals(run.stderr, `${line}\n`);
  assertEquals(run.stdout, "");
  assertEquals(names(dir), before);
}

Deno.test("cli options: -o, -f, -h and -V are --output, --force, --help and --version", async () => {
  const dir = setup();
  const long = await runCli(["encode", "--input", "img.pgm", "--output", "long.bpc"], dir);
  assertEquals(long.code, 0, long.stderr);
  const short = await runCli(["encode", "img.pgm", "-o", "short.bpc"], dir);
  assertEquals(short.code, 0, short.stderr);
  assertEquals(Deno.readFileSync(`${dir}/short.bpc`), Deno.readFileSync(`${dir}/long.bpc`));
  const exists = await runCli(["encode", "img.pgm", "-o", "short.bpc"], dir);
  assertEquals(exists.code, 1);
  assertMatch(exists.stderr, /short\.bpc: already exists/);
  assertEquals((await runCli(["encode", "img.pgm", "-fo", "short.bpc"], dir)).code, 0);
  // A switch given twice is the same as once.
  assertEquals(
    (await runCli(["encode", "img.pgm", "-f", "--force", "-o", "short.bpc"], dir)).code,
    0,
  );

  const help = await runCli(["decode", "-h"], dir);
  assertEquals(help.code, 0);
  assertEquals(help.stdout, (await runCli(["decode", "--help"], dir)).stdout);
  assertMatch(help.stdout, /\n {2}-o, --output VALUE +image to write/);
  assertMatch(help.stdout, /\n {6}--output-format VALUE/);
  for (const args of [["-V"], ["--version"], ["encode", "-V"], ["info", "--version"]]) {
    const run = await runCli(args, dir);
    assertEquals([run.code, run.stdout], [0, `bpcodec ${VERSION}\n`], args.join(" "));
  }
});

Deno.test("cli options: -q prints nothing on success and still prints errors", async () => {
  const dir = setup();
  for (
    const args of [
      ["encode", "-q", "img.pgm"],
      ["decode", "--quiet", "img.bpc", "-o", "back.pgm"],
      ["verify", "-q", "img.pgm"],
      ["info", "-q", "img.bpc"],
    ]
  ) {
    const run = await runCli(args, dir);
    assertEquals([run.code, run.stdout, run.stderr], [0, "", ""], args.join(" "));
  }
  assertEquals(names(dir), ["back.pgm", "img.bpc", "img.pgm", "m.bpm"]);
  assertEquals(Deno.readFileSync(`${dir}/back.pgm`), Deno.readFileSync(`${dir}/img.pgm`));
  const missing = await runCli(["encode", "-q", "missing.pgm"], dir);
  assertEquals(missing.code, 1);
  assertEquals(missing.stdout, "");
  assertEquals(missing.stderr, "bpcodec encode: missing.pgm: no such file or folder\n");
  // --json is the result asked for: -q leaves it.
  const json = await runCli(["verify", "-q", "--json", "img.pgm"], dir);
  assertEquals(JSON.parse(json.stdout).ok, true);
});

Deno.test("cli options: -v adds the model and the time of each step", async () => {
  const dir = setup();
  const hex = /[0-9a-f]{64}/.source;
  const encode = await runCli(["encode", "-v", "img.pgm", "--model", "m.bpm"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  const lines = encode.stdout.trimEnd().split("\n");
  assertEquals(lines.length, 3, encode.stdout);
  assertMatch(lines[0], /^encoded: img\.pgm -> img\.bpc, 16x8, /);
  assertMatch(lines[1], new RegExp(`^model: classic ${hex} \\(m\\.bpm\\)$`));
  assertMatch(
    lines[2],
    /^time: read [\d.]+ ms, encode [\d.]+ ms \([\d.]+ MP\/s\), write [\d.]+ ms$/,
  );
  const info = await runCli(["info", "m.bpm"], dir);
  assert(info.stdout.includes(lines[1].split(" ")[2]), "the hash info shows");

  const decode = await runCli(["decode", "--verbose", "--model", "m.bpm", "img.bpc"], dir);
  assertEquals(decode.code, 0, decode.stderr);
  assertEquals(decode.stdout.split("\n")[1], lines[1]);
  assertMatch(decode.stdout, /\ntime: read [\d.]+ ms, decode [\d.]+ ms \([\d.]+ MP\/s\), write /);

  await assertUsage(
    ["encode", "-q", "-v", "img.pgm", "-o", "x.bpc"],
    dir,
    "bpcodec encode: --quiet and --verbose cannot be used together (see bpcodec encode --help)",
  );
  await assertUsage(
    ["info", "-qv", "img.bpc"],
    dir,
    "bpcodec info: --quiet and --verbose cannot be used together (see bpcodec info --help)",
  );
});

Deno.test("cli options: encode, decode and verify take the input as an argument or --input", async () => {
  const dir = setup();
  assertEquals((await runCli(["encode", "img.pgm", "-o", "a.bpc"], dir)).code, 0);
  assertEquals((await runCli(["encode", "-o", "b.bpc", "--input", "img.pgm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/a.bpc`), Deno.readFileSync(`${dir}/b.bpc`));
  const decode = await runCli(["decode", "a.bpc", "-o", "a.pgm"], dir);
  assertEquals(decode.stdout, "decoded: a.bpc -> a.pgm, 16x8\n");
  assertMatch((await runCli(["verify", "img.pgm"], dir)).stdout, /^PASS: img\.pgm, /);

  // verify takes several files, or one --input.
  await assertUsage(
    ["verify", "a.bpc", "--input", "img.pgm"],
    dir,
    "bpcodec verify: give the files as arguments or one --input, not both (see bpcodec verify --help)",
  );
  await assertUsage(
    ["verify"],
    dir,
    "bpcodec verify: missing input (FILE... or --input) (see bpcodec verify --help)",
  );
  for (const command of ["encode", "decode"]) {
    const see = `(see bpcodec ${command} --help)`;
    await assertUsage(
      [command, "a.bpc", "--input", "img.pgm"],
      dir,
      `bpcodec ${command}: two inputs: "a.bpc" and --input img.pgm ${see}`,
    );
    await assertUsage([command], dir, `bpcodec ${command}: missing input (FILE or --input) ${see}`);
  }
  await assertUsage(
    ["pack", "stray", "--input-dir", "."],
    dir,
    `bpcodec pack: unexpected argument "stray" (see bpcodec pack --help)`,
  );
});

Deno.test("cli options: an unknown option or command is one line, with a close match if any", async () => {
  const dir = setup();
  await assertUsage(
    ["encode", "img.pgm", "--outptu", "x.bpc"],
    dir,
    "bpcodec encode: unknown option --outptu (did you mean --output?) (see bpcodec encode --help)",
  );
  await assertUsage(
    ["decode", "--modle=m.bpm", "img.bpc"],
    dir,
    "bpcodec decode: unknown option --modle (did you mean --model?) (see bpcodec decode --help)",
  );
  await assertUsage(
    ["encode", "--nope", "img.pgm"],
    dir,
    "bpcodec encode: unknown option --nope (see bpcodec encode --help)",
  );
  await assertUsage(
    ["encode", "-x", "img.pgm"],
    dir,
    "bpcodec encode: unknown option -x (see bpcodec encode --help)",
  );
  await assertUsage(
    ["encdoe", "img.pgm"],
    dir,
    'bpcodec: unknown command "encdoe" (did you mean encode?) (see bpcodec --help)',
  );
  await assertUsage(
    ["help", "unpakc"],
    dir,
    'bpcodec: unknown command "unpakc" (did you mean unpack?) (see bpcodec --help)',
  );
  await assertUsage(
    ["frobnicate"],
    dir,
    'bpcodec: unknown command "frobnicate" (see bpcodec --help)',
  );
  await assertUsage(
    ["--verison"],
    dir,
    "bpcodec: unknown option --verison (did you mean --version?) (see bpcodec --help)",
  );
  await assertUsage(
    ["-q", "encode", "img.pgm"],
    dir,
    "bpcodec: unknown option -q before the command (it goes after it: bpcodec COMMAND -q …) " +
      "(see bpcodec --help)",
  );
  await assertUsage(
    ["encode", "img.pgm", "--force=yes"],
    dir,
    "bpcodec encode: --force takes no value (see bpcodec encode --help)",
  );
  await assertUsage(
    ["encode", "img.pgm", "-o"],
    dir,
    "bpcodec encode: --output needs a value (see bpcodec encode --help)",
  );
  await assertUsage(
    ["encode", "img.pgm", "-o", "-f"],
    dir,
    "bpcodec encode: --output needs a value before -f (or write --output=-f) " +
      "(see bpcodec encode --help)",
  );
});

Deno.test("cli options: a value option given twice is a usage error", async () => {
  const dir = setup();
  const line = "bpcodec encode: --output is given more than once (see bpcodec encode --help)";
  await assertUsage(["encode", "img.pgm", "--output", "a.bpc", "--output", "b.bpc"], dir, line);
  await assertUsage(["encode", "img.pgm", "-o", "a.bpc", "-o", "b.bpc"], dir, line);
  await assertUsage(["encode", "img.pgm", "-o", "a.bpc", "--output=a.bpc"], dir, line);
  await assertUsage(
    ["decode", "img.bpc", "--model", "m.bpm", "--model", "m.bpm"],
    dir,
    "bpcodec decode: --model is given more than once (see bpcodec decode --help)",
  );
  await assertUsage(
    ["train", "--input-dir", ".", "--input-dir", ".", "--model", "t.bpm"],
    dir,
    "bpcodec train: --input-dir is given more than once (see bpcodec train --help)",
  );
});

Deno.test("cli options: an output named with another extension than written is refused", async () => {
  const dir = setup();
  Deno.mkdirSync(`${dir}/in`);
  Deno.copyFileSync(`${dir}/img.pgm`, `${dir}/in/img.pgm`);
  const refused: [string[], string][] = [
    [["encode", "img.pgm", "-o", "x.png"], "--output x.png: its extension must be .bpc, not .png"],
    [["encode", "img.pgm", "-o", "x.BPA"], "--output x.BPA: its extension must be .bpc, not .bpa"],
    [
      ["pack", "--input-dir", "in", "--output", "x.png"],
      "--output x.png: its extension must be .bpa, not .png",
    ],
    [
      ["train", "--input-dir", "in", "--model", "x.bpc"],
      "--model x.bpc: its extension must be .bpm, not .bpc",
    ],
    [
      ["decode", "img.bpc", "-o", "x.bpc"],
      "--output x.bpc: its extension must be .png, .pgm, .pnm, .ppm, .pbm, .tif, .tiff, .dcm, .dicom, .fits, .fit or .fts, not .bpc",
    ],
    [
      ["decode", "img.bpc", "-o", "x.pgm", "--output-format", "png"],
      "--output-format png contradicts --output x.pgm",
    ],
    [
      ["decode", "img.bpc", "-o", "x"],
      "--output x has no extension to tell the image format: add one or give --output-format",
    ],
    [
      ["decode", "img.bpc", "--output-format", "jpg"],
      '--output-format must be one of png, pgm, pnm, ppm, pbm, tif, tiff, dcm, dicom, fits, fit, fts, not "jpg"',
    ],
  ];
  assertEquals((await runCli(["encode", "img.pgm"], dir)).code, 0);
  for (const [args, reason] of refused) {
    await assertUsage(args, dir, `bpcodec ${args[0]}: ${reason} (see bpcodec ${args[0]} --help)`);
  }
  // Any case matches; encode, pack and train also write names without an extension.
  assertEquals((await runCli(["encode", "img.pgm", "-o", "UP.BPC"], dir)).code, 0);
  assertEquals((await runCli(["encode", "img.pgm", "-o", "plain"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/plain`), Deno.readFileSync(`${dir}/UP.BPC`));
  assertEquals((await runCli(["decode", "plain", "-o", "back.PGM"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/back.PGM`), Deno.readFileSync(`${dir}/img.pgm`));
  const pgm = await runCli(["decode", "img.bpc", "-o", "raw", "--output-format", "pgm"], dir);
  assertEquals(pgm.code, 0, pgm.stderr);
  assertEquals(Deno.readFileSync(`${dir}/raw`), Deno.readFileSync(`${dir}/img.pgm`));
  // Without -o, --output-format picks the default name's extension too.
  assertEquals((await runCli(["decode", "img.bpc", "--output-format", "pnm"], dir)).code, 0);
  assertEquals(Deno.readFileSync(`${dir}/img.pnm`), Deno.readFileSync(`${dir}/img.pgm`));
});

Deno.test("cli options: with --json a failure is also a JSON document on stdout", async () => {
  const dir = setup();
  const usage = await runCli(["encode", "--json", "img.pgm", "--outptu", "x.bpc"], dir);
  assertEquals(usage.code, 2);
  assertEquals(JSON.parse(usage.stdout), {
    command: "encode",
    error: "unknown option --outptu (did you mean --output?)",
    file: null,
  });
  assertEquals(
    usage.stderr,
    "bpcodec encode: unknown option --outptu (did you mean --output?) (see bpcodec encode --help)\n",
  );
  const missing = await runCli(["decode", "--json", "missing.bpc", "-o", "x.png"], dir);
  assertEquals(missing.code, 1);
  assertEquals(JSON.parse(missing.stdout), {
    command: "decode",
    error: "no such file or folder",
    file: "missing.bpc",
  });
  assertEquals(missing.stderr, "bpcodec decode: missing.bpc: no such file or folder\n");
  const notImage = await runCli(["encode", "--json", "m.bpm", "-o", "x.bpc"], dir);
  assertEquals(JSON.parse(notImage.stdout).file, "m.bpm");
  assertEquals(JSON.parse(notImage.stdout).error, "not a PNG, PGM/PNM, TIFF, DICOM or FITS image");
  const unknown = await runCli(["encdoe", "--json"], dir);
  assertEquals([unknown.code, JSON.parse(unknown.stdout).command], [2, null]);
  assertEquals(names(dir), ["img.pgm", "m.bpm"]);
});

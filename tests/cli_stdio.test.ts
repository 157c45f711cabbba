import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage, ROOT } from "./helpers.ts";

/** A folder holding `img.pgm` (40x30) and its `img.bpc` (built-in model), with their bytes. */
async function setup(): Promise<{ dir: string; pgm: Uint8Array; bpc: Uint8Array }> {
  const dir = Deno.makeTempDirSync();
  const pgm = encodeImageFile(makeImage(40, 30, (x, y) => (x * 7 + y * y) & 255), "x.pgm");
  Deno.writeFileSync(`${dir}/img.pgm`, pgm);
  const encode = await runCli(["encode", "img.pgm"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  return { dir, pgm, bpc: Deno.readFileSync(`${dir}/img.bpc`) };
}

/** The names in `dir`, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("cli stdio: encode - and -o - carry exactly the file's bytes; status goes to stderr", async () => {
  const { dir, pgm, bpc } = await setup();
  const piped = await runCli(["encode", "-"], dir, { stdin: pgm });
  assertEquals(piped.code, 0, piped.stderr);
  assertEquals(piped.stdoutBytes, bpc);
  assertEquals(
    piped.stderr,
    "encoded: <stdin> -> <stdout>, 40x30, " +
      `bytes=${bpc.length}, bpp=${Math.round(8 * bpc.length / 1200 * 1e4) / 1e4}\n`,
  );
  const toStdout = await runCli(["encode", "img.pgm", "-o", "-"], dir);
  assertEquals(toStdout.stdoutBytes, bpc);
  assertMatch(toStdout.stderr, /^encoded: img\.pgm -> <stdout>, /);
  const fromStdin = await runCli(["encode", "--input", "-", "-o", "in.bpc"], dir, { stdin: pgm });
  assertEquals([fromStdin.code, fromStdin.stderr], [0, ""]);
  assertMatch(fromStdin.stdout, /^encoded: <stdin> -> in\.bpc, /);
  assertEquals(Deno.readFileSync(`${dir}/in.bpc`), bpc);
  // -v detail and the --json document go to stderr too when stdout carries the data.
  const verbose = await runCli(["encode", "-v", "-", "-o", "-"], dir, { stdin: pgm });
  assertEquals(verbose.stdoutBytes, bpc);
  assertEquals(verbose.stderr.trimEnd().split("\n").length, 3);
  const json = await runCli(["encode", "--json", "-"], dir, { stdin: pgm });
  assertEquals(json.stdoutBytes, bpc);
  assertEquals(JSON.parse(json.stderr).input, "<stdin>");
  assertEquals(JSON.parse(json.stderr).output, "<stdout>");
  const bad = await runCli(["encode", "-", "--json"], dir, { stdin: new Uint8Array(5) });
  assertEquals([bad.code, bad.stdout], [1, ""]);
  assertEquals(
    bad.stderr,
    "bpcodec encode: <stdin>: not a PNG, PGM/PNM, TIFF, DICOM or FITS image\n" +
      JSON.stringify(
        {
          command: "encode",
          error: "not a PNG, PGM/PNM, TIFF, DICOM or FITS image",
          file: "<stdin>",
          code: "unsupported",
        },
        null,
        2,
      ) + "\n",
  );
  assertEquals(names(dir), ["img.bpc", "img.pgm", "in.bpc"]);
});

Deno.test("cli stdio: decode to stdout writes PNG, or the --output-format asked for", async () => {
  const { dir, pgm, bpc } = await setup();
  assertEquals((await runCli(["decode", "img.bpc", "-o", "file.png"], dir)).code, 0);
  const png = await runCli(["decode", "-"], dir, { stdin: bpc });
  assertEquals(png.code, 0, png.stderr);
  assertEquals(png.stdoutBytes, Deno.readFileSync(`${dir}/file.png`));
  assertEquals(png.stderr, "decoded: <stdin> -> <stdout>, 40x30\n");
  const pgmOut = await runCli(["decode", "img.bpc", "-o", "-", "--output-format", "pgm"], dir);
  assertEquals(pgmOut.stdoutBytes, pgm);
  const pbm = await runCli(["decode", "img.bpc", "-o", "-", "--output-format", "pbm"], dir);
  assertEquals(pbm.code, 1);
  assertMatch(pbm.stderr, /^bpcodec decode: <stdout>: .*bilevel/);
  assertEquals(pbm.stdout, "");
  const damaged = bpc.slice(0, bpc.length - 3);
  const cut = await runCli(["decode", "-", "-o", "cut.png"], dir, { stdin: damaged });
  assertEquals(cut.code, 1);
  assertMatch(cut.stderr, /^bpcodec decode: <stdin>: .*truncated/);
  assertEquals(names(dir), ["file.png", "img.bpc", "img.pgm"]);
});

Deno.test("cli stdio: stdin and stdout carry large files whole", async () => {
  const dir = Deno.makeTempDirSync();
  const image = makeImage(1024, 768, (x, y) => (x ^ y) & 255);
  const pgm = encodeImageFile(image, "x.pgm");
  Deno.writeFileSync(`${dir}/big.pgm`, pgm);
  assertEquals((await runCli(["encode", "big.pgm"], dir)).code, 0);
  const bpc = Deno.readFileSync(`${dir}/big.bpc`);
  const encoded = await runCli(["encode", "-", "-o", "-"], dir, { stdin: pgm });
  assertEquals(encoded.code, 0, encoded.stderr);
  assertEquals(encoded.stdoutBytes, bpc);
  const decoded = await runCli(["decode", "--output-format", "pgm", "-"], dir, { stdin: bpc });
  assertEquals(decoded.stdoutBytes.length, pgm.length);
  assertEquals(decoded.stdoutBytes, pgm);
  // An image on stdin larger than a pipe's buffer, to verify and describe.
  assertMatch((await runCli(["verify", "-"], dir, { stdin: pgm })).stdout, /^PASS: <stdin>, /);
  assertMatch(
    (await runCli(["info", "-"], dir, { stdin: bpc })).stdout,
    /^<stdin>: v2 image \(BPC2\), \d+ bytes\n.*\n {2}1024x768, 8-bit/,
  );
});

// `script` (Debian's essential bsdutils) gives the command a pseudo-terminal.
Deno.test("cli stdio: binary data is not written to (or read from) a terminal", async () => {
  const { dir } = await setup();
  // `script` runs the command with a pseudo-terminal as stdin, stdout and stderr.
  const inTerminal = async (args: string) => {
    const command = `'${Deno.execPath()}' run -A --quiet '${ROOT}cli.ts' ${args}`;
    const out = await new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    return { code: out.code, text: new TextDecoder().decode(out.stdout).replaceAll("\r\n", "\n") };
  };
  const hint = "is a terminal; not writing binary data to it (use -o FILE or redirect stdout)";
  assertEquals(await inTerminal("encode img.pgm -o -"), {
    code: 1,
    text: `bpcodec encode: <stdout>: ${hint}\n`,
  });
  assertEquals(await inTerminal("decode img.bpc -o -"), {
    code: 1,
    text: `bpcodec decode: <stdout>: ${hint}\n`,
  });
  assertEquals(await inTerminal("info -"), {
    code: 1,
    text: "bpcodec info: <stdin>: is a terminal; pipe or redirect the input into it\n",
  });
  // A file output is fine on a terminal: the status line goes there.
  const file = await inTerminal("encode img.pgm -o t.bpc");
  assertEquals(file.code, 0);
  assertMatch(file.text, /^encoded: img\.pgm -> t\.bpc/);
  assertEquals(names(dir), ["img.bpc", "img.pgm", "t.bpc"]);
});

Deno.test("cli stdio: info goes on past a bad file and exits 1 at the end", async () => {
  const { dir, bpc } = await setup();
  Deno.copyFileSync(`${COMPAT}model.bpm`, `${dir}/m.bpm`);
  const files = ["img.bpc", "missing.bpc", "img.pgm", "m.bpm"];
  const run = await runCli(["info", ...files], dir);
  assertEquals(run.code, 1);
  assertEquals(
    run.stderr,
    "bpcodec info: missing.bpc: no such file or folder\n" +
      "bpcodec info: img.pgm: not a bpcodec file (.bpm, .bpc or .bpa): unknown magic\n",
  );
  assertMatch(
    run.stdout,
    /^img\.bpc: v2 image \(BPC2\), .*\n(.*\n)*m\.bpm: classic model \(BPM1\)/,
  );
  assert(!run.stdout.includes("missing") && !run.stdout.includes("img.pgm"), run.stdout);

  const json = await runCli(["info", "--json", "-", ...files.slice(1)], dir, { stdin: bpc });
  assertEquals(json.code, 1);
  assertEquals(json.stderr.trimEnd().split("\n").length, 2);
  const listed = JSON.parse(json.stdout).files;
  assertEquals(listed.map((f: { path: string }) => f.path), ["<stdin>", ...files.slice(1)]);
  assertEquals(listed[0].kind, "image");
  assertEquals(listed[1], { path: "missing.bpc", error: "no such file or folder" });
  assertEquals(listed[2].error, "not a bpcodec file (.bpm, .bpc or .bpa): unknown magic");
  assertEquals(listed[3].kind, "model");
  assertEquals((await runCli(["info", "img.bpc", "m.bpm"], dir)).code, 0);
  // The image decoded from stdin is the one encoded.
  const back = await runCli(["decode", "-", "-o", "-"], dir, { stdin: bpc });
  assertEquals(
    decodeImageFile(back.stdoutBytes),
    decodeImageFile(Deno.readFileSync(`${dir}/img.pgm`)),
  );
});

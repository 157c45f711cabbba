/**
 * `encode` and `decode` of many files: folders mirrored under `--output-dir`, `--files-from`,
 * `--shard I/N` (each file's output the same whatever the sharding), `--keep-going`.
 */
import { encodeImageFile } from "../src/image/image_file.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { makeImage } from "./helpers.ts";

/** Every file under `dir`, relative, sorted. */
function files(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...files(`${dir}/${e.name}`, `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

function setup(): string {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/scans/b`, { recursive: true });
  const names = ["scans/a.pgm", "scans/b/c.png", "scans/b/d.pgm", "scans/e.pbm"];
  names.forEach((name, k) => {
    const image = name.endsWith(".pbm")
      ? makeImage(9, 5, (x, y) => (x + y) & 1, 1)
      : makeImage(20 + k, 10, (x, y) => (x * (k + 3) + y * 5) & 255);
    Deno.writeFileSync(`${dir}/${name}`, encodeImageFile(image, name));
  });
  return dir;
}

Deno.test("batch: a folder is encoded into a mirrored tree and decoded back, byte for byte", async () => {
  const dir = setup();
  const encode = await runCli(["encode", "scans", "--output-dir", "coded", "--workers", "2"], dir);
  assertEquals(encode.code, 0, encode.stderr);
  assertEquals(files(`${dir}/coded`), ["a.bpc", "b/c.bpc", "b/d.bpc", "e.bpc"]);
  assertMatch(encode.stdout, /encode: files=4, failed=0/);
  const decode = await runCli(
    ["decode", "coded", "--output-dir", "back", "--output-format", "pgm"],
    dir,
  );
  assertEquals(decode.code, 0, decode.stderr);
  for (const name of ["a", "b/d"]) {
    assertEquals(
      Deno.readFileSync(`${dir}/back/${name}.pgm`),
      Deno.readFileSync(`${dir}/scans/${name}.pgm`),
    );
  }
  // Without --output-dir, each output goes beside its input, as gzip does.
  const beside = await runCli(["encode", "scans/a.pgm", "scans/b/d.pgm"], dir);
  assertEquals(beside.code, 0, beside.stderr);
  assertEquals(Deno.readFileSync(`${dir}/scans/a.bpc`), Deno.readFileSync(`${dir}/coded/a.bpc`));
});

Deno.test("batch: shards of a list make the same files as one run, and nothing twice", async () => {
  const dir = setup();
  const list = ["scans/a.pgm", "scans/b/c.png", "scans/b/d.pgm", "scans/e.pbm"].join("\n");
  Deno.writeTextFileSync(`${dir}/list.txt`, `${list}\n\n`);
  const whole = await runCli(["encode", "--files-from", "list.txt", "--output-dir", "one"], dir);
  assertEquals(whole.code, 0, whole.stderr);
  for (const shard of ["0/3", "1/3", "2/3"]) {
    const run = await runCli(
      ["encode", "--files-from", "-", "--output-dir", "sharded", "--shard", shard],
      dir,
      { stdin: new TextEncoder().encode(list) },
    );
    assertEquals(run.code, 0, run.stderr);
  }
  const made = files(`${dir}/sharded`);
  assertEquals(made, files(`${dir}/one`));
  for (const name of made) {
    assertEquals(
      Deno.readFileSync(`${dir}/sharded/${name}`),
      Deno.readFileSync(`${dir}/one/${name}`),
    );
  }
  const bad = await runCli(["encode", "scans", "--output-dir", "x", "--shard", "3/3"], dir);
  assertEquals(bad.code, 2);
});

Deno.test("batch: --keep-going skips a bad file and says so; without it the run stops", async () => {
  const dir = setup();
  Deno.writeTextFileSync(`${dir}/scans/b/broken.png`, "not a png");
  const stop = await runCli(["encode", "scans", "--output-dir", "o1"], dir);
  assertEquals(stop.code, 1);
  assertMatch(stop.stderr, /scans\/b\/broken\.png: not a PNG/);
  const going = await runCli(
    ["encode", "scans", "--output-dir", "o2", "--keep-going", "--json"],
    dir,
  );
  assertEquals(going.code, 3, going.stderr);
  const result = JSON.parse(going.stdout);
  assertEquals(result.files.length, 4);
  assertEquals(result.failed.map((f: { input: string }) => f.input), ["scans/b/broken.png"]);
  assertEquals(files(`${dir}/o2`), ["a.bpc", "b/c.bpc", "b/d.bpc", "e.bpc"]);
  // Two inputs that would write the same output, -o with several inputs, stdin in a batch.
  Deno.writeFileSync(`${dir}/scans/a.png`, Deno.readFileSync(`${dir}/scans/b/c.png`));
  const clash = await runCli(["encode", "scans/a.pgm", "scans/a.png"], dir);
  assertEquals(clash.code, 2);
  assertMatch(clash.stderr, /would both be written to scans\/a\.bpc/);
  assertEquals(
    (await runCli(["encode", "scans/a.pgm", "scans/e.pbm", "-o", "x.bpc"], dir)).code,
    2,
  );
  assertEquals((await runCli(["encode", "-", "scans/a.pgm"], dir)).code, 2);
  assert(!files(dir).includes("x.bpc"));
});

/**
 * How throughput grows with workers, as a user runs the command line: one 16-MP image (the
 * corpus's 2048 × 2048 photo mirrored 2 × 2, as a binary PGM) encoded and decoded, and the folder
 * of the 8-bit corpus test images (37 files) encoded and decoded, each with `--workers 1` and with
 * more, in alternation over several rounds; prints the median wall times and their ratio (whole
 * processes, start-up included), and checks that every output is the same bytes.
 *
 * Usage: `deno run -A bench/workers.ts [--workers 2] [--rounds 3]`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: { workers: { type: "string", default: "2" }, rounds: { type: "string", default: "3" } },
});
const many = values.workers;
const rounds = Number(values.rounds);
const dir = Deno.makeTempDirSync();

function photo16mp(): Uint8Array {
  const src = decodeImageFile(
    Deno.readFileSync(`${SHARED}corpus/photo/train/lomiri16_life_c2048.pgm`),
  );
  const w = 2 * src.width;
  const h = 2 * src.height;
  const data = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y < src.height ? y : h - 1 - y;
    for (let x = 0; x < w; x++) {
      data[y * w + x] = src.data[sy * src.width + (x < src.width ? x : w - 1 - x)];
    }
  }
  return encodeImageFile({ width: w, height: h, maxValue: 255, data }, "big.pgm");
}

async function seconds(args: string[]): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `make(workers)` with 1 and `many` workers in turn; returns the medians. */
async function compare(name: string, make: (workers: string, tag: string) => string[]) {
  const times: Record<string, number[]> = { "1": [], [many]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const workers of ["1", many]) {
      times[workers].push(await seconds(make(workers, `${workers}-${r}`)));
    }
  }
  const one = median(times["1"]);
  const more = median(times[many]);
  console.log(
    `${name}: 1 worker ${one.toFixed(2)} s, ${many} workers ${more.toFixed(2)} s, ` +
      `speed-up ${(one / more).toFixed(2)}x`,
  );
}

function sameTree(a: string, b: string): boolean {
  const list = (d: string, p = ""): string[] =>
    [...Deno.readDirSync(d)].flatMap((e) =>
      e.isDirectory ? list(`${d}/${e.name}`, `${p}${e.name}/`) : [`${p}${e.name}`]
    ).sort();
  const names = list(a);
  return JSON.stringify(names) === JSON.stringify(list(b)) &&
    names.every((n) =>
      Deno.readFileSync(`${a}/${n}`).join() === Deno.readFileSync(`${b}/${n}`).join()
    );
}

Deno.writeFileSync(`${dir}/big.pgm`, photo16mp());
await compare(
  "16-MP photo, encode",
  (w, t) => ["encode", `${dir}/big.pgm`, "-o", `${dir}/big-${t}.bpc`, "--workers", w],
);
await compare(
  "16-MP photo, decode",
  (w, t) => ["decode", `${dir}/big-1-0.bpc`, "-o", `${dir}/back-${t}.pgm`, "--workers", w],
);
const coded = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".bpc"));
const first = Deno.readFileSync(`${dir}/big-1-0.bpc`).join();
const identical = coded.every((e) => Deno.readFileSync(`${dir}/${e.name}`).join() === first);

Deno.mkdirSync(`${dir}/corpus`);
for (const domain of Deno.readDirSync(`${SHARED}corpus`)) {
  const test = `${SHARED}corpus/${domain.name}/test`;
  if (!domain.isDirectory || !existsSync(test)) continue;
  for (const e of Deno.readDirSync(test)) {
    Deno.copyFileSync(`${test}/${e.name}`, `${dir}/corpus/${domain.name}-${e.name}`);
  }
}
await compare(
  "corpus test folder, encode",
  (w, t) => ["encode", `${dir}/corpus`, "--output-dir", `${dir}/enc-${t}`, "--workers", w],
);
await compare(
  "corpus test folder, decode",
  (
    w,
    t,
  ) => [
    "decode",
    `${dir}/enc-1-0`,
    "--output-dir",
    `${dir}/dec-${t}`,
    "--output-format",
    "pgm",
    "--workers",
    w,
  ],
);
const folders = sameTree(`${dir}/enc-1-0`, `${dir}/enc-${many}-0`) &&
  sameTree(`${dir}/dec-1-0`, `${dir}/corpus`);
console.log(
  `outputs identical across worker counts (and decoded = input): ${identical && folders}`,
);
Deno.removeSync(dir, { recursive: true });
if (!identical || !folders) Deno.exitCode = 1;

/**
 * The JPEG XL peer through libjxl's own tools, `cjxl` and `djxl` (Debian: `libjxl-tools`), when
 * they are on the PATH: lossless (`-d 0`) at an effort of 1 to 9, one thread. The image goes to
 * `cjxl` as a PNG file and comes back from `djxl` as a PGM file; the times are those the tools
 * report for the coding itself (without their start, file reading and writing).
 *
 * @module
 */
import { join } from "node:path";
import type { GrayImage } from "../../../image/gray_image.ts";
import { decodeImageFile } from "../../../image/image_file.ts";
import { encodePng } from "../../../image/png_write.ts";
import type { BenchCodec } from "../bench_codec.ts";

/** Runs a tool; returns its stderr, or throws with its last line when it fails. */
async function runTool(tool: string, args: string[]): Promise<string> {
  const run = await new Deno.Command(tool, { args, stdout: "piped", stderr: "piped" }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  if (!run.success) {
    const last = stderr.trim().split("\n").at(-1) ?? "";
    throw new Error(`${tool} failed (exit ${run.code}): ${last}`);
  }
  return stderr;
}

/**
 * The seconds a tool reports for the coding of `pixels` pixels, from its speed line
 * (`512 x 512, 1.99 MP/s [1.99, 1.99], 1 reps, 0 threads.`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { reportedSeconds } from "./cjxl.ts";
 * strictEqual(reportedSeconds("Compressed.\n100 x 20, 2.00 MP/s [2.00, 2.00], 1 reps", 2000), 0.001);
 * ```
 */
export function reportedSeconds(output: string, pixels: number): number {
  const speed = Number(/^\d+ x \d+, (?:geomean: )?([0-9.]+) MP\/s/m.exec(output)?.[1]);
  if (!(speed > 0)) throw new Error(`no speed reported: ${JSON.stringify(output.slice(-200))}`);
  return pixels / (speed * 1e6);
}

/** Runs `work` in a new temporary folder, removed afterwards. */
async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "bpcodec-bench-" });
  try {
    return await work(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * `cjxl`'s version line (`cjxl v0.7.0 [AVX3,AVX2,…]`), or why the tools cannot run: the reason
 * a `cjxl-eN` peer is unavailable.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { findCjxl } from "./cjxl.ts";
 * const found = await findCjxl();
 * ok("version" in found || /not found/.test(found.unavailable));
 * ```
 */
export async function findCjxl(): Promise<{ version: string } | { unavailable: string }> {
  const versions: string[] = [];
  for (const tool of ["cjxl", "djxl"]) {
    try {
      const run = await new Deno.Command(tool, { args: ["--version"], stderr: "null" }).output();
      versions.push(new TextDecoder().decode(run.stdout).split("\n")[0]);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      return {
        unavailable: `${tool} not found on the PATH (Debian: apt-get install libjxl-tools)`,
      };
    }
  }
  return { version: versions[0].replace(/ \[.*$/, "") };
}

/**
 * The `cjxl-eN` peer, given the version line {@link findCjxl} found.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { cjxlPeer } from "./cjxl.ts";
 * strictEqual(cjxlPeer(9, "cjxl v0.7.0").name, "cjxl-e9");
 * ```
 */
export function cjxlPeer(effort: number, version: string): BenchCodec {
  return {
    name: `cjxl-e${effort}`,
    kind: "peer",
    level: `e${effort}`,
    workers: 1,
    about: `JPEG XL lossless, effort ${effort}: ${version} and djxl, ` +
      `-d 0 -e ${effort} --num_threads=0, times as the tools report them`,
    encode: (image: GrayImage) =>
      inTempDir(async (dir) => {
        await Deno.writeFile(join(dir, "in.png"), encodePng(image));
        const output = await runTool("cjxl", [
          join(dir, "in.png"),
          join(dir, "out.jxl"),
          "-d",
          "0",
          "-e",
          String(effort),
          "--num_threads=0",
        ]);
        const bytes = await Deno.readFile(join(dir, "out.jxl"));
        return { bytes, seconds: reportedSeconds(output, image.width * image.height) };
      }),
    decode: (bytes, image) =>
      inTempDir(async (dir) => {
        await Deno.writeFile(join(dir, "in.jxl"), bytes);
        const output = await runTool("djxl", [
          join(dir, "in.jxl"),
          join(dir, "out.pgm"),
          "--num_threads=0",
        ]);
        const { width, height, data } = decodeImageFile(await Deno.readFile(join(dir, "out.pgm")));
        return {
          width,
          height,
          samples: data,
          seconds: reportedSeconds(output, image.width * image.height),
        };
      }),
  };
}

/**
 * File access for the command line: reads that name the file in their errors, writes that leave
 * no partial file behind, and the image listing of a folder.
 *
 * @module
 */
import { basename, dirname, join, relative, sep } from "node:path";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import { decodeImageFile, extensionOf, IMAGE_EXTENSIONS } from "../image/image_file.ts";
import { CliError, errorFor } from "./errors.ts";

function describeIoError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or folder";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "is a folder, not a file";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a whole file.
 *
 * @throws {CliError} naming the file when it cannot be read.
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { readBytes } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/a.bin`;
 * Deno.writeFileSync(path, new Uint8Array([1, 2, 3]));
 * deepStrictEqual(await readBytes(path), new Uint8Array([1, 2, 3]));
 * await rejects(readBytes(`${path}.missing`), /a\.bin\.missing: no such file or folder/);
 * ```
 */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw new CliError(path, describeIoError(e));
  }
}

/**
 * Reads and decodes an image file (PNG or PGM/PNM).
 *
 * @throws {CliError} naming the file and the reason.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { readImage } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/dot.pgm`;
 * Deno.writeTextFileSync(path, "P2\n1 1\n255\n5\n");
 * strictEqual((await readImage(path)).data[0], 5);
 * ```
 */
export async function readImage(path: string): Promise<GrayImage> {
  const bytes = await readBytes(path);
  try {
    return decodeImageFile(bytes);
  } catch (e) {
    throw errorFor(path, e);
  }
}

/**
 * Throws unless `path` is free to write (or `force` allows replacing it).
 *
 * @throws {CliError} when the file exists and `force` is false.
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { checkWritable } from "./files.ts";
 * const dir = Deno.makeTempDirSync();
 * await checkWritable(`${dir}/new-file.bpc`, false); // free: no error
 * Deno.writeFileSync(`${dir}/old.bpc`, new Uint8Array());
 * await checkWritable(`${dir}/old.bpc`, true); // may be replaced
 * await rejects(checkWritable(`${dir}/old.bpc`, false), /already exists/);
 * ```
 */
export async function checkWritable(path: string, force: boolean): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw new CliError(path, describeIoError(e));
  }
  if (info.isDirectory) throw new CliError(path, "is a folder, not a file");
  if (!force) throw new CliError(path, "already exists (use --force to replace it)");
}

/**
 * Writes a file atomically: the bytes go to a temporary file beside it, renamed over `path` only
 * when complete, so a failure never leaves a partial file. Missing parent folders are created.
 *
 * @throws {CliError} when the file exists and `force` is false, or cannot be written.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { writeAtomic } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/out/example.bin`; // out/ is created
 * await writeAtomic(path, new Uint8Array([1, 2, 3]), false);
 * deepStrictEqual(Deno.readFileSync(path), new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeAtomic(path: string, bytes: Uint8Array, force: boolean): Promise<void> {
  await checkWritable(path, force);
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, path);
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw new CliError(path, describeIoError(e));
  }
}

/** Compares UTF-8 byte strings, as the classic release sorts paths. */
function compareUtf8(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/**
 * Lists the image files under a folder, recursively: files whose extension (any case) is png,
 * pgm, pnm, ppm or pbm, as `/`-separated paths relative to the folder, sorted by their UTF-8
 * bytes. Symbolic links to files are followed; links to folders are not.
 *
 * @throws {CliError} when the folder cannot be read.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { listImages } from "./files.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/scans`);
 * for (const name of ["b.png", "notes.txt", "scans/A.PGM"]) {
 *   Deno.writeTextFileSync(`${dir}/${name}`, "");
 * }
 * deepStrictEqual(await listImages(dir), ["b.png", "scans/A.PGM"]);
 * ```
 */
export async function listImages(folder: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const isFile = entry.isFile ||
        (entry.isSymlink && (await Deno.stat(path).catch(() => null))?.isFile);
      if (entry.isDirectory) await visit(path);
      else if (isFile && IMAGE_EXTENSIONS.includes(extensionOf(entry.name))) {
        found.push(relative(folder, path).split(sep).join("/"));
      }
    }
  };
  try {
    const info = await Deno.stat(folder);
    if (!info.isDirectory) throw new FormatError("is not a folder");
    await visit(folder);
  } catch (e) {
    throw e instanceof FormatError ? errorFor(folder, e) : new CliError(folder, describeIoError(e));
  }
  const encoder = new TextEncoder();
  return found.map((path) => ({ path, bytes: encoder.encode(path) }))
    .sort((a, b) => compareUtf8(a.bytes, b.bytes)).map(({ path }) => path);
}

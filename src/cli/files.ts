/**
 * File access for the command line: reads that name the file in their errors, writes that leave
 * no partial file behind, and the image listing of a folder.
 *
 * @module
 */
import { basename, dirname, join, relative, sep } from "node:path";
import { compareEntryNames } from "../archive_name.ts";
import { FormatError } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import type { ImageLimits } from "../image/limits.ts";
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
 * import { readBytes } from "./files.ts";
 * const bytes = await readBytes("deno.json");
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
 * Reads and decodes an image file (PNG or PGM/PNM), refusing images over the pixel limit.
 *
 * @throws {CliError} naming the file and the reason.
 * @example
 * ```ts
 * import { readImage } from "./files.ts";
 * const image = await readImage("samples/test/eso_dss_test2.pgm");
 * ```
 */
export async function readImage(path: string, limits: ImageLimits = {}): Promise<GrayImage> {
  const bytes = await readBytes(path);
  try {
    return decodeImageFile(bytes, limits);
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
 * import { checkWritable } from "./files.ts";
 * await checkWritable("out/new-file.bpc", false);
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
 * import { writeAtomic } from "./files.ts";
 * await writeAtomic("/tmp/example.bin", new Uint8Array([1, 2, 3]), true);
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

/**
 * Lists the image files under a folder, recursively: files whose extension (any case) is png,
 * pgm, pnm, ppm or pbm, as `/`-separated paths relative to the folder, sorted by their UTF-8
 * bytes. Symbolic links to files are followed; links to folders are not.
 *
 * @throws {CliError} when the folder cannot be read.
 * @example
 * ```ts
 * import { listImages } from "./files.ts";
 * console.log(await listImages("samples/train"));
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
  return found.sort(compareEntryNames);
}

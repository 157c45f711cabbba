/**
 * File access for the command line: reads that name the file in their errors (`-` reads stdin),
 * writes that leave no partial file behind (and `-` for stdout where a command allows it), and
 * the image listing of a folder.
 *
 * @module
 */
import { basename, dirname, join, relative, sep } from "node:path";
import { compareEntryNames } from "../archive_name.ts";
import type { ByteSource } from "../bytes.ts";
import { FormatError, quotedFileText } from "../errors.ts";
import type { GrayImage } from "../image/gray_image.ts";
import type { ImageLimits } from "../image/limits.ts";
import {
  decodeImageFile,
  extensionOf,
  IMAGE_EXTENSIONS,
  loadCodecsFor,
} from "../image/image_file.ts";
import { CliError, errorFor } from "./errors.ts";

/** The file argument that means stdin (an input) or stdout (an output). */
export const STDIO = "-";

/**
 * A name or note read from a file (an archive's entry name, a kept file's note) as a listing
 * shows it: as it is, or, when it holds a character a terminal would act on (a newline, an
 * escape sequence), quoted with such characters escaped (`quotedFileText`, whole).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { shownText } from "./files.ts";
 * strictEqual(shownText("scans/página 1.png"), "scans/página 1.png");
 * strictEqual(shownText('the "best" scan.png'), 'the "best" scan.png');
 * strictEqual(shownText("a\nb\u001b[2J.png"), '"a\\nb\\u001b[2J.png"');
 * ```
 */
export function shownText(text: string): string {
  const quoted = quotedFileText(text, { max: Infinity, unicode: true });
  // Quoting escapes quotes and backslashes too: the text needs it only for what else it escaped.
  return quoted.slice(1, -1) === text.replace(/["\\]/g, "\\$&") ? text : quoted;
}

/**
 * How messages name an input: `<stdin>` for {@link STDIO}, else the path.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { inputName } from "./files.ts";
 * strictEqual(inputName("-"), "<stdin>");
 * strictEqual(inputName("page.png"), "page.png");
 * ```
 */
export function inputName(path: string): string {
  return path === STDIO ? "<stdin>" : path;
}

/**
 * How messages name an output: `<stdout>` for {@link STDIO}, else the path.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { outputName } from "./files.ts";
 * strictEqual(outputName("-"), "<stdout>");
 * ```
 */
export function outputName(path: string): string {
  return path === STDIO ? "<stdout>" : path;
}

/**
 * A file-system failure in plain words ("no such file or folder", "permission denied", …).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describeIoError } from "./files.ts";
 * strictEqual(describeIoError(new Deno.errors.NotFound("open 'x'")), "no such file or folder");
 * ```
 */
export function describeIoError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or folder";
  if (error instanceof Deno.errors.BrokenPipe) return "closed before all the data was written";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "is a folder, not a file";
  return error instanceof Error ? error.message : String(error);
}

/** Reads stdin to its end (refusing a terminal: binary data is not typed). */
async function readStdin(): Promise<Uint8Array> {
  const name = inputName(STDIO);
  if (Deno.stdin.isTerminal()) {
    throw new CliError(name, "is a terminal; pipe or redirect the input into it");
  }
  try {
    return await new Response(Deno.stdin.readable).bytes();
  } catch (e) {
    throw new CliError(name, describeIoError(e));
  }
}

/**
 * Reads a whole file, or all of stdin for {@link STDIO}.
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
  if (path === STDIO) return await readStdin();
  try {
    return await readWholeFile(path);
  } catch (e) {
    throw new CliError(path, describeIoError(e));
  }
}

/**
 * A file read by the places of its bytes ({@link ByteSource}), so that it need not be in memory:
 * an archive being unpacked, say. Reads are synchronous (the readers that use a source are);
 * a file that ends before the length it had when opened is refused as truncated.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { FileBytes } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/a.bin`;
 * Deno.writeFileSync(path, new Uint8Array([1, 2, 3, 4]));
 * const file = (await FileBytes.open(path))!;
 * deepStrictEqual(file.read(1, 2), new Uint8Array([2, 3]));
 * file.close();
 * ```
 */
export class FileBytes implements ByteSource {
  readonly #file: Deno.FsFile;
  readonly #path: string;
  /** Bytes of the file when it was opened. */
  readonly length: number;

  private constructor(file: Deno.FsFile, path: string, length: number) {
    this.#file = file;
    this.#path = path;
    this.length = length;
  }

  /**
   * Opens `path` for reading; `undefined` when it is not a regular file (a pipe, `/dev/stdin`,
   * a process substitution: read it whole, with {@link readBytes}).
   *
   * @throws {CliError} when the file cannot be opened.
   */
  static async open(path: string): Promise<FileBytes | undefined> {
    let file: Deno.FsFile | undefined;
    try {
      // Looked at before it is opened: opening a FIFO and closing it would lose its writer.
      if (!(await Deno.stat(path)).isFile) return undefined;
      file = await Deno.open(path);
      return new FileBytes(file, path, (await file.stat()).size);
    } catch (e) {
      file?.close();
      throw new CliError(path, describeIoError(e));
    }
  }

  /** The `length` bytes from byte `at`, in a fresh array. */
  read(at: number, length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    try {
      this.#file.seekSync(at, Deno.SeekMode.Start);
      for (let done = 0; done < length;) {
        const n = this.#file.readSync(bytes.subarray(done));
        if (n === null) {
          throw new FormatError(
            `truncated: the file ends at byte ${at + done}, not ${this.length}`,
          );
        }
        done += n;
      }
    } catch (e) {
      if (e instanceof FormatError) throw e;
      throw new CliError(this.#path, describeIoError(e));
    }
    return bytes;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

/**
 * An input to read by places where it can be: a regular file as a {@link FileBytes} (close it),
 * stdin for {@link STDIO} or a pipe read whole.
 *
 * @throws {CliError} naming the file when it cannot be opened or read.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { FileBytes, readSource } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/a.bin`;
 * Deno.writeFileSync(path, new Uint8Array([1, 2, 3]));
 * const source = await readSource(path);
 * strictEqual(source instanceof FileBytes && source.read(2, 1)[0], 3);
 * if (source instanceof FileBytes) source.close();
 * ```
 */
export async function readSource(path: string): Promise<Uint8Array | FileBytes> {
  return (path === STDIO ? undefined : await FileBytes.open(path)) ?? await readBytes(path);
}

/**
 * A file's bytes, read into one buffer of its size (`Deno.readFile` holds twice a large file's
 * size for a while); a file that grows while it is read is read again whole; a pipe (a FIFO,
 * `/dev/stdin`, a process substitution) is read to its end once, as it comes.
 */
async function readWholeFile(path: string): Promise<Uint8Array> {
  const file = await Deno.open(path);
  const stat = await file.stat().catch((e) => {
    file.close();
    throw e;
  });
  // Its readable stream closes the file at its end.
  if (!stat.isFile) return await new Response(file.readable).bytes();
  try {
    const bytes = new Uint8Array(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const n = await file.read(bytes.subarray(at));
      if (n === null) return bytes.subarray(0, at);
      at += n;
    }
    if (await file.read(new Uint8Array(1)) === null) return bytes;
  } finally {
    file.close();
  }
  return await Deno.readFile(path);
}

/**
 * Reads and decodes an image file (PNG, PGM/PNM, TIFF, DICOM or FITS), or one from stdin for {@link STDIO},
 * refusing images over the pixel limit.
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
export async function readImage(path: string, limits: ImageLimits = {}): Promise<GrayImage> {
  const bytes = await readBytes(path);
  try {
    await loadCodecsFor(bytes);
    return decodeImageFile(bytes, limits);
  } catch (e) {
    throw errorFor(inputName(path), e);
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
 * when complete, so a failure never leaves a partial file. Missing parent folders are created;
 * {@link STDIO} writes stdout (which must not be a terminal).
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
  const output = await openOutput(path, force);
  try {
    await output.write(bytes);
    await output.commit();
  } catch (e) {
    await output.abandon();
    throw e;
  }
}

/**
 * An output file being written piece by piece: into a temporary file beside it, renamed over the
 * target only by {@link OutputFile.commit}; {@link STDIO} writes stdout as it goes.
 *
 * @example
 * ```ts
 * import type { OutputFile } from "./files.ts";
 * async function writeAll(output: OutputFile, pieces: Uint8Array[]): Promise<void> {
 *   for (const piece of pieces) await output.write(piece);
 *   await output.commit();
 * }
 * ```
 */
export interface OutputFile {
  /** Appends bytes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes bytes at `offset` (files only: stdout cannot seek), extending the file if needed. */
  writeAt?(offset: number, bytes: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly written: number;
  /** Completes the file: it appears under its name. */
  commit(): Promise<void>;
  /** Gives up: the temporary file is removed, the target untouched. */
  abandon(): Promise<void>;
}

/**
 * Opens an output for writing piece by piece (see {@link OutputFile}); missing parent folders
 * are created.
 *
 * @throws {CliError} when the file exists and `force` is false, or cannot be written.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openOutput } from "./files.ts";
 * const path = `${Deno.makeTempDirSync()}/out.bin`;
 * const output = await openOutput(path, false);
 * await output.write(new Uint8Array([1, 2]));
 * await output.write(new Uint8Array([3]));
 * await output.commit();
 * deepStrictEqual(Deno.readFileSync(path), new Uint8Array([1, 2, 3]));
 * ```
 */
export async function openOutput(path: string, force: boolean): Promise<OutputFile> {
  await checkOutput(path, force);
  let written = 0;
  const failed = (e: unknown) => new CliError(outputName(path), describeIoError(e));
  if (path === STDIO) {
    return {
      async write(bytes) {
        try {
          for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
        } catch (e) {
          throw failed(e);
        }
        written += bytes.length;
      },
      get written() {
        return written;
      },
      commit: () => Promise.resolve(),
      abandon: () => Promise.resolve(),
    };
  }
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    file = await Deno.open(temp, { write: true, createNew: true });
  } catch (e) {
    throw failed(e);
  }
  return {
    async write(bytes) {
      try {
        for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      } catch (e) {
        throw failed(e);
      }
      written += bytes.length;
    },
    async writeAt(offset, bytes) {
      try {
        await file.seek(offset, Deno.SeekMode.Start);
        for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      } catch (e) {
        throw failed(e);
      }
      written = Math.max(written, offset + bytes.length);
    },
    get written() {
      return written;
    },
    async commit() {
      try {
        file.close();
        await Deno.rename(temp, path);
      } catch (e) {
        await Deno.remove(temp).catch(() => {});
        throw failed(e);
      }
    },
    async abandon() {
      try {
        file.close();
      } catch {
        // closed already
      }
      await Deno.remove(temp).catch(() => {});
    },
  };
}

/**
 * Like {@link checkWritable}, but {@link STDIO} means stdout, which must not be a terminal (binary
 * data would garble it).
 *
 * @throws {CliError} as {@link checkWritable} does, or when stdout is a terminal.
 * @example
 * ```ts
 * import { checkOutput } from "./files.ts";
 * await checkOutput("out/new-file.bpc", false);
 * ```
 */
export async function checkOutput(path: string, force: boolean): Promise<void> {
  if (path !== STDIO) return await checkWritable(path, force);
  if (Deno.stdout.isTerminal()) {
    throw new CliError(
      outputName(path),
      "is a terminal; not writing binary data to it (use -o FILE or redirect stdout)",
    );
  }
}

/**
 * Lists the image files under a folder, recursively: files whose extension (any case) is one
 * bpcodec reads (png, pgm, pnm, ppm, pbm, tif, tiff, dcm, dicom, fits, fit, fts), as
 * `/`-separated paths relative to the folder, sorted by their UTF-8 bytes. Symbolic links to
 * files are followed; links to folders are not.
 *
 * @throws {CliError} when the folder cannot be read.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { listImages } from "./files.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/scans`);
 * for (const name of ["b.png", "notes.txt", "scans/A.PGM", "scans/ct.dcm"]) {
 *   Deno.writeTextFileSync(`${dir}/${name}`, "");
 * }
 * deepStrictEqual(await listImages(dir), ["b.png", "scans/A.PGM", "scans/ct.dcm"]);
 * ```
 */
export function listImages(folder: string): Promise<string[]> {
  return listFolder(folder, (name) => IMAGE_EXTENSIONS.includes(extensionOf(name)));
}

/**
 * Lists every file under a folder, recursively, as {@link listImages} lists images.
 *
 * @throws {CliError} when the folder cannot be read.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { listFiles } from "./files.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/scans`);
 * for (const name of ["b.png", "notes.txt", "scans/A.PGM"]) {
 *   Deno.writeTextFileSync(`${dir}/${name}`, "");
 * }
 * deepStrictEqual(await listFiles(dir), ["b.png", "notes.txt", "scans/A.PGM"]);
 * ```
 */
export function listFiles(folder: string): Promise<string[]> {
  return listFolder(folder, () => true);
}

/** The files under a folder whose names `wanted` accepts, sorted as archives store them. */
async function listFolder(folder: string, wanted: (name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const isFile = entry.isFile ||
        (entry.isSymlink && (await Deno.stat(path).catch(() => null))?.isFile);
      if (entry.isDirectory) await visit(path);
      else if (isFile && wanted(entry.name)) {
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

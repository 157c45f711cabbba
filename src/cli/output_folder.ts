/**
 * Writing many files into a folder safely, for `unpack` and `extract`: every target path is
 * checked before anything is written (no path component may be a symbolic link or a file, no two
 * names may name the same file on this file system, names must fit the platform's limits), the
 * files are written into a staging folder inside the output folder, and they are moved into
 * place only when all of them are complete. On any failure, everything this write created is
 * removed: the output folder is left as it was.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { CliError } from "./errors.ts";
import { quotedName } from "../errors.ts";

/** Longest file or folder name (bytes of UTF-8; Windows: UTF-16 units) on common systems. */
const NAME_MAX = 255;
/** Longest whole path, by platform (Linux PATH_MAX 4096 and macOS 1024, with the final NUL). */
const PATH_MAX: Record<string, number> = { linux: 4095, darwin: 1023, windows: 32767 };
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
// deno-lint-ignore no-control-regex
const WINDOWS_FORBIDDEN = /[<>:"|?*\x00-\x1f]/;

const encoder = new TextEncoder();

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Why a `/`-separated relative name cannot be a file name on this platform, if it cannot. */
function platformReason(name: string, folder: string): string | undefined {
  const os = Deno.build.os;
  for (const part of name.split("/")) {
    const length = os === "windows" ? part.length : encoder.encode(part).length;
    if (length > NAME_MAX) return `a path component is longer than ${NAME_MAX} bytes`;
    if (os === "windows") {
      if (WINDOWS_RESERVED.test(part)) return `"${part}" is a reserved name on Windows`;
      if (WINDOWS_FORBIDDEN.test(part)) return "it has a character Windows forbids in names";
      if (/[ .]$/.test(part)) return "a path component ends with a space or a dot";
    }
  }
  const full = join(folder, name);
  const length = os === "windows" ? full.length : encoder.encode(full).length;
  const max = PATH_MAX[os] ?? PATH_MAX.linux;
  if (length > max) return `the path would be longer than ${max} bytes`;
  return undefined;
}

/**
 * Whether the file system holding `folder` ignores the case of names: `probe` (a name of
 * lowercase letters that exists in it) is looked up in upper case.
 */
async function ignoresCase(folder: string, probe: string): Promise<boolean> {
  return (await lstatOrNull(join(folder, probe.toUpperCase()))) !== null;
}

/** What a name folds to on a file system that ignores case and Unicode normalization. */
function foldName(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/**
 * Files to write into a folder, all at once or not at all.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { OutputFolder } from "./output_folder.ts";
 * const dir = Deno.makeTempDirSync();
 * const folder = await OutputFolder.open(`${dir}/out`, ["a/b.txt"], { force: false });
 * try {
 *   await folder.stage(0, new TextEncoder().encode("hi"));
 *   await folder.commit();
 * } catch (e) {
 *   await folder.abandon();
 *   throw e;
 * }
 * strictEqual(Deno.readTextFileSync(`${dir}/out/a/b.txt`), "hi");
 * ```
 */
export class OutputFolder {
  readonly #folder: string;
  readonly #names: readonly string[];
  readonly #force: boolean;
  readonly #staging: string;
  /** Folders this write created (the output folder too), in creation order. */
  readonly #createdFolders: string[] = [];
  /** Files moved into place that did not exist before. */
  readonly #createdFiles: string[] = [];
  #staged = 0;

  private constructor(folder: string, names: readonly string[], force: boolean, staging: string) {
    this.#folder = folder;
    this.#names = names;
    this.#force = force;
    this.#staging = staging;
  }

  /**
   * Checks that every name can be written under `folder` (created if missing), then creates
   * the staging folder. `names` are safe relative names (see `checkEntryNames`). Whether the
   * file system ignores case is found out by looking up the staging folder's name in upper
   * case, unless `ignoresCase` says.
   *
   * @throws {CliError} naming the folder, or the first name that cannot be written.
   */
  static async open(
    folder: string,
    names: readonly string[],
    options: { force: boolean; ignoresCase?: boolean },
  ): Promise<OutputFolder> {
    const info = await lstatOrNull(folder);
    if (info && !info.isDirectory && !(info.isSymlink && (await Deno.stat(folder)).isDirectory)) {
      throw new CliError(folder, "is not a folder");
    }
    const absolute = resolve(folder);
    for (const name of names) {
      const why = platformReason(name, absolute);
      if (why) throw new CliError(join(folder, name), `cannot be written here: ${why}`);
    }
    const staging = `.bpcodec-staging-${crypto.randomUUID()}`;
    const output = new OutputFolder(folder, names, options.force, join(folder, staging));
    try {
      if (!info) await output.#createFolder(folder);
      await Deno.mkdir(output.#staging);
      await output.#checkTargets(options.ignoresCase ?? await ignoresCase(folder, staging));
    } catch (e) {
      await output.abandon();
      throw e instanceof CliError ? e : new CliError(folder, (e as Error).message);
    }
    return output;
  }

  /** Creates `path` and its missing parents, each recorded so that {@link abandon} removes it. */
  async #createFolder(path: string): Promise<void> {
    const missing: string[] = [];
    for (let at = resolve(path); !(await lstatOrNull(at)); at = dirname(at)) missing.unshift(at);
    for (const folder of missing) {
      try {
        await Deno.mkdir(folder);
      } catch (e) {
        throw new CliError(path, `cannot create the folder (${(e as Error).message})`);
      }
      this.#createdFolders.push(folder);
    }
  }

  /** Checks every target: no clash on this file system, no link or file on the way. */
  async #checkTargets(caseless: boolean): Promise<void> {
    // The names are distinct and no file is another's folder (checked with the archive): on a
    // file system that ignores case (and, on macOS, Unicode normalization), folded names may
    // still clash.
    const fold = caseless || Deno.build.os === "darwin" ? foldName : undefined;
    const files = new Map<string, string>();
    const folders = new Map<string, string>();
    for (const name of this.#names) {
      if (fold) {
        const key = fold(name);
        const clash = files.get(key) ?? folders.get(key);
        if (clash !== undefined) {
          throw new CliError(
            join(this.#folder, name),
            `clashes with ${quotedName(clash)} on this file system (names differ only in case)`,
          );
        }
        for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) {
          const file = files.get(key.slice(0, i));
          if (file !== undefined) {
            throw new CliError(
              join(this.#folder, name),
              `clashes with ${quotedName(file)} on this file system (names differ only in case)`,
            );
          }
          folders.set(key.slice(0, i), name);
        }
        files.set(key, name);
      }
      await this.#checkTarget(name);
    }
  }

  /** Checks the components of one target: existing ones must be real folders, then the file. */
  async #checkTarget(name: string): Promise<void> {
    const parts = name.split("/");
    let path = this.#folder;
    for (let i = 0; i < parts.length; i++) {
      path = join(path, parts[i]);
      const info = await lstatOrNull(path);
      if (!info) return;
      const last = i === parts.length - 1;
      if (info.isSymlink) {
        throw new CliError(path, "is a symbolic link: nothing is written through links");
      }
      if (!last && !info.isDirectory) throw new CliError(path, "is a file, not a folder");
      if (last && info.isDirectory) throw new CliError(path, "is a folder, not a file");
      if (last && !this.#force) {
        throw new CliError(path, "already exists (use --force to replace it)");
      }
    }
  }

  /** Writes the file of name `index` into the staging folder. */
  async stage(index: number, bytes: Uint8Array): Promise<void> {
    const path = join(this.#staging, String(index));
    try {
      await Deno.writeFile(path, bytes);
    } catch (e) {
      throw new CliError(join(this.#folder, this.#names[index]), (e as Error).message);
    }
    this.#staged++;
  }

  /** Moves every staged file into place (all names must have been staged). */
  async commit(): Promise<void> {
    if (this.#staged !== this.#names.length) {
      throw new Error(`${this.#staged} of ${this.#names.length} files were staged`);
    }
    for (const [index, name] of this.#names.entries()) {
      const target = join(this.#folder, name);
      await this.#makeParents(name);
      // Checked again just before the move: a link made since the check is not followed.
      await this.#checkTarget(name);
      const existed = (await lstatOrNull(target)) !== null;
      try {
        await Deno.rename(join(this.#staging, String(index)), target);
      } catch (e) {
        throw new CliError(target, (e as Error).message);
      }
      if (!existed) this.#createdFiles.push(target);
    }
    await Deno.remove(this.#staging, { recursive: true });
  }

  /** Creates the missing folders of `name`, one component at a time, never through a link. */
  async #makeParents(name: string): Promise<void> {
    const parts = name.split("/").slice(0, -1);
    let path = this.#folder;
    for (const part of parts) {
      path = join(path, part);
      const info = await lstatOrNull(path);
      if (info?.isDirectory) continue;
      if (info) throw new CliError(path, info.isSymlink ? "is a symbolic link" : "is a file");
      try {
        await Deno.mkdir(path);
      } catch (e) {
        throw new CliError(path, `cannot create the folder (${(e as Error).message})`);
      }
      this.#createdFolders.push(path);
    }
  }

  /** Removes everything this write created: the staging folder, new files and new folders. */
  async abandon(): Promise<void> {
    await Deno.remove(this.#staging, { recursive: true }).catch(() => {});
    for (const file of this.#createdFiles.reverse()) await Deno.remove(file).catch(() => {});
    for (const folder of this.#createdFolders.reverse()) {
      await Deno.remove(folder).catch(() => {}); // only when empty
    }
    this.#createdFiles.length = 0;
    this.#createdFolders.length = 0;
  }
}

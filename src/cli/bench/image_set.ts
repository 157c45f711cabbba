/**
 * The images a bench run measures: every image under one or more folders, named by its path
 * from the folders' common parent, grouped by domain when those paths start with different
 * folders (`astronomy/test/…`, `document/test/…`), and a short title for the set.
 *
 * @module
 */
import { join, resolve, sep } from "node:path";
import { compareEntryNames } from "../../archive_name.ts";
import { CliError } from "../errors.ts";
import { listImages } from "../files.ts";

/**
 * One image of the set.
 *
 * @example
 * ```ts
 * import type { BenchImage } from "./image_set.ts";
 * const image: BenchImage = { name: "astronomy/test/m51.pgm", path: "/c/astronomy/test/m51.pgm" };
 * ```
 */
export interface BenchImage {
  /** The path from the folders' common parent, with `/`. */
  name: string;
  /** Where the file is. */
  path: string;
  /** The first folder of the name, when the set has more than one such folder. */
  domain?: string;
}

/**
 * The images, and the set's title (e.g. `corpus/*\/test`).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { ImageSet } from "./image_set.ts";
 * const set: ImageSet = { title: "scans", images: [] };
 * strictEqual(set.images.length, 0);
 * ```
 */
export interface ImageSet {
  title: string;
  images: BenchImage[];
}

/** The path's components (absolute, so that folders given differently compare equal). */
function componentsOf(path: string): string[] {
  return resolve(path).split(sep).filter((c) => c !== "");
}

/** How many leading items all the lists share. */
function sharedPrefixLength(lists: string[][]): number {
  let n = 0;
  while (lists.every((l) => n < l.length && l[n] === lists[0][n])) n++;
  return n;
}

/**
 * A short title for the folders: the last two components of one folder
 * (`corpus/medical/test` gives `medical/test`); for several folders that differ in one
 * component, that component as `*` after the last shared one (`corpus/*\/test`); else the
 * shared parent and the number of folders.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { titleOf } from "./image_set.ts";
 * strictEqual(titleOf(["/data/corpus/a/test", "/data/corpus/b/test"]), "corpus/*\/test");
 * strictEqual(titleOf(["/data/corpus/a/test"]), "a/test");
 * strictEqual(titleOf(["/data/x", "/data/y/z"]), "data (2 folders)");
 * ```
 */
export function titleOf(folders: readonly string[]): string {
  const lists = folders.map(componentsOf);
  if (lists.length === 1) return lists[0].slice(-2).join("/") || "/";
  const head = sharedPrefixLength(lists);
  const tails = lists.map((l) => l.slice(head + 1));
  const sameTail = lists.every((l) => l.length === lists[0].length) &&
    tails.every((t) => t.join("/") === tails[0].join("/"));
  const parent = lists[0][head - 1] ?? "";
  return sameTail
    ? [parent, "*", ...tails[0]].filter((c) => c !== "").join("/")
    : `${parent || "/"} (${folders.length} folders)`;
}

/**
 * Lists the images under the folders (recursively, in order of their names).
 *
 * @throws {CliError} when a folder cannot be read, none holds an image, or one image is found
 *   twice.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { listImageSet } from "./image_set.ts";
 * const root = Deno.makeTempDirSync();
 * for (const d of ["a", "b"]) {
 *   Deno.mkdirSync(`${root}/${d}/test`, { recursive: true });
 *   Deno.writeTextFileSync(`${root}/${d}/test/x.pgm`, "P2 1 1 255 0");
 * }
 * const set = await listImageSet([`${root}/b/test`, `${root}/a/test`]);
 * deepStrictEqual(set.images.map((i) => [i.name, i.domain]), [
 *   ["a/test/x.pgm", "a"],
 *   ["b/test/x.pgm", "b"],
 * ]);
 * ```
 */
export async function listImageSet(folders: readonly string[]): Promise<ImageSet> {
  const lists = folders.map(componentsOf);
  const head = folders.length === 1 ? lists[0].length : sharedPrefixLength(lists);
  const images: BenchImage[] = [];
  for (const [i, folder] of folders.entries()) {
    const prefix = lists[i].slice(head);
    for (const name of await listImages(folder)) {
      images.push({ name: [...prefix, name].join("/"), path: join(folder, name) });
    }
  }
  if (images.length === 0) {
    throw new CliError(folders.join(", "), "no images found (.png, .pgm, .pnm, .ppm, .pbm)");
  }
  images.sort((a, b) => compareEntryNames(a.name, b.name));
  const twice = images.find((image, i) => i > 0 && images[i - 1].name === image.name);
  if (twice) throw new CliError(twice.path, "is in the image set twice (a folder given twice?)");
  const domainOf = (name: string) => name.includes("/") ? name.split("/")[0] : undefined;
  if (new Set(images.map((i) => domainOf(i.name))).size > 1) {
    for (const image of images) image.domain = domainOf(image.name) ?? ".";
  }
  return { title: titleOf(folders), images };
}

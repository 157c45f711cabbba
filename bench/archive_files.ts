/**
 * The file-keeping archive benchmark: folders of real files (by default `tests/formats/`, one
 * folder per format) packed with `packArchive` (every file kept byte for byte), against `tar |
 * zstd -19` and `tar | xz -9` of the same folder; every file rebuilt and its SHA-256 compared;
 * and the pixel cost of each file's pages against the same pixels coded as standalone images
 * (as PGMs would be; each distinct page once).
 *
 * Usage: `deno run -A bench/archive_files.ts [--level L] [FOLDER...]` (each FOLDER is measured on
 * its own; without any, each subfolder of `tests/formats/`). Needs `tar`, `zstd` and `xz`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describeFile, encodeImage, openArchive, packArchive } from "../mod.ts";
import { splitFile } from "../src/file_parts/file_parts.ts";
import { listFiles } from "../src/cli/files.ts";
import { pixelsKey } from "../src/image/pixels_key.ts";
import { sha256, toHex } from "../src/sha256.ts";
import type { LevelName } from "../src/v2/tile_coders.ts";

const { values: flags, positionals } = parseArgs({
  options: { level: { type: "string", default: "default" } },
  allowPositionals: true,
});
const level = flags.level as LevelName;
const root = fileURLToPath(new URL("../tests/formats/", import.meta.url));
const folders = positionals.length > 0
  ? positionals
  : [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => join(root, e.name))
    .sort();

/** Bytes of `tar -cf - -C folder . | compressor`. */
async function tarSize(folder: string, compressor: string): Promise<number> {
  const child = new Deno.Command("sh", {
    args: ["-c", `tar -cf - -C "$1" --sort=name . | ${compressor} | wc -c`, "sh", folder],
    stdout: "piped",
  });
  const { stdout, success } = await child.output();
  if (!success) throw new Error(`tar | ${compressor} failed`);
  return Number(new TextDecoder().decode(stdout).trim());
}

const rows: string[][] = [];
for (const folder of folders) {
  const names = await listFiles(folder);
  const files = await Promise.all(names.map(async (name) => ({
    name,
    file: await Deno.readFile(join(folder, name)),
  })));
  const raw = files.reduce((n, f) => n + f.file.length, 0);
  const started = performance.now();
  const archive = await packArchive(files, undefined, { level });
  const packSeconds = (performance.now() - started) / 1000;
  const opened = await openArchive(archive);
  let same = 0;
  for (const [i, entry] of opened.entries.entries()) {
    const wanted = toHex(await sha256(files[i].file));
    const got = entry.file ? toHex(await sha256(await opened.rebuild(i))) : "pixels only";
    if (got === wanted) same++;
    else console.error(`${folder}: ${entry.name}: not rebuilt byte for byte (${entry.note})`);
  }
  // Pixel cost: the pages' coded streams in the archive against the same pixels coded as
  // images of their own (the streams of .bpc files), each distinct page once (the archive
  // stores a page that recurs once, the others as repeats of it).
  const info = await describeFile(archive);
  const inArchive = (info.images ?? []).reduce((n, image) => n + image.streamBytes, 0);
  let standalone = 0;
  const seen = new Set<string>();
  for (const { file } of files) {
    for (const page of splitFile(file).pages) {
      const key = await pixelsKey(page);
      if (seen.has(key)) continue;
      seen.add(key);
      const coded = await describeFile(await encodeImage(page, undefined, { level }));
      standalone += coded.images![0].streamBytes;
    }
  }
  const partsBytes = (info.files ?? []).reduce((n, f) => n + f.partsBytes, 0);
  const [zstd, xz] = [await tarSize(folder, "zstd -19 -q -c"), await tarSize(folder, "xz -9 -c")];
  rows.push([
    folder.replace(root, ""),
    String(files.length),
    `${same}/${files.length}`,
    String(raw),
    String(archive.length),
    String(zstd),
    String(xz),
    (archive.length / zstd).toFixed(3),
    (archive.length / xz).toFixed(3),
    String(partsBytes),
    standalone > 0 ? (inArchive / standalone).toFixed(4) : "-",
    packSeconds.toFixed(1),
  ]);
}
const header = [
  "folder",
  "files",
  "identical",
  "bytes",
  "bpcodec",
  "tar|zstd -19",
  "tar|xz -9",
  "÷ zstd",
  "÷ xz",
  "other parts",
  "pixels ÷ standalone",
  "pack s",
];
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);

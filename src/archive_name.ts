/**
 * Rules for the names of archive entries: relative paths that cannot escape the folder they are
 * unpacked into.
 *
 * @module
 */
import type { ByteReader, ByteWriter } from "./bytes.ts";
import { FormatError, quotedName } from "./errors.ts";

/**
 * Checks an archive entry name: non-empty, `/`-separated, relative (no leading `/`, no drive
 * prefix such as `C:`), no NUL, no backslash, and no empty, `.` or `..` component.
 *
 * @throws {FormatError} naming the rule the name breaks.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkEntryName } from "./archive_name.ts";
 * checkEntryName("scans/page1.png"); // fine
 * throws(() => checkEntryName("../etc/passwd"), /unsafe entry name "..\/etc\/passwd": it contains ".."/);
 * ```
 */
export function checkEntryName(name: string): void {
  const why = unsafeReason(name);
  if (why) throw new FormatError(`unsafe entry name ${quotedName(name)}: ${why}`);
}

function unsafeReason(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.includes("\0")) return "it contains a NUL character";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "it starts with a drive prefix";
  const parts = name.split("/");
  if (parts.includes("..")) return 'it contains ".."';
  if (parts.includes(".")) return 'it has a "." component';
  if (parts.some((p) => p === "")) return "it has an empty path component";
  return undefined;
}

/**
 * Orders entry names as archives store them: by their UTF-8 bytes (the order in which `pack`
 * lists a folder).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { compareEntryNames } from "./archive_name.ts";
 * strictEqual(compareEntryNames("B.png", "a.png") < 0, true); // "B" (0x42) before "a" (0x61)
 * ```
 */
export function compareEntryNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Ranks UTF-16 code units so that comparing them orders strings by code point (= UTF-8). */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * Checks the names of an archive's entries together, before anything is decoded: each is safe
 * ({@link checkEntryName}), they are in strictly increasing UTF-8 byte order (so no name is
 * repeated and a reordered archive is caught), and no name is also the folder of another
 * (`a` and `a/b.png` cannot both be written).
 *
 * @throws {FormatError} naming the first name that breaks a rule.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkEntryNames } from "./archive_name.ts";
 * checkEntryNames(["a.png", "b/c.png"]); // fine
 * throws(() => checkEntryNames(["a.png", "a.png"]), /twice/);
 * throws(() => checkEntryNames(["a", "a/b.png"]), /both a file and a folder/);
 * ```
 */
export function checkEntryNames(names: readonly string[]): void {
  const files = new Set<string>();
  const folders = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    checkEntryName(name);
    if (i > 0) {
      const order = compareEntryNames(names[i - 1], name);
      if (order === 0) throw new FormatError(`entry name ${quotedName(name)} appears twice`);
      if (order > 0) {
        throw new FormatError(
          `entry ${quotedName(name)} is out of order (the archive is damaged or reordered)`,
        );
      }
    }
    files.add(name);
    for (let slash = name.indexOf("/"); slash !== -1; slash = name.indexOf("/", slash + 1)) {
      folders.add(name.slice(0, slash));
    }
  }
  for (const folder of folders) {
    if (files.has(folder)) {
      throw new FormatError(
        `entry name ${quotedName(folder)} is both a file and a folder of other entries`,
      );
    }
  }
}

/**
 * Writes an entry name as archives store it: u16 byte length, then UTF-8 bytes.
 *
 * @throws {FormatError} for an unsafe name or one longer than 65535 bytes.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { writeEntryName } from "./archive_name.ts";
 * import { ByteWriter } from "./bytes.ts";
 * const w = new ByteWriter();
 * writeEntryName(w, "a.png");
 * strictEqual(w.finish().length, 7);
 * ```
 */
export function writeEntryName(w: ByteWriter, name: string): void {
  checkEntryName(name);
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > 65535) throw new FormatError("entry name is longer than 65535 bytes");
  w.u16(bytes.length);
  w.bytes(bytes);
}

/**
 * Reads an entry name written by {@link writeEntryName} and checks it.
 *
 * @throws {FormatError} for truncated data, invalid UTF-8 or an unsafe name.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { readEntryName } from "./archive_name.ts";
 * import { ByteReader } from "./bytes.ts";
 * strictEqual(readEntryName(new ByteReader(new Uint8Array([1, 0, 97])), 0), "a");
 * ```
 */
export function readEntryName(r: ByteReader, index: number): string {
  const bytes = r.bytes(r.u16("name length"), "entry name");
  let name: string;
  try {
    name = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`entry ${index + 1} has a name that is not valid UTF-8`);
  }
  checkEntryName(name);
  return name;
}

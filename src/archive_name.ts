/**
 * Rules for the names of archive entries: relative paths that cannot escape the folder they are
 * unpacked into.
 *
 * @module
 */
import type { ByteReader, ByteWriter } from "./bytes.ts";
import { FormatError } from "./errors.ts";

/**
 * Checks an archive entry name: non-empty, `/`-separated, relative (no leading `/`, no drive
 * prefix such as `C:`), no NUL, no backslash, no `..` component, and no empty component.
 *
 * @throws {FormatError} naming the rule the name breaks.
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkEntryName } from "./archive_name.ts";
 * checkEntryName("scans/page1.png"); // fine
 * throws(
 *   () => checkEntryName("../etc/passwd"),
 *   /unsafe entry name "..\/etc\/passwd": it contains ".."/,
 * );
 * ```
 */
export function checkEntryName(name: string): void {
  const why = unsafeReason(name);
  if (why) throw new FormatError(`unsafe entry name ${JSON.stringify(name)}: ${why}`);
}

function unsafeReason(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.includes("\0")) return "it contains a NUL character";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "it starts with a drive prefix";
  const parts = name.split("/");
  if (parts.includes("..")) return 'it contains ".."';
  if (parts.some((p) => p === "")) return "it has an empty path component";
  return undefined;
}

/**
 * The name with `.` components removed: two entries with the same normalized name would be
 * written to the same file.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { normalizeEntryName } from "./archive_name.ts";
 * strictEqual(normalizeEntryName("./a/./b.png"), "a/b.png");
 * ```
 */
export function normalizeEntryName(name: string): string {
  return name.split("/").filter((p) => p !== ".").join("/");
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

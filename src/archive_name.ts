/**
 * Rules for the names of archive entries: relative paths that cannot escape the folder they are
 * unpacked into.
 *
 * @module
 */
import { FormatError } from "./errors.ts";

/**
 * Checks an archive entry name: non-empty, `/`-separated, relative (no leading `/`, no drive
 * prefix such as `C:`), no NUL, no backslash, no `..` component, and no empty component.
 *
 * @throws {FormatError} naming the rule the name breaks.
 * @example
 * ```ts
 * import { checkEntryName } from "./archive_name.ts";
 * checkEntryName("scans/page1.png"); // fine
 * try {
 *   checkEntryName("../etc/passwd");
 * } catch (e) {
 *   console.log((e as Error).message); // unsafe entry name "../etc/passwd": it contains ".."
 * }
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
 * import { normalizeEntryName } from "./archive_name.ts";
 * console.log(normalizeEntryName("./a/./b.png")); // "a/b.png"
 * ```
 */
export function normalizeEntryName(name: string): string {
  return name.split("/").filter((p) => p !== ".").join("/");
}

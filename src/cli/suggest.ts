/**
 * "Did you mean …?" for mistyped command and option names.
 *
 * @module
 */

/**
 * The edit distance of two words: how many single-character insertions, deletions, substitutions
 * or swaps of two adjacent characters turn one into the other (optimal string alignment).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { editDistance } from "./suggest.ts";
 * strictEqual(editDistance("outptu", "output"), 1); // one swap
 * strictEqual(editDistance("encode", "decode"), 2);
 * ```
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance of a's first i characters and b's first j characters.
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(
        rows[i - 1][j] + 1,
        rows[i][j - 1] + 1,
        rows[i - 1][j - 1] + substitution,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate closest to `word` by {@link editDistance}, when it is close: at most one edit for
 * words of up to five characters, at most two for longer ones. Ties go to the earlier candidate.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { closestName } from "./suggest.ts";
 * strictEqual(closestName("encdoe", ["train", "encode", "decode"]), "encode");
 * strictEqual(closestName("frobnicate", ["train", "encode", "decode"]), undefined);
 * ```
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 5 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * ` (did you mean PREFIX+X?)` for the candidate X closest to `word`, or "" when none is close.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { didYouMean } from "./suggest.ts";
 * strictEqual(didYouMean("outptu", ["input", "output"], "--"), " (did you mean --output?)");
 * strictEqual(didYouMean("nope", ["input", "output"], "--"), "");
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[], prefix = ""): string {
  const match = closestName(word, candidates);
  return match === undefined ? "" : ` (did you mean ${prefix}${match}?)`;
}

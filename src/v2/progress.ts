/**
 * How long-running training steps say how far they are.
 *
 * @module
 */

/**
 * Called as a training step advances: `done` of `total` units of the step `what` (e.g.
 * `counting direct slots`) are finished.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import type { TrainingProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const log: TrainingProgress = (done, total, what) => lines.push(`${what}: ${done}/${total}`);
 * log(1, 4, "choosing learning rates");
 * deepStrictEqual(lines, ["choosing learning rates: 1/4"]);
 * ```
 */
export type TrainingProgress = (done: number, total: number, what: string) => void;

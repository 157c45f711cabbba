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
 * import type { TrainingProgress } from "./progress.ts";
 * const log: TrainingProgress = (done, total, what) => console.log(`${what}: ${done}/${total}`);
 * log(1, 4, "choosing learning rates"); // choosing learning rates: 1/4
 * ```
 */
export type TrainingProgress = (done: number, total: number, what: string) => void;

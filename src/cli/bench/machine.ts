/**
 * The machine a bench runs on, for its report and chart: the processor's name (from
 * `/proc/cpuinfo` where there is one), the logical cores and the system.
 *
 * @module
 */

/**
 * The machine.
 *
 * @example
 * ```ts
 * import type { Machine } from "./machine.ts";
 * const machine: Machine = { cpu: "AMD EPYC", cores: 2, os: "linux x86_64" };
 * ```
 */
export interface Machine {
  cpu: string;
  cores: number;
  os: string;
}

/** The processor's name from `/proc/cpuinfo`, or undefined where it cannot be read. */
function cpuName(): string | undefined {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1].trim();
  } catch {
    return undefined;
  }
}

/**
 * Describes this machine.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { describeMachine } from "./machine.ts";
 * const machine = describeMachine();
 * ok(machine.cores >= 1);
 * ok(machine.os.includes(Deno.build.arch));
 * ```
 */
export function describeMachine(): Machine {
  const os = `${Deno.build.os} ${Deno.build.arch}`;
  return { cpu: cpuName() ?? Deno.build.arch, cores: navigator.hardwareConcurrency, os };
}

/**
 * One line: `AMD EPYC, 2 cores, linux x86_64`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { machineLine } from "./machine.ts";
 * strictEqual(machineLine({ cpu: "AMD EPYC", cores: 2, os: "linux x86_64" }), "AMD EPYC, 2 cores, linux x86_64");
 * ```
 */
export function machineLine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} core${machine.cores === 1 ? "" : "s"}, ${machine.os}`;
}

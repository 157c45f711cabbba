/**
 * Chooses where `train` counts its statistics: `--device auto|gpu|cpu`.
 *
 * @module
 */
import { GpuClassicCounter } from "../gpu/classic_counts.ts";
import { type GpuContext, requestGpu } from "../gpu/device.ts";
import type { ClassicContextCounter } from "../codec.ts";
import { CliError, errorFor, UsageError } from "./errors.ts";

/** The values of `--device`. */
export const DEVICE_MODES = ["auto", "gpu", "cpu"] as const;

/** Where training runs, as `train` reports it. */
export interface TrainingDevice {
  /** `gpu` or `cpu`. */
  kind: "gpu" | "cpu";
  /** The adapter's description (GPU only). */
  adapter?: string;
  /** Whether the adapter is a software (fallback) one. */
  software?: boolean;
  /** The classic counter to give the trainer (GPU only). */
  counter?: ClassicContextCounter;
  /** The GPU, for v2 direct-slot counts (`countDirectSlotsOnGpu`). */
  gpu?: GpuContext;
  /** Releases the device. */
  close(): void;
}

const CPU: TrainingDevice = { kind: "cpu", close() {} };

function onGpu(gpu: GpuContext): TrainingDevice {
  return {
    kind: "gpu",
    adapter: gpu.description,
    software: gpu.software,
    counter: new GpuClassicCounter(gpu),
    gpu,
    close: () => gpu.device.destroy(),
  };
}

/**
 * Opens the device `--device` asks for. `auto` takes a hardware GPU adapter when there is one,
 * and otherwise the CPU (a software adapter, such as llvmpipe, counts slower than the CPU);
 * `gpu` takes any adapter, software ones included, and fails when there is none. Classic
 * training counts its contexts there, v2 training its direct slots; the model bytes are those of
 * CPU training.
 *
 * @throws {UsageError} for an unknown mode.
 * @throws {CliError} for `gpu` when no adapter is found.
 */
export async function openTrainingDevice(mode: string): Promise<TrainingDevice> {
  if (!(DEVICE_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--device must be auto, gpu or cpu, not ${JSON.stringify(mode)}`);
  }
  if (mode === "cpu") return CPU;
  let gpu: GpuContext | null = null;
  try {
    gpu = await requestGpu();
  } catch (e) {
    if (mode === "gpu") throw errorFor("--device gpu", e);
  }
  if (gpu === null) {
    if (mode === "gpu") {
      throw new CliError(undefined, "no WebGPU adapter found: run with --device cpu");
    }
    return CPU;
  }
  if (mode === "auto" && gpu.software) {
    gpu.device.destroy();
    return CPU;
  }
  return onGpu(gpu);
}

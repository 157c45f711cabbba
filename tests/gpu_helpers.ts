/**
 * Opening the WebGPU adapter in tests: a machine without any adapter fails the GPU tests with
 * what to install, instead of skipping them.
 *
 * @module
 */
import { type GpuContext, requestGpu } from "../src/gpu/device.ts";

/** Opens the GPU, or throws saying that the GPU tests need an adapter. */
export async function requireGpu(): Promise<GpuContext> {
  const gpu = await requestGpu();
  if (gpu === null) {
    throw new Error(
      "no WebGPU adapter found: GPU tests need one (install Mesa's llvmpipe/lavapipe in CI)",
    );
  }
  return gpu;
}

/** Runs `test` with the GPU open, and closes it afterwards. */
export async function withGpu(test: (gpu: GpuContext) => Promise<void>): Promise<void> {
  const gpu = await requireGpu();
  try {
    await test(gpu);
  } finally {
    gpu.device.destroy();
  }
}

/**
 * Access to a WebGPU device: the one place that touches `navigator.gpu`, so that the coding core
 * never depends on a GPU being there.
 *
 * @module
 */
import { DeviceError } from "../errors.ts";

/**
 * A WebGPU device ready for compute work, with a description of the adapter behind it.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { requestGpu } from "./device.ts";
 * const gpu = await requestGpu();
 * if (gpu !== null) {
 *   ok(gpu.description !== ""); // e.g. "llvmpipe (LLVM 15.0.6, 256 bits), vendor 65541"
 *   gpu.device.destroy();
 * }
 * ```
 */
export interface GpuContext {
  /** The adapter the device comes from. */
  adapter: GPUAdapter;
  /** The device, created with the adapter's largest storage-buffer limits. */
  device: GPUDevice;
  /** Human-readable adapter name, e.g. `llvmpipe (LLVM 15.0.6, 256 bits), vendor 65541`. */
  description: string;
  /** Whether the adapter says it is a fallback (software) adapter. */
  software: boolean;
}

/**
 * Describes an adapter from its `info`: the description first, then vendor, architecture and
 * device where known; `unknown adapter` when the adapter says nothing about itself.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describeAdapterInfo } from "./device.ts";
 * const info = { vendor: "65541", architecture: "", device: "0", description: "llvmpipe" };
 * strictEqual(describeAdapterInfo(info), "llvmpipe, vendor 65541");
 * strictEqual(describeAdapterInfo({}), "unknown adapter");
 * ```
 */
export function describeAdapterInfo(
  info: Partial<Pick<GPUAdapterInfo, "vendor" | "architecture" | "device" | "description">>,
): string {
  const known = (value: string | undefined) => value !== undefined && value !== "" && value !== "0";
  const parts: string[] = [];
  if (known(info.description)) parts.push(info.description!);
  if (known(info.vendor)) parts.push(`vendor ${info.vendor}`);
  if (known(info.architecture)) parts.push(`architecture ${info.architecture}`);
  if (known(info.device)) parts.push(`device ${info.device}`);
  return parts.length === 0 ? "unknown adapter" : parts.join(", ");
}

/**
 * Opens the default WebGPU adapter and a device on it. Returns `null` when this runtime has no
 * WebGPU or no adapter (then train on the CPU).
 *
 * @throws {DeviceError} when an adapter exists but refuses to give a device.
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { requestGpu } from "./device.ts";
 * const gpu = await requestGpu(); // null without WebGPU: then train on the CPU
 * if (gpu !== null) {
 *   const { adapter, device } = gpu;
 *   strictEqual(device.limits.maxBufferSize, adapter.limits.maxBufferSize);
 *   device.destroy();
 * }
 * ```
 */
export async function requestGpu(): Promise<GpuContext | null> {
  if (!("gpu" in navigator) || navigator.gpu === undefined) return null;
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) return null;
  const { limits } = adapter;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
  } catch (error) {
    throw new DeviceError(`the WebGPU adapter gave no device (${error})`);
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = info.isFallbackAdapter === true ||
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { adapter, device, description: describeAdapterInfo(info), software };
}

/**
 * The peers the bench can measure bpcodec against, by name, and their loading: a peer that
 * cannot run here (a tool not installed, a module that does not load) is reported with the
 * reason, and the others run.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { BenchCodec } from "./bench_codec.ts";
import { cjxlPeer, findCjxl } from "./peers/cjxl.ts";
import { pngPeer } from "./peers/png.ts";

/**
 * The peers run when `--peers` is not given.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { DEFAULT_PEERS } from "./peers.ts";
 * ok(DEFAULT_PEERS.includes("jpegls"));
 * ```
 */
export const DEFAULT_PEERS: readonly string[] = [
  "png",
  "jpegls",
  "htj2k",
  "jxl-wasm-e7",
  "cjxl-e7",
  "cjxl-e9",
];

/**
 * What `--peers` accepts, for help and messages.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { PEER_NAMES_HELP } from "./peers.ts";
 * ok(PEER_NAMES_HELP.includes("cjxl-eN"));
 * ```
 */
export const PEER_NAMES_HELP =
  "png, jpegls, htj2k, jxl-wasm-eN, cjxl-eN (N: JPEG XL effort 1-9), or none";

/** A peer's name split into its kind and JPEG XL effort, or undefined for an unknown name. */
function parsePeerName(name: string): { kind: string; effort?: number } | undefined {
  if (["png", "jpegls", "htj2k"].includes(name)) return { kind: name };
  const jxl = /^(jxl-wasm|cjxl)-e([1-9])$/.exec(name);
  return jxl ? { kind: jxl[1], effort: Number(jxl[2]) } : undefined;
}

/**
 * Checks `--peers`: known names, or the one word `none`.
 *
 * @throws {UsageError} for an unknown name.
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { checkPeerNames } from "./peers.ts";
 * deepStrictEqual(checkPeerNames(["png", "cjxl-e9"]), ["png", "cjxl-e9"]);
 * deepStrictEqual(checkPeerNames(["none"]), []);
 * throws(() => checkPeerNames(["webp"]), /unknown peer webp/);
 * ```
 */
export function checkPeerNames(names: readonly string[]): string[] {
  if (names.length === 1 && names[0] === "none") return [];
  for (const name of names) {
    if (parsePeerName(name) === undefined) {
      throw new UsageError(`--peers: unknown peer ${name} (known: ${PEER_NAMES_HELP})`);
    }
  }
  return [...names];
}

/**
 * A peer that cannot run here, and why.
 *
 * @example
 * ```ts
 * import type { UnavailablePeer } from "./peers.ts";
 * const missing: UnavailablePeer = { name: "cjxl-e9", reason: "cjxl not found on the PATH" };
 * ```
 */
export interface UnavailablePeer {
  name: string;
  reason: string;
}

/** Why loading something failed, in one line. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/**
 * Makes a peer that runs in this process. The WebAssembly peers' modules are imported here, when
 * asked for, so that the other commands do not load them.
 */
async function inProcessPeer(kind: string, effort: number): Promise<BenchCodec> {
  switch (kind) {
    case "png":
      return pngPeer;
    case "jpegls":
      return await (await import("./peers/jpegls.ts")).jpeglsPeer();
    case "htj2k":
      return await (await import("./peers/htj2k.ts")).htj2kPeer();
    default: {
      const peer = (await import("./peers/jxl_wasm.ts")).jxlWasmPeer(effort);
      // Its module loads on first use: a one-pixel image tells whether it can.
      await peer.encode({ width: 1, height: 1, maxValue: 255, data: new Uint16Array(1) });
      return peer;
    }
  }
}

/**
 * Makes the peers named (checked by {@link checkPeerNames}), in that order; those that cannot run
 * here are returned apart, with the reason.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { loadPeers } from "./peers.ts";
 * const { peers } = await loadPeers(["png", "jpegls"]);
 * deepStrictEqual(peers.map((p) => p.name), ["png", "jpegls"]);
 * ```
 */
export async function loadPeers(
  names: readonly string[],
): Promise<{ peers: BenchCodec[]; unavailable: UnavailablePeer[] }> {
  const peers: BenchCodec[] = [];
  const unavailable: UnavailablePeer[] = [];
  let cjxl: Awaited<ReturnType<typeof findCjxl>> | undefined;
  for (const name of names) {
    const { kind, effort = 0 } = parsePeerName(name)!;
    try {
      if (kind === "cjxl") {
        cjxl ??= await findCjxl();
        if ("version" in cjxl) peers.push(cjxlPeer(effort, cjxl.version));
        else unavailable.push({ name, reason: cjxl.unavailable });
      } else {
        peers.push(await inProcessPeer(kind, effort));
      }
    } catch (e) {
      unavailable.push({ name, reason: `could not be loaded: ${reasonOf(e)}` });
    }
  }
  return { peers, unavailable };
}

/**
 * The raw DEFLATE decompressor bpcodec uses (streaming, synchronous), in one place so that
 * replacing it is a one-file change. The zlib wrapper around it (header, Adler-32) is bpcodec's
 * own: this library does not check the Adler-32.
 *
 * @module
 */
export { Inflate } from "npm:fflate@0.8.3";

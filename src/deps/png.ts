/**
 * The PNG library bpcodec uses, in one place so that replacing it is a one-file change.
 *
 * @module
 */
export { decode as decodePngFile, encode as encodePngFile } from "npm:fast-png@8.0.0";

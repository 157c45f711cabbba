/**
 * An independent PNG codec for the tests (fast-png, pinned): it writes PNGs other ways than
 * bpcodec's writer (colour, alpha, palettes) and reads bpcodec's PNGs as another reader would.
 *
 * @module
 */
export { decode as decodePngFile, encode as encodePngFile } from "npm:fast-png@8.0.0";

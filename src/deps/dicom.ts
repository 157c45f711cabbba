/**
 * The DICOM parser bpcodec uses, in one place so that replacing it is a one-file change.
 *
 * @module
 */
// The source runs from a URL, so the package is named in full here (no import map).
// deno-lint-ignore no-import-prefix
import dicomParser from "npm:dicom-parser@1.8.21";

/** Parses a DICOM Part 10 file's data set (element offsets; values are read on demand). */
export const parseDicom: typeof dicomParser.parseDicom = dicomParser.parseDicom;
/** Reads a DICOM Part 10 file's meta header (group 0002, which names the transfer syntax). */
export const readPart10Header: typeof dicomParser.readPart10Header = dicomParser.readPart10Header;

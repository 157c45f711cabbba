/**
 * Binary PGM files (P5) read and written a band of rows at a time, so that `encode` and `decode`
 * hold a few bands of a huge image, never all of it. Other image formats are read whole.
 *
 * @module
 */
import { FormatError } from "../errors.ts";
import { checkPixelLimit, type ImageLimits } from "../image/limits.ts";
import { binaryPgmHeader, checkNetpbmEnd, readBinarySamples } from "../image/netpbm.ts";
import type { RowSource } from "../v2/image_codec.ts";
import type { TileRect } from "../v2/tiles.ts";
import { CliError, errorFor } from "./errors.ts";
import { describeIoError, type OutputFile } from "./files.ts";

/** Bytes read to find a PGM's header (comments included); a longer header is refused. */
const HEADER_BYTES = 65536;
/** Bytes after the samples a PGM may have (whitespace); more is refused without reading it. */
const TAIL_BYTES = 65536;

/**
 * A binary PGM file open for reading rows: a `RowSource` to close when done.
 *
 * @example
 * ```ts
 * import type { PgmRows } from "./pgm_stream.ts";
 * function close(rows: PgmRows): void {
 *   rows.close();
 * }
 * ```
 */
export interface PgmRows extends RowSource {
  /** Closes the file. */
  close(): void;
}

async function readAt(file: Deno.FsFile, at: number, bytes: Uint8Array): Promise<number> {
  await file.seek(at, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < bytes.length) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return filled;
}

/**
 * Opens `path` for reading a band of rows at a time if it is a binary PGM in a regular file;
 * `undefined` for any other file or a pipe (read those whole). The header, the file's length, what follows the samples and the
 * pixel limit are all checked before the first row is read; each sample is checked against
 * maxval as its band is read.
 *
 * @throws {CliError} naming the file, for a damaged PGM or one over the limit.
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openPgmRows } from "./pgm_stream.ts";
 * const path = `${Deno.makeTempDirSync()}/a.pgm`;
 * Deno.writeFileSync(path, new Uint8Array([...new TextEncoder().encode("P5 2 2 255\n"), 1, 2, 3, 4]));
 * const rows = (await openPgmRows(path))!;
 * deepStrictEqual(await rows.rows(1, 1), new Uint16Array([3, 4]));
 * rows.close();
 * ```
 */
export async function openPgmRows(
  path: string,
  limits: ImageLimits = {},
): Promise<PgmRows | undefined> {
  let file: Deno.FsFile;
  try {
    // A pipe cannot be read by places: it is read whole, by the caller (and not opened here:
    // opening a FIFO and closing it would lose its writer).
    if (!(await Deno.stat(path)).isFile) return undefined;
    file = await Deno.open(path);
  } catch (e) {
    throw new CliError(path, describeIoError(e));
  }
  try {
    const start = new Uint8Array(HEADER_BYTES);
    const read = await readAt(file, 0, start);
    const header = binaryPgmHeader(start.subarray(0, read));
    if (!header) {
      file.close();
      return undefined;
    }
    const { width, height, maxValue, sampleBytes, dataStart } = header;
    const size = (await file.stat()).size;
    const dataEnd = dataStart + width * height * sampleBytes;
    if (size < dataEnd) throw new FormatError("pixel data is truncated");
    if (size - dataEnd > TAIL_BYTES) {
      throw new FormatError(`${size - dataEnd} unexpected bytes after the pixel data`);
    }
    const tail = new Uint8Array(size - dataEnd);
    await readAt(file, dataEnd, tail);
    checkNetpbmEnd(tail, 0);
    checkPixelLimit(width, height, limits);
    const rowBytes = width * sampleBytes;
    let buffer = new Uint8Array(0);
    return {
      width,
      height,
      maxValue,
      async rows(y, count) {
        if (buffer.length < count * rowBytes) buffer = new Uint8Array(count * rowBytes);
        const bytes = buffer.subarray(0, count * rowBytes);
        if (await readAt(file, dataStart + y * rowBytes, bytes) < bytes.length) {
          throw new CliError(path, "changed while it was read (it is shorter now)");
        }
        const samples = new Uint16Array(count * width);
        try {
          readBinarySamples(bytes, 0, 1, maxValue, samples);
        } catch (e) {
          throw errorFor(path, e);
        }
        return samples;
      },
      async rect(rect) {
        const bytes = new Uint8Array(rect.width * rect.height * sampleBytes);
        const rowOf = (y: number) =>
          bytes.subarray(y * rect.width * sampleBytes, (y + 1) * rect.width * sampleBytes);
        for (let y = 0; y < rect.height; y++) {
          const at = dataStart + ((rect.y + y) * width + rect.x) * sampleBytes;
          if (await readAt(file, at, rowOf(y)) < rect.width * sampleBytes) {
            throw new CliError(path, "changed while it was read (it is shorter now)");
          }
        }
        const samples = new Uint16Array(rect.width * rect.height);
        try {
          readBinarySamples(bytes, 0, 1, maxValue, samples);
        } catch (e) {
          throw errorFor(path, e);
        }
        return samples;
      },
      close: () => file.close(),
    };
  } catch (e) {
    file.close();
    throw e instanceof FormatError ? errorFor(path, e) : new CliError(path, describeIoError(e));
  }
}

/** The PGM header of an image. */
function pgmHeader(image: { width: number; height: number; maxValue: number }): Uint8Array {
  return new TextEncoder().encode(`P5\n${image.width} ${image.height}\n${image.maxValue}\n`);
}

/** Samples as binary PGM bytes (16-bit big-endian when `wide`), into `bytes`. */
function pgmBytes(samples: Uint16Array, wide: boolean, bytes: Uint8Array): void {
  if (!wide) return bytes.set(samples);
  for (let i = 0; i < samples.length; i++) {
    bytes[2 * i] = samples[i] >> 8;
    bytes[2 * i + 1] = samples[i] & 0xff;
  }
}

/**
 * A converter of samples to PGM bytes that writes into one buffer, grown as needed: each result
 * is valid until the next call (every piece is written before the next is converted).
 */
function pgmByteBuffer(wide: boolean): (samples: Uint16Array) => Uint8Array {
  let buffer = new Uint8Array(0);
  return (samples) => {
    const length = samples.length * (wide ? 2 : 1);
    if (buffer.length < length) buffer = new Uint8Array(length);
    const bytes = buffer.subarray(0, length);
    pgmBytes(samples, wide, bytes);
    return bytes;
  };
}

/**
 * Writes tiles as binary PGM to a file `output` at their places (the header first, then each
 * tile's rows at their offsets as the tile comes): no band of the image is held.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openOutput } from "./files.ts";
 * import { writePgmTiles } from "./pgm_stream.ts";
 * const path = `${Deno.makeTempDirSync()}/a.pgm`;
 * const output = await openOutput(path, false);
 * async function* tiles() {
 *   yield { rect: { x: 1, y: 0, width: 1, height: 1 }, samples: new Uint16Array([2]) };
 *   yield { rect: { x: 0, y: 0, width: 1, height: 1 }, samples: new Uint16Array([1]) };
 * }
 * await writePgmTiles(output, { width: 2, height: 1, maxValue: 255 }, tiles());
 * await output.commit();
 * deepStrictEqual(Deno.readFileSync(path).subarray(-2), new Uint8Array([1, 2]));
 * ```
 */
export async function writePgmTiles(
  output: OutputFile,
  image: { width: number; height: number; maxValue: number },
  tiles: AsyncIterable<{ rect: TileRect; samples: Uint16Array }>,
): Promise<void> {
  const header = pgmHeader(image);
  await output.write(header);
  const bytesPer = image.maxValue > 255 ? 2 : 1;
  const toBytes = pgmByteBuffer(bytesPer === 2);
  for await (const { rect, samples } of tiles) {
    const bytes = toBytes(samples);
    const rowBytes = rect.width * bytesPer;
    for (let y = 0; y < rect.height; y++) {
      const at = header.length + ((rect.y + y) * image.width + rect.x) * bytesPer;
      await output.writeAt!(at, bytes.subarray(y * rowBytes, (y + 1) * rowBytes));
    }
  }
}

/**
 * Writes bands of rows as binary PGM to `output`: the header first, then each band as it comes
 * (16-bit samples big-endian when `maxValue > 255`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { openOutput } from "./files.ts";
 * import { writePgmBands } from "./pgm_stream.ts";
 * const path = `${Deno.makeTempDirSync()}/a.pgm`;
 * const output = await openOutput(path, false);
 * async function* bands() {
 *   yield { y: 0, rows: new Uint16Array([1, 2]) };
 * }
 * await writePgmBands(output, { width: 2, height: 1, maxValue: 255 }, bands());
 * await output.commit();
 * deepStrictEqual(Deno.readFileSync(path).subarray(-2), new Uint8Array([1, 2]));
 * ```
 */
export async function writePgmBands(
  output: OutputFile,
  image: { width: number; height: number; maxValue: number },
  bands: AsyncIterable<{ rows: Uint16Array }>,
): Promise<void> {
  await output.write(pgmHeader(image));
  const toBytes = pgmByteBuffer(image.maxValue > 255);
  for await (const { rows } of bands) {
    await output.write(toBytes(rows));
  }
}

/**
 * Little-endian byte readers and writers for the container formats.
 *
 * @module
 */
import { crc32 } from "./crc32.ts";
import { FormatError } from "./errors.ts";

/** The most bytes of a varint: 8 hold 56 bits, enough for 2^53 − 1. */
const MAX_VARINT_BYTES = 8;

/**
 * Appends little-endian integers and byte runs to a growing buffer.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ByteWriter } from "./bytes.ts";
 * const w = new ByteWriter();
 * w.ascii("BPC1");
 * w.u16(1);
 * w.varint(300); // two bytes: 0xac 0x02
 * strictEqual(w.finish().length, 8);
 * ```
 */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #reserve(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      const grown = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      grown.set(this.#buf.subarray(0, at));
      this.#buf = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#len = at + n;
    return at;
  }

  /** Appends one byte. */
  u8(value: number): void {
    const at = this.#reserve(1);
    this.#view.setUint8(at, value);
  }

  /** Appends an unsigned 16-bit integer. */
  u16(value: number): void {
    const at = this.#reserve(2);
    this.#view.setUint16(at, value, true);
  }

  /** Appends an unsigned 32-bit integer. */
  u32(value: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value, true);
  }

  /** Appends an unsigned 64-bit integer given as a safe integer. */
  u64(value: number): void {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, BigInt(value), true);
  }

  /**
   * Appends an unsigned integer (a safe integer) as a LEB128 varint: seven bits a byte, lowest
   * first, the top bit set on every byte but the last; the shortest such form (1 byte below 128,
   * at most 8 for 2^53 − 1).
   */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint ${value}`);
    while (value >= 128) {
      this.u8((value % 128) | 128);
      value = Math.floor(value / 128);
    }
    this.u8(value);
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): void {
    const at = this.#reserve(data.length);
    this.#buf.set(data, at);
  }

  /** Appends `count` zero bytes. */
  zeros(count: number): void {
    this.#reserve(count);
  }

  /** Appends the characters of an ASCII string, one byte each. */
  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.u8(text.charCodeAt(i));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** A view of the bytes written from `start` to `end` (valid until the next write). */
  written(start: number, end: number): Uint8Array {
    return this.#buf.subarray(start, Math.min(end, this.#len));
  }

  /** Returns the bytes written so far. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/**
 * Bytes read by their place, from a file, say, that need not be in memory at once.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { ByteSource } from "./bytes.ts";
 * const zeros: ByteSource = { length: 1e12, read: (_at, length) => new Uint8Array(length) };
 * strictEqual(zeros.read(5e11, 3).length, 3);
 * ```
 */
export interface ByteSource {
  /** Bytes in all. */
  readonly length: number;
  /**
   * The `length` bytes from byte `at` (both within the source): a view the caller may keep, of
   * no other bytes' memory than those (a fresh array or a view of the whole data).
   */
  read(at: number, length: number): Uint8Array;
}

/**
 * A place and length in a {@link ByteSource}.
 *
 * @example
 * ```ts
 * import type { ByteSpan } from "./bytes.ts";
 * const span: ByteSpan = { at: 100, length: 4096 };
 * ```
 */
export interface ByteSpan {
  /** The first byte's offset. */
  at: number;
  /** Bytes. */
  length: number;
}

/** Bytes a reader of a {@link ByteSource} reads at once. */
const SOURCE_WINDOW = 1 << 20;

/**
 * Reads little-endian fields from a byte array or a {@link ByteSource}, throwing a
 * {@link FormatError} that names the field when the data runs out or a value is out of range.
 * From a source it holds a window of the bytes around the next field, never all of them.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { ByteReader } from "./bytes.ts";
 * const r = new ByteReader(new Uint8Array([2, 0, 0xac, 0x02]));
 * strictEqual(r.u16("version"), 2);
 * strictEqual(r.varint("width"), 300);
 * r.end();
 * ```
 */
export class ByteReader {
  readonly #source?: ByteSource;
  readonly #length: number;
  /** The bytes from `#base` in memory: all of them, or a source's window. */
  #data: Uint8Array;
  #view: DataView;
  #base = 0;
  #pos = 0;
  /** The CRC-32 of the bytes before `#crcAt` (which lie at or after `#base`, for a source). */
  #crc = 0;
  #crcAt = 0;

  /** Starts reading at the first byte of `data`. */
  constructor(data: Uint8Array | ByteSource) {
    if (data instanceof Uint8Array) {
      this.#data = data;
    } else {
      this.#source = data;
      this.#data = new Uint8Array(0);
    }
    this.#length = data.length;
    this.#view = new DataView(this.#data.buffer, this.#data.byteOffset, this.#data.byteLength);
  }

  /** Byte offset of the next field. */
  get position(): number {
    return this.#pos;
  }

  /** The next byte, without reading it; −1 at the end. */
  peek(): number {
    if (this.#pos >= this.#length) return -1;
    const at = this.#window(this.#pos, 1);
    return this.#data[at];
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#length - this.#pos;
  }

  /**
   * The index in `#data` of byte `at`, with the `n` bytes from it in memory (a source's window
   * moved there when they are not).
   */
  #window(at: number, n: number): number {
    const source = this.#source;
    if (source && (at < this.#base || at + n > this.#base + this.#data.length)) {
      this.#checksumTo(at); // the bytes read from this window, before it moves on
      this.#data = source.read(at, Math.min(this.#length - at, Math.max(n, SOURCE_WINDOW)));
      this.#view = new DataView(this.#data.buffer, this.#data.byteOffset, this.#data.byteLength);
      this.#base = at;
    }
    return at - this.#base;
  }

  /**
   * Takes the next `n` bytes: their index in `#data` (read it after: taking may move a source's
   * window, and `#view` with it).
   */
  /** Takes the CRC-32 on to byte `end` (read already; in the window). */
  #checksumTo(end: number): void {
    if (end <= this.#crcAt) return;
    const from = this.#crcAt - this.#base;
    this.#crc = crc32(this.#data.subarray(from, end - this.#base), this.#crc);
    this.#crcAt = end;
  }

  /**
   * The CRC-32 of every byte before the next field, for a reader that reads its data in order
   * (a source's window moves on with the fields, its bytes checksummed as they go by: a file's
   * checksum costs no second reading).
   */
  checksum(): number {
    if (this.#crcAt < this.#base) throw new RangeError("checksum of bytes read out of order");
    this.#checksumTo(this.#pos);
    return this.#crc;
  }

  #take(n: number, field: string): number {
    if (n > this.remaining) {
      throw new FormatError(`truncated: ${field} runs past the end of the data`);
    }
    const at = this.#pos;
    this.#pos += n;
    return this.#window(at, n);
  }

  /**
   * Reads `length` bytes as a part stored in the data: their place, and the bytes themselves
   * when the data is in memory (a {@link ByteSource}'s are left there, read in pieces only to
   * pass them to `each`, a checksum, say).
   */
  stored(
    length: number,
    field: string,
    each: (piece: Uint8Array) => void,
  ): ByteSpan & { bytes?: Uint8Array } {
    const at = this.#pos;
    if (!this.#source) {
      const bytes = this.bytes(length, field);
      each(bytes);
      return { at, length, bytes };
    }
    if (length > this.remaining) this.#take(length, field); // throws: truncated
    for (let done = 0; done < length;) {
      const n = Math.min(SOURCE_WINDOW, length - done);
      const from = this.#take(n, field);
      each(this.#data.subarray(from, from + n));
      done += n;
    }
    return { at, length };
  }

  /** Reads one byte. */
  u8(field: string): number {
    const at = this.#take(1, field);
    return this.#view.getUint8(at);
  }

  /** Reads an unsigned 16-bit integer. */
  u16(field: string): number {
    const at = this.#take(2, field);
    return this.#view.getUint16(at, true);
  }

  /** Reads an unsigned 32-bit integer. */
  u32(field: string): number {
    const at = this.#take(4, field);
    return this.#view.getUint32(at, true);
  }

  /** Reads an unsigned 64-bit integer; values beyond 2^53 − 1 are rejected. */
  u64(field: string): number {
    const at = this.#take(8, field);
    const value = this.#view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new FormatError(`${field} ${value} is out of range`);
    }
    return Number(value);
  }

  /**
   * Reads a LEB128 varint ({@link ByteWriter.varint}); a longer form than the shortest, or a
   * value beyond 2^53 − 1, is rejected, so that every value has one encoding.
   */
  varint(field: string): number {
    let value = 0;
    for (let i = 0, scale = 1; i < MAX_VARINT_BYTES; i++, scale *= 128) {
      const byte = this.u8(field);
      value += (byte & 127) * scale;
      if (byte < 128) {
        if (byte === 0 && i > 0) throw new FormatError(`${field} is not in its shortest form`);
        if (value > Number.MAX_SAFE_INTEGER) throw new FormatError(`${field} is out of range`);
        return value;
      }
    }
    throw new FormatError(`${field} is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /**
   * Returns the next `length` bytes: a view of the data in memory, a copy of a
   * {@link ByteSource}'s (a view would keep its whole window).
   */
  bytes(length: number, field: string): Uint8Array {
    const at = this.#take(length, field);
    const bytes = this.#data.subarray(at, at + length);
    return this.#source ? bytes.slice() : bytes;
  }

  /** Reads `length` bytes and checks that they are all zero. */
  reserved(length: number, field: string): void {
    const block = this.bytes(length, field);
    if (block.some((b) => b !== 0)) throw new FormatError(`${field} must be zero`);
  }

  /** Reads a fixed ASCII magic and checks it. */
  magic(expected: string): void {
    const got = this.bytes(expected.length, "magic");
    for (let i = 0; i < expected.length; i++) {
      if (got[i] !== expected.charCodeAt(i)) {
        throw new FormatError(`not a ${expected} file (bad magic)`);
      }
    }
  }

  /** Checks that every byte has been read. */
  end(): void {
    if (this.remaining !== 0) {
      throw new FormatError(`${this.remaining} trailing bytes after the end of the data`);
    }
  }
}

/**
 * Returns the ASCII text of the first four bytes (of an array, or read from a source), or "" for
 * shorter data: the magic that tells the file formats apart.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { magicOf } from "./bytes.ts";
 * strictEqual(magicOf(new TextEncoder().encode("BPC1....")), "BPC1");
 * ```
 */
export function magicOf(data: Uint8Array | ByteSource): string {
  if (data.length < 4) return "";
  const head = data instanceof Uint8Array ? data : data.read(0, 4);
  return String.fromCharCode(head[0], head[1], head[2], head[3]);
}

/**
 * All the bytes of `data`: the array itself, or a source read whole (for the formats that are
 * read in memory).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { allBytes } from "./bytes.ts";
 * const source = { length: 3, read: (at: number, n: number) => new Uint8Array([1, 2, 3]).slice(at, at + n) };
 * deepStrictEqual(allBytes(source), new Uint8Array([1, 2, 3]));
 * ```
 */
export function allBytes(data: Uint8Array | ByteSource): Uint8Array {
  return data instanceof Uint8Array ? data : data.read(0, data.length);
}

/**
 * Whether two typed arrays hold the same values in the same order.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { sameValues } from "./bytes.ts";
 * strictEqual(sameValues(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
 * ```
 */
export function sameValues<T extends Uint8Array | Uint16Array>(a: T, b: T): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Where the fields, regions and checksums of a seed file lie, as the fuzzer's own reading of the
 * format specifications (not the library's parsers): structure-aware mutations use it to hit
 * header fields, cut at boundaries and recompute checksums.
 *
 * @module
 */

/** An integer field. */
export interface Field {
  /** What the specification calls it, with a prefix for nested structures. */
  name: string;
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** PNG and Netpbm are big-endian; bpcodec files little-endian. */
  bigEndian?: boolean;
}

/** A run of bytes with one meaning (a header, a name, a coded stream…). */
export interface Region {
  name: string;
  start: number;
  end: number;
}

/** A CRC-32 stored at `offset` over the bytes `start…end − 1`. */
export interface Checksum {
  name: string;
  offset: number;
  start: number;
  end: number;
  bigEndian?: boolean;
}

/** The structure of one file. Checksums are listed inner first (the order to recompute them). */
export interface Layout {
  fields: Field[];
  regions: Region[];
  checksums: Checksum[];
}

/** Builds a layout while walking a file front to back. */
export class LayoutBuilder {
  readonly layout: Layout = { fields: [], regions: [], checksums: [] };
  readonly #view: DataView;
  pos: number;

  constructor(readonly bytes: Uint8Array, start = 0, readonly bigEndian = false) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  /** Records a field at the cursor, moves past it and returns its value. */
  field(name: string, size: 1 | 2 | 4 | 8): number {
    const offset = this.pos;
    if (offset + size > this.bytes.length) {
      throw new Error(`seed layout: ${name} runs past the end`);
    }
    this.layout.fields.push({ name, offset, size, bigEndian: this.bigEndian || undefined });
    this.pos += size;
    return readField(this.#view, { name, offset, size, bigEndian: this.bigEndian });
  }

  /**
   * Records a LEB128 varint at the cursor (its bytes as a region, its first byte as a field),
   * moves past it and returns its value.
   */
  varint(name: string): number {
    const start = this.pos;
    let value = 0;
    for (let scale = 1;; scale *= 128) {
      if (this.pos >= this.bytes.length) throw new Error(`seed layout: ${name} runs past the end`);
      const byte = this.bytes[this.pos++];
      value += (byte & 127) * scale;
      if (byte < 128) break;
    }
    this.layout.fields.push({ name, offset: start, size: 1 });
    this.layout.regions.push({ name, start, end: this.pos });
    return value;
  }

  /** Records a region of `length` bytes at the cursor and moves past it. */
  region(name: string, length: number): Region {
    const region = { name, start: this.pos, end: this.pos + length };
    if (region.end > this.bytes.length) throw new Error(`seed layout: ${name} runs past the end`);
    if (length > 0) this.layout.regions.push(region);
    this.pos = region.end;
    return region;
  }

  /** Records a checksum stored in the field at `offset`, over `covered`. */
  checksum(name: string, offset: number, covered: { start: number; end: number }): void {
    const { start, end } = covered;
    this.layout.checksums.push({
      name,
      offset,
      start,
      end,
      bigEndian: this.bigEndian || undefined,
    });
  }
}

/** Reads a field's value (a 64-bit one as a double: exact below 2^53). */
export function readField(view: DataView, field: Field): number {
  const le = !field.bigEndian;
  switch (field.size) {
    case 1:
      return view.getUint8(field.offset);
    case 2:
      return view.getUint16(field.offset, le);
    case 4:
      return view.getUint32(field.offset, le);
    case 8:
      return Number(view.getBigUint64(field.offset, le));
  }
}

/** Writes `value` (taken modulo the field's range) into a field of `bytes`. */
export function writeField(bytes: Uint8Array, field: Field, value: bigint): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = !field.bigEndian;
  const v = BigInt.asUintN(field.size * 8, value);
  switch (field.size) {
    case 1:
      return view.setUint8(field.offset, Number(v));
    case 2:
      return view.setUint16(field.offset, Number(v), le);
    case 4:
      return view.setUint32(field.offset, Number(v), le);
    case 8:
      return view.setBigUint64(field.offset, v, le);
  }
}

/** Every offset where a structure starts or ends: where truncations are most telling. */
export function boundaries(layout: Layout): number[] {
  const points = new Set<number>();
  for (const r of layout.regions) points.add(r.start).add(r.end);
  for (const f of layout.fields) points.add(f.offset).add(f.offset + f.size);
  return [...points].sort((a, b) => a - b);
}

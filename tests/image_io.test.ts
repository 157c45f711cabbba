import { decodePngFile, encodePngFile } from "./fast_png.ts";
import { FormatError } from "../src/errors.ts";
import { decodeImageFile, encodeImageFile } from "../src/image/image_file.ts";
import { decodeNetpbm } from "../src/image/netpbm.ts";
import { PngChunkReader, writePngChunk } from "../src/image/png_chunks.ts";
import { choosePolarity } from "../src/image/polarity.ts";
import { assertEquals, assertThrows } from "./assert.ts";
import { makeImage } from "./helpers.ts";
import { concat } from "./png_writer.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("netpbm: P2, P5 (8- and 16-bit), P1, P4, P3 and P6 gray are read exactly", () => {
  assertEquals(
    decodeNetpbm(text("P2\n# comment\n3 1\n255\n0 128 255\n")).data,
    Uint16Array.of(0, 128, 255),
  );
  assertEquals(
    decodeNetpbm(Uint8Array.of(...text("P5 2 1 255\n"), 7, 9)).data,
    Uint16Array.of(7, 9),
  );
  const wide = decodeNetpbm(Uint8Array.of(...text("P5\n2 1\n65535\n"), 0x12, 0x34, 0xff, 0xff));
  assertEquals([wide.maxValue, ...wide.data], [65535, 0x1234, 0xffff]);
  const plainBits = decodeNetpbm(text("P1\n3 1\n1 0 1\n"));
  assertEquals([plainBits.maxValue, ...plainBits.data], [1, 0, 1, 0]);
  const bits = decodeNetpbm(Uint8Array.of(...text("P4\n3 1\n"), 0b10100000));
  assertEquals([bits.maxValue, ...bits.data], [1, 0, 1, 0]);
  assertEquals(decodeNetpbm(text("P3\n1 1\n255\n9 9 9\n")).data, Uint16Array.of(9));
  assertEquals(
    decodeNetpbm(Uint8Array.of(...text("P6\n1 1\n255\n"), 4, 4, 4)).data,
    Uint16Array.of(4),
  );
});

Deno.test("netpbm: malformed, truncated and colour files are refused", () => {
  for (
    const bad of [
      text("P5\n2 1\n255\n\x07"),
      text("P5\n0 1\n255\n"),
      text("P5\nx 1\n255\n"),
      text("P2\n1 1\n255\n300\n"),
      Uint8Array.of(...text("P6\n1 1\n255\n"), 1, 2, 3),
      text("P7\n"),
      text("P2\n16000000 16000000\n255\n0\n"),
    ]
  ) {
    assertThrows(() => decodeImageFile(bad), FormatError);
  }
  assertThrows(() => decodeImageFile(Uint8Array.of(...text("P6\n1 1\n255\n"), 1, 2, 3)), /colour/);
});

Deno.test("png: gray 8/16-bit, low depths, RGB(A), gray+alpha and palette are read exactly", () => {
  const png = (data: ArrayLike<number>, channels: number, depth = 8, extra = {}) =>
    encodePngFile({
      width: 2,
      height: 1,
      data: depth === 16 ? Uint16Array.from(data) : Uint8Array.from(data),
      depth: depth as 8,
      channels,
      ...extra,
    });
  assertEquals(decodeImageFile(png([3, 250], 1)).data, Uint16Array.of(3, 250));
  const wide = decodeImageFile(png([3, 60000], 1, 16));
  assertEquals([wide.maxValue, ...wide.data], [65535, 3, 60000]);
  const oneBit = decodeImageFile(png([0b01000000], 1, 1));
  assertEquals([oneBit.maxValue, ...oneBit.data], [1, 0, 1]);
  const fourBit = decodeImageFile(png([0b00100000], 1, 4));
  assertEquals([fourBit.maxValue, ...fourBit.data], [15, 2, 0]);
  assertEquals(decodeImageFile(png([5, 5, 5, 6, 6, 6], 3)).data, Uint16Array.of(5, 6));
  assertEquals(decodeImageFile(png([5, 5, 5, 255, 6, 6, 6, 255], 4)).data, Uint16Array.of(5, 6));
  assertEquals(decodeImageFile(png([5, 255, 6, 255], 2)).data, Uint16Array.of(5, 6));
  const palette = png([1, 0], 1, 8, { palette: [[10, 10, 10], [20, 20, 20]] });
  assertEquals(decodeImageFile(palette).data, Uint16Array.of(20, 10));
  assertThrows(() => decodeImageFile(png([5, 5, 6, 6, 6, 6], 3)), /colour/);
  assertThrows(() => decodeImageFile(png([5, 255, 6, 254], 2)), /transparent/);
  assertThrows(() => decodeImageFile(png([5, 5, 5, 0, 6, 6, 6, 255], 4)), /transparent/);
  const good = png([3, 250], 1);
  assertThrows(() => decodeImageFile(good.subarray(0, good.length - 20)), FormatError);
});

Deno.test("image files: written by extension and read back identically", () => {
  const image8 = makeImage(5, 3, (x, y) => x * 40 + y);
  const image16 = makeImage(5, 3, (x, y) => x * 9000 + y, 65535);
  for (const name of ["a.png", "a.PGM", "a.pnm", "a.ppm"]) {
    for (const image of [image8, image16]) {
      assertEquals(decodeImageFile(encodeImageFile(image, name)), image);
    }
  }
  // Low depths keep their depth in PNG; PBM holds bilevel images (maxval 1).
  for (const maxValue of [1, 3, 15]) {
    const low = makeImage(9, 2, (x, y) => (x + y) % (maxValue + 1), maxValue);
    assertEquals(decodeImageFile(encodeImageFile(low, "low.png")), low);
  }
  const bilevel = makeImage(9, 2, (x) => (x % 3 ? 1 : 0), 1);
  assertEquals(decodeImageFile(encodeImageFile(bilevel, "b.pbm")), bilevel);
  const bilevel255 = makeImage(9, 2, (x) => (x % 3 ? 255 : 0));
  assertEquals(decodeImageFile(encodeImageFile(bilevel255, "b.pbm")), bilevel);
  assertThrows(() => encodeImageFile(image8, "b.pbm"), /bilevel/);
  assertThrows(() => encodeImageFile(image8, "b.jpg"), /extension/);
});

Deno.test("png sBIT: depths below the sample are scaled by bit replication, said in sBIT, and read back", () => {
  const withSbit = (file: Uint8Array, bits: number) =>
    concat([file.subarray(0, 33), writePngChunk("sBIT", Uint8Array.of(bits)), file.subarray(33)]);
  for (const maxValue of [4095, 1023, 16383, 63, 7, 1000]) {
    const image = makeImage(7, 3, (x, y) => (x * 577 + y * 1301) % (maxValue + 1), maxValue);
    const file = encodeImageFile(image, "a.png");
    const bits = 32 - Math.clz32(maxValue);
    const depth = maxValue > 255 ? 16 : 8;
    // Another PNG reader sees the values scaled to the sample, their bits repeated from the top.
    const seen = decodePngFile(file);
    assertEquals(seen.depth, depth);
    const repeated = (v: number) =>
      parseInt(v.toString(2).padStart(bits, "0").repeat(16).slice(0, depth), 2);
    assertEquals([...seen.data], [...image.data].map(repeated));
    const chunks = new PngChunkReader(file);
    assertEquals(chunks.next().type, "IHDR");
    assertEquals(chunks.next(), { type: "sBIT", data: Uint8Array.of(bits) });
    const back = decodeImageFile(file);
    assertEquals(back.data, image.data);
    assertEquals(back.maxValue, 2 ** bits - 1);
  }
  // Low bits that are not the replication of the top ones (zeros, as libpng's shift writes, or
  // any data) are data: such a file reads at its full depth, as do an sBIT of 0 or the depth.
  const shifted = encodePngFile({
    width: 2,
    height: 1,
    data: Uint16Array.of(0x0010, 0xfff0),
    depth: 16,
    channels: 1,
  });
  for (const bits of [12, 0, 16, 17]) {
    const read = decodeImageFile(withSbit(shifted, bits));
    assertEquals([read.maxValue, ...read.data], [65535, 0x0010, 0xfff0]);
  }
});

Deno.test("polarity: auto follows the classic border rule", () => {
  assertEquals(choosePolarity(makeImage(3, 3, () => 128), "auto"), true);
  assertEquals(choosePolarity(makeImage(3, 3, () => 127), "auto"), false);
  // Only the border counts: a bright centre does not invert.
  assertEquals(
    choosePolarity(makeImage(3, 3, (x, y) => (x === 1 && y === 1 ? 255 : 0)), "auto"),
    false,
  );
  assertEquals(choosePolarity(makeImage(1, 1, () => 200), "auto"), true);
  assertEquals(choosePolarity(makeImage(3, 3, () => 0), "invert"), true);
  assertEquals(choosePolarity(makeImage(3, 3, () => 255), "none"), false);
});

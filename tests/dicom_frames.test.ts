/**
 * DICOM RLE and JPEG-LS Lossless: files DCMTK, GDCM and pydicom wrote in RLE and CharLS in JPEG-LS
 * read to the pixels of their native twins and pack as exact files rebuilt from their pixels;
 * frames of other encoders read alike and are kept whole; damaged frames are refused, one line
 * each.
 */
import { openArchive, packArchive } from "../src/codec.ts";
import { FormatError } from "../src/errors.ts";
import { decodeRleFrame, encodeRleFrame } from "../src/image/dicom_rle.ts";
import { loadCodecsFor, readImagePages } from "../src/image/image_file.ts";
import { parseV2Archive, type V2FileEntry } from "../src/v2/container.ts";
import { parseFileParts } from "../src/file_parts/file_parts.ts";
import { expandParts } from "../src/file_parts/stored_parts.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { ROOT } from "./helpers.ts";

const rleFile = Deno.readFileSync(`${ROOT}tests/formats/dicom/MR_small_RLE.dcm`);
const nativeFile = Deno.readFileSync(`${ROOT}tests/formats/dicom/MR_small.dcm`);
/** Where MR_small_RLE.dcm's one frame lies (after its item tag and length). */
const FRAME_AT = 1536;
const FRAME_BYTES = 6108;

/** `file` with the frame of `bytes` bytes at `at` replaced by `frame` (its item's length too). */
function replaced(file: Uint8Array, at: number, bytes: number, frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(file.length - bytes + frame.length);
  out.set(file.subarray(0, at));
  new DataView(out.buffer).setUint32(at - 4, frame.length, true);
  out.set(frame, at);
  out.set(file.subarray(at + bytes), at + frame.length);
  return out;
}

/** The RLE file with its frame replaced by `frame`. */
const withFrame = (frame: Uint8Array) => replaced(rleFile, FRAME_AT, FRAME_BYTES, frame);

Deno.test("dicom rle: DCMTK's file reads to its native twin's pixels and packs as an exact file", async () => {
  const read = readImagePages(rleFile);
  assertEquals(read.pages, readImagePages(nativeFile).pages);
  assertEquals(read.frames?.frames, [{ offset: FRAME_AT, bytes: FRAME_BYTES }]);
  // Its frame is what DCMTK's encoder writes from the samples it holds.
  const frame = rleFile.subarray(FRAME_AT, FRAME_AT + FRAME_BYTES);
  const samples = decodeRleFrame(frame, { samples: 64 * 64, bytes: 2 });
  assertEquals(encodeRleFrame(samples, { width: 64, height: 64, bytes: 2 }, "dcmtk"), frame);
  const bpa = await packArchive([{ name: "mr.dcm", file: rleFile }], undefined, { level: "fast" });
  const entry = parseV2Archive(bpa).entries[0] as V2FileEntry;
  assertEquals([entry.exact, entry.note], [true, "DICOM, its frames are RLE-compressed (dcmtk)"]);
  assertEquals(parseFileParts(await expandParts(entry.parts)).kind, "frames");
  assertEquals(await (await openArchive(bpa)).rebuild(0), rleFile);
});

Deno.test("dicom rle: GDCM's and pydicom's files, and DCMTK's of several frames, are exact files too", async () => {
  const made = [
    "made_MR700_7frames_rle_dcmtk",
    "made_MR_small_rle_gdcm",
    "made_MR_small_rle_pydicom",
  ];
  const files = made.map((name) => ({
    name: `${name}.dcm`,
    file: Deno.readFileSync(`${ROOT}tests/formats/dicom/${name}.dcm`),
  }));
  assertEquals(readImagePages(files[1].file).pages, readImagePages(nativeFile).pages);
  assertEquals(readImagePages(files[0].file).pages.length, 7);
  const bpa = await packArchive(files, undefined, { level: "fast" });
  const entries = parseV2Archive(bpa).entries as V2FileEntry[];
  assertEquals(
    entries.map((e) => [e.exact, e.note]),
    [
      [true, "DICOM, 7 frames, its frames are RLE-compressed (dcmtk)"],
      [true, "DICOM, its frames are RLE-compressed (gdcm)"],
      [true, "DICOM, its frames are RLE-compressed (pydicom)"],
    ],
  );
  const archive = await openArchive(bpa);
  for (const [i, { file }] of files.entries()) assertEquals(await archive.rebuild(i), file);
});

Deno.test("dicom rle: a file of another encoder's runs reads alike and is kept whole", async () => {
  // Runs across rows (one row of all the samples): valid RLE, not what DCMTK writes.
  const samples = decodeRleFrame(rleFile.subarray(FRAME_AT, FRAME_AT + FRAME_BYTES), {
    samples: 64 * 64,
    bytes: 2,
  });
  const other = withFrame(
    encodeRleFrame(samples, { width: 64 * 64, height: 1, bytes: 2 }, "dcmtk"),
  );
  assert(other.length !== rleFile.length);
  assertEquals(readImagePages(other).pages, readImagePages(nativeFile).pages);
  const bpa = await packArchive([{ name: "mr.dcm", file: other }], undefined, { level: "fast" });
  const entry = parseV2Archive(bpa).entries[0] as V2FileEntry;
  assertEquals(entry.pages.length, 0);
  assertEquals(
    entry.note,
    "kept whole: its frames are RLE-compressed, not rebuilt by DCMTK's, GDCM's or pydicom's encoder",
  );
  assertEquals(await (await openArchive(bpa)).rebuild(0), other);
});

Deno.test("dicom rle: damaged frames are refused, one line each", () => {
  const frame = rleFile.slice(FRAME_AT, FRAME_AT + FRAME_BYTES);
  const header = new DataView(frame.buffer);
  const damaged = (change: (view: DataView) => void, length = frame.length) => {
    const copy = frame.slice(0, length);
    change(new DataView(copy.buffer));
    return withFrame(copy);
  };
  for (
    const [file, reason] of [
      [damaged((v) => v.setUint32(0, 3, true)), "has 3 segments, not 2"],
      [
        damaged((v) => v.setUint32(8, FRAME_BYTES + 10, true)),
        "segment 2 starts outside its frame",
      ],
      [damaged((v) => v.setUint32(4, 8, true)), "segment 1 starts outside its frame (at 8)"],
      [damaged(() => {}, header.getUint32(8, true) + 100), "segment 2 ends before its plane"],
      [damaged(() => {}, 40), "frame is shorter than its header"],
      [damaged((v) => v.setUint8(v.getUint32(8, true), 127)), "segment 2 has a run past its plane"],
    ] as const
  ) {
    assertThrows(
      () => readImagePages(file),
      (e) => e instanceof FormatError && e.message.includes(reason) && !e.message.includes("\n"),
    );
  }
});

const jpegLsFile = Deno.readFileSync(`${ROOT}tests/formats/dicom/MR_small_jpeg_ls_lossless.dcm`);
/** Where MR_small_jpeg_ls_lossless.dcm's one frame lies (after its item tag and length). */
const JPEG_LS_AT = 1548;
const JPEG_LS_BYTES = 4430;

/** The JPEG-LS file with its frame replaced by `frame`. */
const withJpegLsFrame = (frame: Uint8Array) =>
  replaced(jpegLsFile, JPEG_LS_AT, JPEG_LS_BYTES, frame);

Deno.test("dicom jpeg-ls: CharLS's files read to their native twins' pixels and pack as exact files", async () => {
  await loadCodecsFor(jpegLsFile);
  assertEquals(readImagePages(jpegLsFile).pages, readImagePages(nativeFile).pages);
  const frames = Deno.readFileSync(`${ROOT}tests/formats/dicom/made_MR700_7frames_jls_gdcm.dcm`);
  const native = Deno.readFileSync(`${ROOT}tests/formats/dicom/made_MR700_7frames.dcm`);
  assertEquals(readImagePages(frames).pages, readImagePages(native).pages);
  const files = [{ name: "a.dcm", file: jpegLsFile }, { name: "b.dcm", file: frames }];
  const bpa = await packArchive(files, undefined, { level: "fast" });
  const entries = parseV2Archive(bpa).entries as V2FileEntry[];
  assertEquals(entries.map((e) => [e.exact, e.note]), [
    [true, "DICOM, its frames are JPEG-LS-compressed (charls)"],
    [true, "DICOM, 7 frames, its frames are JPEG-LS-compressed (charls)"],
  ]);
  const archive = await openArchive(bpa);
  for (const [i, { file }] of files.entries()) assertEquals(await archive.rebuild(i), file);
});

Deno.test("dicom jpeg-ls: a frame CharLS does not write again reads alike and is kept whole", async () => {
  await loadCodecsFor(jpegLsFile);
  // A comment segment after SOI: the same samples, bytes CharLS's encoder does not write.
  const frame = jpegLsFile.subarray(JPEG_LS_AT, JPEG_LS_AT + JPEG_LS_BYTES);
  const comment = [0xff, 0xfe, 0, 4, 0x68, 0x69];
  const other = withJpegLsFrame(
    new Uint8Array([...frame.subarray(0, 2), ...comment, ...frame.subarray(2)]),
  );
  assertEquals(readImagePages(other).pages, readImagePages(nativeFile).pages);
  const bpa = await packArchive([{ name: "a.dcm", file: other }], undefined, { level: "fast" });
  const entry = parseV2Archive(bpa).entries[0] as V2FileEntry;
  assertEquals(entry.note, "kept whole: its frames are JPEG-LS-compressed, not rebuilt by CharLS");
  assertEquals(await (await openArchive(bpa)).rebuild(0), other);
  // Damaged frames: another size in the header, a stream cut short, no frame header.
  const header = frame.indexOf(0xf7, 2) + 1; // SOF55's length, then P, Y, X, Nf
  const wider = frame.slice();
  wider[header + 6] = 65;
  for (
    const [file, reason] of [
      [withJpegLsFrame(wider), "JPEG-LS frame is 65×64 of 1 components, not the DICOM's 64×64"],
      [withJpegLsFrame(frame.slice(0, 2000)), "JPEG-LS frame cannot be decoded (damaged)"],
      [withJpegLsFrame(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])), "has no frame header"],
    ] as const
  ) {
    assertThrows(
      () => readImagePages(file),
      (e) => e instanceof FormatError && e.message.includes(reason) && !e.message.includes("\n"),
    );
  }
});

import { decodeImage, encodeImage, packArchive, trainModel, unpackArchive } from "../mod.ts";
import { decodeImageFile } from "../src/image/image_file.ts";
import { parseModel } from "../src/model_file.ts";
import { toHex } from "../src/sha256.ts";
import { assert, assertEquals } from "./assert.ts";
import { COMPAT } from "./helpers.ts";

const read = (name: string) => Deno.readFileSync(COMPAT + name);
const image = (name: string) => decodeImageFile(read(name));

const VECTORS = [
  ["01_eso_dss_test2.pgm", "01_eso_dss_test2.bpc", "auto"],
  ["02_skimage_microaneurysms.pgm", "02_skimage_microaneurysms.bpc", "auto"],
  ["03_r_faq_p012_crop200x100.png", "03_r_faq_p012_crop200x100.bpc", "auto"],
  ["04_synthetic_7x5.pgm", "04_synthetic_7x5.bpc", "invert"],
  ["05_synthetic_1x1.pgm", "05_synthetic_1x1.bpc", "auto"],
] as const;

const PACKED = ["ct_small.pgm", "nested/zeiss_sem_crop64x48.png", "zz_synthetic_13x9.pgm"];

Deno.test("compat: training on train/ writes model.bpm byte for byte", async () => {
  const names = [...Deno.readDirSync(COMPAT + "train")].map((e) => e.name).sort();
  assertEquals(names.length, 4);
  const model = await trainModel(names.map((n) => image(`train/${n}`)), { format: "classic" });
  assertEquals(model.bytes, read("model.bpm"));
  assertEquals(
    toHex(model.hash),
    "335477555b0f8979a3eaa25bedb9b577500eec1e886f9237791225b8b6fe086c",
  );
});

for (const [source, coded, polarity] of VECTORS) {
  Deno.test(`compat: ${coded} is encoded byte for byte and decodes to ${source}`, async () => {
    const model = await parseModel(read("model.bpm"));
    const original = image(source);
    assertEquals(await encodeImage(original, model, { polarity }), read(coded));
    const decoded = await decodeImage(read(coded), model);
    assertEquals(decoded.data, original.data);
    assertEquals([decoded.width, decoded.height], [original.width, original.height]);
  });
}

Deno.test("compat: archive3.bpa is packed byte for byte and unpacks to pack/", async () => {
  const model = await parseModel(read("model.bpm"));
  const entries = PACKED.map((name) => ({ name, image: image(`pack/${name}`) }));
  assertEquals(await packArchive(entries, model), read("archive3.bpa"));
  const unpacked = await unpackArchive(read("archive3.bpa"));
  assertEquals(unpacked.model.bytes, read("model.bpm"));
  assertEquals(unpacked.entries.map((e) => e.name), PACKED);
  for (const [i, entry] of unpacked.entries.entries()) {
    assert("image" in entry, entry.name);
    assert(entry.image.data.every((v, k) => v === entries[i].image.data[k]), entry.name);
  }
});

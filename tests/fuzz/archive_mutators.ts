/**
 * Mutations of bpcodec images and archives that keep the container valid, so that only the
 * meaning changes: entries swapped, dropped, duplicated (also under a `./` alias) or reversed;
 * a coded stream cut, extended or exchanged; the embedded model replaced. The seed is parsed
 * and the mutant written with the library's own container functions for images and, for
 * archives, in the same layout without the writers' name checks (`tests/archive_writer.ts`), so
 * that reordered and repeated names reach the readers; every v2 checksum but the image
 * checksums is recomputed.
 *
 * @module
 */
import {
  type ClassicArchiveEntry,
  parseClassicArchive,
  parseClassicImage,
  serializeClassicImage,
} from "../../src/classic/container.ts";
import {
  parseV2Archive,
  parseV2Image,
  serializeV2Image,
  type V2ArchiveEntry,
} from "../../src/v2/container.ts";
import { uncheckedClassicArchive, uncheckedV2Archive } from "../archive_writer.ts";
import type { Mutant, MutationInput, Mutator } from "./mutation.ts";
import type { Seed } from "./seeds.ts";

type Entry = ClassicArchiveEntry | V2ArchiveEntry;

/** An entry's coded stream (v2: its first tile's; the seeds are one tile each). */
function streamOf(entry: Entry): Uint8Array {
  return "tiles" in entry ? entry.tiles[0].stream : entry.stream;
}

/** The entry with its (first tile's) stream replaced. */
function withStream(entry: Entry, stream: Uint8Array): Entry {
  if (!("tiles" in entry)) return { ...entry, stream };
  return { ...entry, tiles: [{ ...entry.tiles[0], stream }, ...entry.tiles.slice(1)] };
}

/** A coded file taken apart: its entries (one, unnamed, for images) and how to write it again. */
interface TakenApart {
  entries: Entry[];
  modelBytes?: Uint8Array;
  modelHash?: Uint8Array;
  write(entries: Entry[], model?: { bytes?: Uint8Array; hash?: Uint8Array }): Uint8Array;
}

function takeApart(seed: Seed): TakenApart {
  const bytes = seed.bytes;
  switch (seed.format) {
    case "bpc1": {
      const file = parseClassicImage(bytes);
      return {
        entries: [{ ...file, name: "" }],
        write: ([e]) =>
          serializeClassicImage({ ...(e as ClassicArchiveEntry), modelHash: file.modelHash }),
      };
    }
    case "bpc2": {
      const { modelHash, image } = parseV2Image(bytes);
      return {
        entries: [{ ...image, name: "" }],
        write: ([e]) => serializeV2Image(e as V2ArchiveEntry, modelHash),
      };
    }
    case "bpa1": {
      const archive = parseClassicArchive(bytes);
      return {
        ...archive,
        write: (entries, model) =>
          uncheckedClassicArchive({
            modelBytes: model?.bytes ?? archive.modelBytes,
            entries: entries as ClassicArchiveEntry[],
          }),
      };
    }
    case "bpa2": {
      const archive = parseV2Archive(bytes);
      // The seeds are archives of coded images (version 3): no kept files.
      return {
        ...archive,
        entries: archive.entries as V2ArchiveEntry[],
        write: (entries, model) =>
          uncheckedV2Archive({
            modelHash: model?.hash ?? archive.modelHash,
            modelBytes: model ? model.bytes : archive.modelBytes,
            entries: entries as V2ArchiveEntry[],
          }),
      };
    }
    default:
      throw new Error(`archive mutators: not a bpcodec image or archive: ${seed.format}`);
  }
}

function mutant(kind: string, bytes: Uint8Array, description: string, sameValue = false): Mutant {
  return { bytes, kind, description: `${description} (re-serialized)`, mayChange: true, sameValue };
}

/** Reorders, drops or duplicates archive entries. */
export const entriesMutator: Mutator = {
  kind: "entries",
  apply({ seed, rng }) {
    if (seed.format !== "bpa1" && seed.format !== "bpa2") return undefined;
    const file = takeApart(seed);
    const entries = file.entries.slice();
    const n = entries.length;
    if (n < 2) return undefined;
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    let what: string;
    switch (rng.int(6)) {
      case 0:
        [entries[i], entries[j]] = [entries[j], entries[i]];
        what = `swap entries ${i} and ${j}`;
        break;
      case 1:
        entries.splice(i, 1);
        what = `drop entry ${i}`;
        break;
      case 2:
        entries.splice(rng.int(n + 1), 0, entries[i]);
        what = `duplicate entry ${i}`;
        break;
      case 3:
        entries.splice(rng.int(n + 1), 0, { ...entries[i], name: `./${entries[i].name}` });
        what = `duplicate entry ${i} as ./${entries[i].name}`;
        break;
      case 4:
        entries.reverse();
        what = "reverse the entries";
        break;
      default:
        entries.length = 0;
        what = "drop every entry";
    }
    return mutant("entries", file.write(entries), what);
  },
};

/** Cuts, extends or exchanges the coded stream of one entry. */
export const restreamMutator: Mutator = {
  kind: "restream",
  apply(input: MutationInput) {
    const { seed, rng } = input;
    if (!["bpc1", "bpc2", "bpa1", "bpa2"].includes(seed.format)) return undefined;
    const file = takeApart(seed);
    const entries = file.entries.slice();
    const i = rng.int(entries.length);
    const stream = streamOf(entries[i]);
    const n = stream.length;
    const options: [string, () => Uint8Array][] = [
      ["cut the last byte", () => stream.slice(0, n - 1)],
      ["cut to half", () => stream.slice(0, n >> 1)],
      ["keep the first byte", () => stream.slice(0, 1)],
      ["empty it", () => new Uint8Array(0)],
      ["append a zero byte", () => Uint8Array.of(...stream, 0)],
      ["append a random byte", () => Uint8Array.of(...stream, rng.int(256))],
      ["append 8 random bytes", () => Uint8Array.of(...stream, ...rng.bytes(8))],
    ];
    if (entries.length > 1) {
      const other = (i + 1 + rng.int(entries.length - 1)) % entries.length;
      options.push([`replace it by entry ${other}'s`, () => streamOf(entries[other]).slice()]);
    }
    const [what, make] = rng.pick(options);
    entries[i] = withStream(entries[i], make());
    return mutant("restream", file.write(entries), `entry ${i} stream: ${what}`);
  },
};

/** Replaces, adds or removes the model an archive embeds. */
export const modelSwapMutator: Mutator = {
  kind: "model-swap",
  apply({ seed, models, rng }) {
    if (seed.format !== "bpa1" && seed.format !== "bpa2") return undefined;
    const file = takeApart(seed);
    const format = seed.format === "bpa1" ? "classic" : "v2";
    const same = (m: { bytes: Uint8Array }) =>
      file.modelBytes !== undefined && m.bytes.length === file.modelBytes.length &&
      m.bytes.every((b, k) => b === file.modelBytes![k]);
    const others = models.filter((m) => m.format === format && !same(m));
    const other = rng.pick(others);
    const name = other.format === "v2" && other.builtIn ? "the built-in model" : "another model";
    if (format === "classic") {
      return mutant("model-swap", file.write(file.entries, other), `embed ${name}`);
    }
    const choices: [string, () => Uint8Array, boolean?][] = [
      [`embed ${name}, hash kept`, () => file.write(file.entries, { bytes: other.bytes })],
      [`embed ${name} with its hash`, () => file.write(file.entries, other)],
    ];
    if (file.modelBytes) {
      choices.push(["embed no model, hash kept", () => file.write(file.entries, {})]);
    } else {
      const builtIn = models.find((m) => m.format === "v2" && m.builtIn)!;
      choices.push([
        "embed the built-in model it refers to",
        () => file.write(file.entries, { bytes: builtIn.bytes }),
        true,
      ]);
    }
    const [what, make, sameValue] = rng.pick(choices);
    return mutant("model-swap", make(), what, sameValue);
  },
};

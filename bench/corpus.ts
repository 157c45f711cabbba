/**
 * The corpus benchmark: the corpus test splits, domain by domain, with bpcodec v2 (built-in
 * model, and a model trained on the domain's train split), classic (with `--classic`: one model
 * trained on all train splits) and the peers of `bpcodec bench` (PNG, JPEG-LS, HTJ2K, JPEG XL),
 * measured by the same machinery as `bpcodec bench` (`src/cli/bench/`): in memory, in this
 * process, every image decoded and compared.
 *
 * Usage: `deno run -A bench/corpus.ts [--corpus 8|16] [--domain NAME] [--levels L,...]
 * [--no-trained] [--classic] [--peers P,...|none] [--repeat N]`: `--levels` (default `default`)
 * runs the built-in and trained models at each of those levels. Needs the shared corpus beside
 * the repository.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { defaultModel, type Model, trainModel } from "../mod.ts";
import type { BenchCodec } from "../src/cli/bench/bench_codec.ts";
import { listImageSet } from "../src/cli/bench/image_set.ts";
import { describeMachine, machineLine } from "../src/cli/bench/machine.ts";
import { checkPeerNames, DEFAULT_PEERS, loadPeers } from "../src/cli/bench/peers.ts";
import { domainTable, ratioTable, totalsTable } from "../src/cli/bench/report.ts";
import { type BenchRow, runBench } from "../src/cli/bench/run.ts";
import { summarize, summarizeByDomain } from "../src/cli/bench/summary.ts";
import { bpcodecVariant, checkLevels } from "../src/cli/bench/variants.ts";
import { readImage } from "../src/cli/files.ts";

const { values: flags } = parseArgs({
  options: {
    corpus: { type: "string", default: "8" },
    domain: { type: "string" },
    "no-trained": { type: "boolean" },
    classic: { type: "boolean" },
    levels: { type: "string", default: "default" },
    peers: { type: "string", default: DEFAULT_PEERS.join(",") },
    repeat: { type: "string", default: "1" },
  },
});
const CORPUS = fileURLToPath(
  new URL(`../../shared/${flags.corpus === "16" ? "corpus16" : "corpus"}/`, import.meta.url),
);

const domains = [...Deno.readDirSync(CORPUS)].filter((e) => e.isDirectory && e.name !== "LICENSES")
  .map((e) => e.name).filter((d) => !flags.domain || d === flags.domain).sort();
const set = await listImageSet(domains.map((d) => `${CORPUS}${d}/test`));
const imagesOf = (domain: string) =>
  set.images.filter((i) => (i.domain ?? domains[0]) === domain)
    .map((i) => ({ ...i, domain, read: () => readImage(i.path) }));
const trainingImages = async (domain: string) =>
  await Promise.all(
    (await listImageSet([`${CORPUS}${domain}/train`])).images.map((i) => readImage(i.path)),
  );

const levels = checkLevels(flags.levels.split(","));
const variants = (model: Model, modelLabel?: string) =>
  levels.map((level) => bpcodecVariant({ model, level, workers: 1, modelLabel }));
const builtIns = variants(await defaultModel());
const builtIn = builtIns[0];
const classic = flags.classic
  ? bpcodecVariant({
    model: await trainModel((await Promise.all(domains.map(trainingImages))).flat(), {
      format: "classic",
    }),
    level: "default",
    workers: 1,
  })
  : undefined;
const { peers, unavailable } = await loadPeers(checkPeerNames(flags.peers.split(",")));
for (const u of unavailable) console.error(`${u.name} is not available: ${u.reason}`);

const rows: BenchRow[] = [];
for (const domain of domains) {
  const trained = flags["no-trained"]
    ? []
    : variants(await trainModel(await trainingImages(domain)), "trained");
  const codecs = [...builtIns, ...trained, classic, ...peers].filter((c): c is BenchCodec => !!c);
  console.error(`${domain}: ${codecs.map((c) => c.name).join(", ")}`);
  rows.push(
    ...await runBench(imagesOf(domain), codecs, {
      repeat: Number(flags.repeat),
      problem: (row) => console.error(`${row.image}: ${row.codec} ${row.status}: ${row.detail}`),
    }),
  );
}

const totals = summarize(rows);
console.log(`${set.title}, ${machineLine(describeMachine())}, median of ${flags.repeat} run(s)\n`);
for (const line of domainTable(summarizeByDomain(rows), totals)) console.log(line);
console.log("");
for (const line of totalsTable(totals)) console.log(line);
console.log("");
const others = totals.map((s) => s.codec).filter((c) => c !== builtIn.name);
for (const line of ratioTable(rows, builtIn.name, others)) console.log(line);

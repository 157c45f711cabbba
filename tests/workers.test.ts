import { assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { TrainingWorkers } from "../src/workers/training_workers.ts";
import { centralCrop, type CropJob, IN_THREAD } from "../src/v2/crop_work.ts";
import { countDirectSlots } from "../src/v2/direct_counts.ts";
import { defaultV2Model, serializeV2Model, trainV2Model, untrainedV2Model } from "../src/v2/mod.ts";
import { runCli } from "./cli_run.ts";
import { makeImage, randomGenerator, SHARED } from "./helpers.ts";

function noisyRamp(width: number, height: number, seed: number) {
  const rand = randomGenerator(seed);
  return makeImage(width, height, (x, y) => ((x * 3 + y * 2) & 127) + (rand() & 15));
}

const images = [noisyRamp(40, 30, 1), noisyRamp(33, 41, 2), noisyRamp(25, 25, 3)];

async function withWorkers(count: number, test: (workers: TrainingWorkers) => Promise<void>) {
  const workers = new TrainingWorkers(count);
  try {
    await test(workers);
  } finally {
    workers.close();
  }
}

Deno.test("training workers give the in-thread results, in job order", () =>
  withWorkers(3, async (workers) => {
    const crops = images.map((image) => centralCrop(image));
    const models = [untrainedV2Model(), defaultV2Model()];
    const jobs: CropJob[] = [];
    for (let crop = 0; crop < crops.length; crop++) {
      for (let model = 0; model < models.length; model++) {
        jobs.push({ kind: "bytes", crop, model }, { kind: "network", crop, model });
      }
    }
    const expected = await IN_THREAD.run(crops, models, jobs);
    assertEquals(await workers.run(crops, models, jobs), expected);
    // a second batch with other crops and models reaches the same workers
    const fewer = crops.slice(1);
    assertEquals(
      await workers.run(fewer, models.slice(1), [{ kind: "bytes", crop: 1, model: 0 }]),
      await IN_THREAD.run(fewer, models.slice(1), [{ kind: "bytes", crop: 1, model: 0 }]),
    );
  }));

Deno.test("workers count direct slots as countDirectSlots does, folds and progress included", () =>
  withWorkers(2, async (workers) => {
    const all = [...images, noisyRamp(17, 9, 4)];
    const seen: number[] = [];
    const counts = await workers.countDirectSlots(all, defaultV2Model(), (done) => seen.push(done));
    const expected = await countDirectSlots(all, defaultV2Model());
    assertEquals(counts.ones, expected.ones);
    assertEquals(counts.totals, expected.totals);
    assertEquals([seen[0], seen.at(-1)], [0, 100]);
  }));

Deno.test("v2 training on workers writes the in-thread model byte for byte", () =>
  withWorkers(2, async (workers) => {
    const options = { base: defaultV2Model(), searchParameters: true };
    const inThread = await trainV2Model(images, options);
    const onWorkers = await trainV2Model(images, { ...options, runner: workers });
    assertEquals(serializeV2Model(onWorkers), serializeV2Model(inThread));
  }));

Deno.test("training workers: a failing job rejects with the worker's reason", () =>
  withWorkers(2, async (workers) => {
    const crops = images.map((image) => centralCrop(image));
    await assertRejects(
      () => workers.run(crops, [untrainedV2Model()], [{ kind: "bytes", crop: 7, model: 0 }]),
      Error,
      "a training worker failed",
    );
  }));

Deno.test("training workers: the count must be a whole number ≥ 1", () => {
  assertThrows(() => new TrainingWorkers(0), RangeError);
  assertThrows(() => new TrainingWorkers(1.5), RangeError);
});

Deno.test("cli: train --workers 1 and --workers 3 write the same v2 model", async () => {
  const dir = Deno.makeTempDirSync();
  const train = ["train", "--device", "cpu", "--input-dir", `${SHARED}compat/train`];
  const one = await runCli([...train, "--workers", "1", "--model", "1.bpm"], dir);
  assertEquals(one.code, 0, one.stderr);
  // The summary says whether the model has a primer (and if so which tiles it may start).
  assertEquals(
    one.stdout.trim().split("\n")[2],
    "primer: none (no training image's crop saved enough on the others it may start)",
  );
  const three = await runCli([...train, "--workers", "3", "--model", "3.bpm", "--json"], dir);
  assertEquals(three.code, 0, three.stderr);
  assertEquals(JSON.parse(three.stdout).workers, 3);
  assertEquals(Deno.readFileSync(`${dir}/3.bpm`), Deno.readFileSync(`${dir}/1.bpm`));
  const bad = await runCli([...train, "--workers", "0", "--model", "0.bpm"], dir);
  assertEquals(bad.code, 2);
  assertEquals(bad.stderr.trim().split("\n").length, 1, bad.stderr);
});

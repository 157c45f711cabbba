import { assertEquals } from "./assert.ts";
import { randomGenerator } from "./helpers.ts";
import { FINAL_NEURON_INPUTS, FIRST_LAYER_NEURONS, MixerNetwork } from "../src/v2/mixer.ts";
import { MIXER_WASM_BASE64 } from "../src/v2/mixer_wasm.ts";
import { SQUASH_TABLE } from "../src/v2/squash.ts";
import { base64Lines, compileWat, MIXER_WAT_URL } from "../tools/wasm_source.ts";

Deno.test("mixer_wasm.ts holds mixer.wat compiled (run tools/build_wasm.ts if not)", async () => {
  const bytes = await compileWat(MIXER_WAT_URL);
  assertEquals([...MIXER_WASM_BASE64], base64Lines(bytes));
});

/** The network's definition (docs/v2-stream.md §3.3), one input at a time. */
class ScalarNetwork {
  readonly weights: Int32Array[];
  readonly final: Int32Array;
  #d = [0, 0, 0];
  #p = [0, 0, 0, 0];
  constructor(first: Int32Array[], final: Int32Array, readonly rates: [number, number]) {
    this.weights = first.map((w) => w.slice());
    this.final = final.slice();
  }
  #neuron(x: ArrayLike<number>, w: Int32Array): number {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += Math.imul(x[i], w[i]) >> 8;
    return Math.max(-2047, Math.min(2047, sum >> 8));
  }
  p(x: Int32Array): number {
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      this.#d[k] = this.#neuron(x, this.weights[k]);
      this.#p[k] = SQUASH_TABLE[this.#d[k] + 2048];
    }
    this.#p[3] = SQUASH_TABLE[this.#neuron([...this.#d, 256], this.final) + 2048];
    return this.#p[3];
  }
  update(x: Int32Array, bit: number): void {
    const learn = (inputs: ArrayLike<number>, w: Int32Array, p: number, rate: number) => {
      const e = (((bit << 12) - p) * rate) >> 4;
      if (e > -8 && e < 8) return;
      for (let i = 0; i < inputs.length; i++) w[i] += Math.imul(inputs[i], e) >> 10;
    };
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      learn(x, this.weights[k], this.#p[k], this.rates[0]);
    }
    learn([...this.#d, 256], this.final, this.#p[3], this.rates[1]);
  }
}

Deno.test("the WebAssembly mixer computes the scalar definition exactly", () => {
  const random = randomGenerator(7);
  const signed = (range: number) => (random() % (2 * range + 1)) - range;
  for (const inputCount of [1, 4, 17, 18]) {
    const initialFirst = new Int32Array(FIRST_LAYER_NEURONS * inputCount).map(() =>
      signed(1 << 19)
    );
    const initialFinal = new Int32Array(FINAL_NEURON_INPUTS).map(() => signed(1 << 17));
    const network = new MixerNetwork(inputCount, [1, 1, 1], 1, 12, 4, initialFirst, initialFinal);
    const scalar = new ScalarNetwork(
      [0, 1, 2].map((k) => initialFirst.slice(k * inputCount, (k + 1) * inputCount)),
      initialFinal,
      [12, 4],
    );
    for (let step = 0; step < 3000; step++) {
      const x = new Int32Array(inputCount).map(() => signed(2047));
      network.inputs.set(x);
      const bit = random() & 1;
      assertEquals(network.p(0, 0, 0, 0), scalar.p(x), `p at step ${step}`);
      network.update(bit);
      scalar.update(x, bit);
    }
    for (let k = 0; k < FIRST_LAYER_NEURONS; k++) {
      assertEquals(network.neuronWeights(k), scalar.weights[k]);
    }
    assertEquals(network.finalWeights, scalar.final);
  }
});

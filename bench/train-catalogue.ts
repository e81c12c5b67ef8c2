// Catalogue-size suite: the ComiRec-SA training step (B 128, T 20, D 64, K 4, S 1280 log-uniform
// negatives, lazy Adam) at N = 50k, 310k and 1.7M items, one thread, measured in one run, so the
// ratios say whether the per-step cost grows with the catalogue (the sampler, the sampled softmax
// and lazy Adam touch only the batch's rows). Opt-in: the 1.7M model takes ≈ 1.3 GB of wasm memory.
import { init } from '../src/engine/load.js';
import { Rng } from '../src/engine/random.js';
import { backward } from '../src/autograd/tape.js';
import { Adam } from '../src/optim/adam.js';
import type { RetrievalBatch } from '../src/models/types.js';
import { ComiRecSA } from '../src/models/comirec-sa.js';
import { runSuite, table, type BenchCase } from './harness.js';
import { logUniformBatch } from './log-uniform-batch.js';

const B = 128, T = 20, D = 64, K = 4;
const SIZES = [50_000, 310_000, 1_700_000];

/** Batches whose items are log-uniform over the catalogue (popular ids are small), as a real log. */
function batches(N: number, count: number): RetrievalBatch[] {
  const rng = new Rng(N);
  return Array.from({ length: count }, () => logUniformBatch(rng, N, B, T));
}

const label = (N: number) => `N = ${N.toLocaleString('en-US')}`;

export async function benchTrainCatalogue(): Promise<string> {
  const e = await init({ backend: 'wasm-simd', threads: 1 });
  const cases: BenchCase[] = [];
  const memory: string[] = [];
  for (const N of SIZES) {
    const model = new ComiRecSA({ items: N, dim: D, interests: K, seqLen: T });
    const opt = new Adam(model.params.list(), { lr: 1e-3 });
    const data = batches(N, 20);
    const rng = new Rng(9);
    let i = 0;
    const fn = () => {
      backward(model.loss(data[i++ % data.length], rng));
      opt.step();
      e.heap.resetArena();
    };
    for (let w = 0; w < 10; w++) fn(); // Adam's moments of the rows touched so far are allocated
    memory.push(`${label(N)}: wasm memory ${(e.heap.byteLength / 2 ** 20).toFixed(0)} MiB after building it`);
    cases.push({ name: 'ComiRec-SA step', impl: label(N), fn, work: 1, unit: 'steps/s' });
  }
  const rows = await runSuite('train-catalogue', cases);
  const [small, ...larger] = SIZES.map(label);
  return `${table(rows, larger.map((l) => [l, small]))}\n\n${memory.join('; ')} (the models are built one after another in one memory).`;
}

// f32 against f16 optimizer state (issue 12): (1) memory: build ComiRec-SA with N items at D and
// lazy Adam with the given state, take a few steps on log-uniform batches, print the wasm memory,
// Adam's state bytes and steps/s — or the error when the 4 GiB of wasm32 memory do not suffice;
// (2) quality: train ComiRec-SA on a synthetic preset with both states and print test Recall@50
// against MostPopular.
// Run: node --import tsx bench/experiments/optim-state.ts memory N D f32|f16
//      node --import tsx bench/experiments/optim-state.ts quality [tiny|small] [steps]
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { MostPopular } from '../../src/models/most-popular.js';
import type { RetrievalBatch } from '../../src/models/types.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { Trainer } from '../../src/train/trainer.js';
import { evaluateRetrieval, recallAt } from '../../src/train/evaluate.js';
import { logUniformBatch } from '../log-uniform-batch.js';

const [mode = 'quality', a1, a2, a3] = process.argv.slice(2);
const MiB = 2 ** 20;

async function memory(N: number, D: number, state: 'f32' | 'f16'): Promise<void> {
  const e = await init({ backend: 'wasm-simd', threads: 1 });
  const B = 128, T = 20;
  const t0 = performance.now();
  try {
    const model = new ComiRecSA({ items: N, dim: D, interests: 4, seqLen: T });
    const opt = new Adam(model.params.list(), { lr: 1e-3, sparseState: state });
    const built = (performance.now() - t0) / 1000;
    const rng = new Rng(N);
    const batch = (): RetrievalBatch => logUniformBatch(rng, N, B, T);
    const draw = new Rng(9);
    const step = () => e.step(() => { backward(model.loss(batch(), draw)); opt.step(); });
    for (let i = 0; i < 3; i++) step();
    const t1 = performance.now();
    const steps = 20;
    for (let i = 0; i < steps; i++) step();
    const sps = steps / ((performance.now() - t1) / 1000);
    const m = e.memory();
    console.log(`N ${N} D ${D} state ${state}: OK; wasm memory ${(m.total / MiB).toFixed(0)} MiB, pool ${(m.pool / MiB).toFixed(0)} MiB, Adam state ${(opt.stateBytes() / MiB).toFixed(0)} MiB, built in ${built.toFixed(0)} s, ${sps.toFixed(1)} steps/s`);
  } catch (err) {
    console.log(`N ${N} D ${D} state ${state}: FAILED after ${((performance.now() - t0) / 1000).toFixed(0)} s: ${(err as Error).message}`);
  }
}

async function quality(preset: 'tiny' | 'small', steps: number): Promise<void> {
  await init({ backend: 'wasm-simd', threads: 1 });
  const ds = prepareRetrieval(generateSynthetic(preset).events, { filter: false });
  const T = 20;
  const test = evalCases(ds, 'test', T);
  const pop = evaluateRetrieval(new MostPopular(ds.vocab.size), test);
  console.log(`synthetic ${preset}: ${ds.vocab.size - 1} items, ${ds.train.length} training users; MostPopular Recall@50 ${recallAt(pop, 50).toFixed(4)}`);
  for (const state of ['f32', 'f16'] as const) {
    for (const seed of [1, 2]) {
      const model = new ComiRecSA({ items: ds.vocab.size, dim: 32, seqLen: T, seed });
      const r = new Trainer(model, ds, { batchSize: 64, lr: 5e-3, maxSteps: steps, evalEvery: Math.max(50, steps / 6), seed, optimizerState: state }).fit();
      const m = evaluateRetrieval(model, test);
      console.log(`${state} seed ${seed}: test Recall@50 ${recallAt(m, 50).toFixed(4)}, best valid ${r.bestRecall50.toFixed(4)} at step ${r.bestStep}, ${r.stepsPerSec.toFixed(1)} steps/s, final loss ${r.lossCurve.at(-1)!.loss.toFixed(4)}`);
    }
  }
}

if (mode === 'memory') await memory(Number(a1), Number(a2), a3 === 'f16' ? 'f16' : 'f32');
else await quality((a1 as 'tiny' | 'small') ?? 'tiny', Number(a2 ?? 300));

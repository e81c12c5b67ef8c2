// Training-step suite: one full step (forward, sampled-softmax loss, backward, lazy Adam, arena
// reset) of each retrieval model at the benchmark shape B=128, T=20, D=64, K=4, S=1280 over a
// 50k-item table, single thread; plus, when Debian's python3-torch is installed, the PyTorch 1.13
// reference step (bench/torch/comirec_sa_step.py) measured in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { init } from '../src/engine/load.js';
import { Rng } from '../src/engine/random.js';
import { backward } from '../src/autograd/tape.js';
import { Adam } from '../src/optim/adam.js';
import type { RetrievalBatch, RetrievalModel } from '../src/models/types.js';
import { MIND } from '../src/models/mind.js';
import { ComiRecDR } from '../src/models/comirec-dr.js';
import { ComiRecSA } from '../src/models/comirec-sa.js';
import { SINE } from '../src/models/sine.js';
import { YouTubeDNN } from '../src/models/youtube-dnn.js';
import { runSuite, table, type BenchCase } from './harness.js';

const B = 128, T = 20, D = 64, K = 4, N = 50_000;

/** Synthetic batches with log-uniform (popularity-like) items and uniform lengths. */
export function benchBatches(count: number, seed = 1): RetrievalBatch[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const hist = new Int32Array(B * T);
    const mask = new Float32Array(B * T);
    const len = new Int32Array(B);
    const target = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      len[b] = 1 + rng.int(T);
      for (let t = 0; t < len[b]; t++) {
        hist[b * T + t] = rng.logUniform(N);
        mask[b * T + t] = 1;
      }
      target[b] = rng.logUniform(N);
    }
    return { B, T, hist, mask, len, target };
  });
}

function stepCase(name: string, model: RetrievalModel, lr: number): BenchCase {
  const e = model.itemTable().engine;
  const opt = new Adam(model.params.list(), { lr });
  const batches = benchBatches(20);
  const rng = new Rng(9);
  let i = 0;
  const fn = () => {
    const loss = model.loss(batches[i++ % batches.length], rng);
    backward(loss);
    opt.step();
    e.heap.resetArena();
  };
  return { name, impl: 'mirec wasm-simd', fn, work: 1, unit: 'steps/s' };
}

function torchStepsPerSec(): number | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const out = execFileSync(py, ['bench/torch/comirec_sa_step.py', '200'], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out.trim().split('\n').pop()!).steps_per_sec;
  } catch {
    return null;
  }
}

export async function benchTrainStep(): Promise<string> {
  await init({ backend: 'wasm-simd' });
  const common = { items: N, dim: D, interests: K, seqLen: T };
  const cases = [
    stepCase('ComiRec-SA step', new ComiRecSA(common), 1e-3),
    stepCase('MIND step', new MIND(common), 1e-3),
    stepCase('ComiRec-DR step', new ComiRecDR(common), 5e-3),
    stepCase('SINE step', new SINE(common), 1e-3),
    stepCase('YouTubeDNN step', new YouTubeDNN(common), 1e-3),
  ];
  const rows = await runSuite('train-step', cases);
  const torch = torchStepsPerSec();
  if (torch) rows.push({ suite: 'train-step', name: 'ComiRec-SA step', impl: 'pytorch 1.13 cpu (1 thread, sparse grads)', unit: 'steps/s', value: torch, seconds: 1 / torch, rme: 0 });
  return table(rows, torch ? [['mirec wasm-simd', 'pytorch 1.13 cpu (1 thread, sparse grads)']] : []);
}

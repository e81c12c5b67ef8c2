// Training-step suite: one full step (forward, sampled-softmax loss, backward, lazy Adam, arena
// reset) of each retrieval model at the benchmark shape B=128, T=20, D=64, K=4, S=1280 over a
// 50k-item table, on 1 thread and on BENCH_THREADS (default 2); plus, when Debian's python3-torch
// is installed, the PyTorch 1.13 reference step (bench/torch/comirec_sa_step.py) on 1 and 2
// threads, measured in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { init } from '../src/engine/load.js';
import { setEngine } from '../src/engine/current.js';
import type { Engine } from '../src/engine/engine.js';
import { installNodeHost } from '../src/io/node-host.js';
import { SPLIT } from '../src/engine/threads/index.js';
import { SPLIT_COST } from '../src/engine/threads/split.js';
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

export function stepCase(name: string, model: RetrievalModel, lr: number, impl: string): BenchCase {
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
  return { name, impl, fn, work: 1, unit: 'steps/s' };
}

/** PyTorch 1.13's step with `threads` intra-op threads (OpenBLAS held to what torch asks). */
function torchStepsPerSec(threads: number): number | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  try {
    const out = execFileSync(py, ['bench/torch/comirec_sa_step.py', '200', String(threads)], {
      env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out.trim().split('\n').pop()!).steps_per_sec;
  } catch {
    return null;
  }
}

const MODELS: [string, (c: { items: number; dim: number; interests: number; seqLen: number }) => RetrievalModel, number][] = [
  ['ComiRec-SA step', (c) => new ComiRecSA(c), 1e-3],
  ['MIND step', (c) => new MIND(c), 1e-3],
  ['ComiRec-DR step', (c) => new ComiRecDR(c), 5e-3],
  ['SINE step', (c) => new SINE(c), 1e-3],
  ['YouTubeDNN step', (c) => new YouTubeDNN(c), 1e-3],
];

/**
 * Every model at 1 thread and at BENCH_THREADS threads (default 2; the kernels split, results
 * bit-identical), then PyTorch at 1 and 2 threads, all in one run so the ratios share the load.
 */
export async function benchTrainStep(): Promise<string> {
  installNodeHost(); // worker_threads for the threaded engine
  const many = Number(process.env.BENCH_THREADS ?? 2);
  const common = { items: N, dim: D, interests: K, seqLen: T };
  const rows = [];
  for (const threads of [1, many]) {
    const e = await init({ backend: 'wasm-simd', threads });
    const impl = `mirec ${e.threads} thread${e.threads > 1 ? 's' : ''}`;
    rows.push(...(await runSuite('train-step', MODELS.map(([name, make, lr]) => stepCase(name, make(common), lr, impl)))));
  }
  (await init({ threads: 1 })).heap.resetArena();
  const ratios: [string, string][] = [[`mirec ${many} threads`, 'mirec 1 thread']];
  let bestTorch: string | null = null, bestValue = 0;
  for (const threads of [1, 2]) {
    const torch = torchStepsPerSec(threads);
    if (!torch) continue;
    const impl = `pytorch 1.13 (${threads} thread${threads > 1 ? 's' : ''})`;
    rows.push({ suite: 'train-step', name: 'ComiRec-SA step', impl, unit: 'steps/s', value: torch, seconds: 1 / torch, rme: 0 });
    if (torch > bestValue) (bestValue = torch), (bestTorch = impl);
  }
  if (bestTorch) ratios.push([`mirec ${many} threads`, bestTorch]);
  return table(rows, ratios);
}

/**
 * 1 thread against BENCH_THREADS threads, alternating in blocks of ≈ 0.3 s inside one process
 * (BENCH_ROUNDS rounds, default 9, the order rotated every round): each round's ratio is taken
 * under the same machine state, so drift between cases does not enter it. Prints the median
 * steps/s per side and the median ratio with its range. BENCH_CHUNKS=1,4 times the threaded
 * engine once per setting of chunks per thread (SPLIT.chunksPerThread; 1 = one fixed part per
 * thread) in the same rounds; BENCH_MIN_COLUMNS=16,256 likewise times settings of the narrowest
 * column part (SPLIT_COST.minColumns). The default is the library's setting only.
 */
export async function benchTrainStepInterleaved(): Promise<string> {
  installNodeHost();
  const many = Number(process.env.BENCH_THREADS ?? 2);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  const chunkList = (process.env.BENCH_CHUNKS ?? String(SPLIT.chunksPerThread)).split(',').map(Number);
  const costList = (process.env.BENCH_MIN_COLUMNS ?? String(SPLIT_COST.minColumns)).split(',').map(Number);
  const chunkSettings = chunkList.flatMap((chunks) => costList.map((minColumns) => ({ chunks, minColumns })));
  const savedCost = { ...SPLIT_COST };
  const common = { items: N, dim: D, interests: K, seqLen: T };
  // The threaded engine first: a threaded init() closes the engine before it, a plain one does not.
  const eMany = await init({ backend: 'wasm-simd', threads: many });
  const manyCases = MODELS.map(([name, make, lr]) => stepCase(name, make(common), lr, 'many'));
  const eOne = await init({ backend: 'wasm-simd', threads: 1 });
  const oneCases = MODELS.map(([name, make, lr]) => stepCase(name, make(common), lr, 'one'));
  const saved = SPLIT.chunksPerThread;
  const block = (e: Engine, fn: () => void, setting: { chunks: number; minColumns: number } = { chunks: saved, minColumns: savedCost.minColumns }): number => {
    setEngine(e);
    SPLIT.chunksPerThread = setting.chunks;
    SPLIT_COST.minColumns = setting.minColumns;
    const t0 = performance.now();
    let n = 0;
    do {
      fn();
      n++;
    } while (performance.now() - t0 < 300);
    return (n * 1000) / (performance.now() - t0);
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const f = (x: number) => x.toFixed(2);
  const label = (c: (typeof chunkSettings)[number]) =>
    `mirec ${eMany.threads} threads${chunkList.length > 1 ? `, ${c.chunks} chunks/thread` : ''}${costList.length > 1 ? `, column parts ≥ ${c.minColumns}` : ''}`;
  const lines = [
    `| case | mirec 1 thread (steps/s, median) | ${chunkSettings.map((c) => `${label(c)} (steps/s, median) | ${eMany.threads} threads / 1 thread: median [min–max] of ${rounds} rounds`).join(' | ')} |`,
    `|---|---:|${chunkSettings.map(() => '---:|---|').join('')}`,
  ];
  for (let m = 0; m < MODELS.length; m++) {
    block(eOne, oneCases[m].fn); // warm-up: let TurboFan tier up both sides
    for (const c of chunkSettings) block(eMany, manyCases[m].fn, c);
    const ones: number[] = [];
    const manys = chunkSettings.map(() => [] as number[]);
    const ratios = chunkSettings.map(() => [] as number[]);
    // Each round times the 1-thread side and every threaded setting, in an order rotated per round.
    const sides = chunkSettings.length + 1;
    for (let r = 0; r < rounds; r++) {
      const got = new Array<number>(sides);
      for (let j = 0; j < sides; j++) {
        const side = (j + r) % sides;
        got[side] = side === 0 ? block(eOne, oneCases[m].fn) : block(eMany, manyCases[m].fn, chunkSettings[side - 1]);
      }
      ones.push(got[0]);
      chunkSettings.forEach((_, i) => (manys[i].push(got[i + 1]), ratios[i].push(got[i + 1] / got[0])));
    }
    lines.push(`| ${MODELS[m][0]} | ${median(ones).toFixed(1)} | ${chunkSettings.map((_, i) => `${median(manys[i]).toFixed(1)} | ${f(median(ratios[i]))}x [${f(Math.min(...ratios[i]))}–${f(Math.max(...ratios[i]))}]`).join(' | ')} |`);
  }
  SPLIT.chunksPerThread = saved;
  Object.assign(SPLIT_COST, savedCost);
  eMany.close();
  return lines.join('\n');
}

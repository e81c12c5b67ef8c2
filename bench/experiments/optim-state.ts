// f32 against f16 optimizer state (issue 12): (1) memory: build ComiRec-SA with N items at D and
// lazy Adam with the given state, take a few steps on log-uniform batches, print the wasm memory,
// Adam's state bytes and steps/s — or the error when the 4 GiB of wasm32 memory do not suffice;
// (2) quality: train ComiRec-SA on a synthetic preset with both states and print test Recall@50
// against MostPopular; (3) kernel: the row-update kernels f32 state vs the two-pass f16 reference
// vs the one-pass f16 kernel, interleaved in one run; (4) step: whole ComiRec-SA steps with f32
// and f16 state, interleaved. (3) and (4) report CPU time (process.cpuUsage) besides wall time, so
// that a loaded machine shows in neither ratio.
// Run: node --import tsx bench/experiments/optim-state.ts memory N D f32|f16
//      node --import tsx bench/experiments/optim-state.ts quality [tiny|small] [steps]
//      node --import tsx bench/experiments/optim-state.ts kernel [D] [rounds]
//      node --import tsx bench/experiments/optim-state.ts step [N] [rounds]
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

/** Run each of `fns` `per` times in turn for `rounds` rounds; CPU and wall ms per call of each. */
function interleaved(fns: Record<string, () => void>, rounds: number, per: number): Record<string, { cpu: number; wall: number }> {
  const out = Object.fromEntries(Object.keys(fns).map((k) => [k, { cpu: 0, wall: 0 }]));
  for (const f of Object.values(fns)) f(); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(fns)) {
      const c0 = process.cpuUsage(), w0 = performance.now();
      for (let i = 0; i < per; i++) f();
      const c = process.cpuUsage(c0);
      out[k].cpu += (c.user + c.system) / 1000;
      out[k].wall += performance.now() - w0;
    }
  }
  for (const v of Object.values(out)) (v.cpu /= rounds * per), (v.wall /= rounds * per);
  return out;
}

const report = (t: Record<string, { cpu: number; wall: number }>, base: string) => {
  for (const [k, v] of Object.entries(t)) console.log(`${k.padEnd(28)} ${v.cpu.toFixed(3)} ms CPU (${(v.cpu / t[base].cpu).toFixed(2)}x), ${v.wall.toFixed(3)} ms wall (${(v.wall / t[base].wall).toFixed(2)}x) per call`);
};

async function kernels(D: number, rounds: number): Promise<void> {
  const e = await init({ backend: 'wasm-simd', threads: 1 });
  const N = Number(process.env.ROWS ?? 50_000), U = 2560;
  const rng = new Rng(5);
  const alloc = (bytes: number) => e.heap.alloc(Math.ceil(bytes / 4) * 4);
  const p = alloc(N * D * 4), g = alloc(U * D * 4), ids = alloc(U * 4);
  const m = alloc(N * D * 4), v = alloc(N * D * 4), acc = alloc(N * D * 4);
  const m16 = [alloc(N * D * 2), alloc(N * D * 2)], v16 = [alloc(N * D * 2), alloc(N * D * 2)], a16 = [alloc(N * D * 2), alloc(N * D * 2)];
  const s2 = [alloc(N * 8), alloc(N * 8)], s1 = [alloc(N * 4), alloc(N * 4)];
  const F = () => e.floats;
  for (let i = 0; i < N * D; i++) F()[(p >>> 2) + i] = rng.normal() * 0.05;
  for (const b of [m, v, acc, ...m16, ...v16, ...a16]) e.heap.zero(b, (N * D) / (b === m || b === v || b === acc ? 1 : 2));
  for (const b of [...s2, ...s1]) F().fill(1, b >>> 2, (b >>> 2) + (b === s2[0] || b === s2[1] ? 2 * N : N));
  const order = Array.from({ length: N }, (_, i) => i).sort(() => rng.uniform() - 0.5);
  e.i32.set(order.slice(0, U), ids >>> 2);
  // Gradients as a step's: one scale per row, spread within the row.
  for (let r = 0; r < U; r++) {
    const mag = 10 ** (-1 - 3 * rng.uniform());
    for (let j = 0; j < D; j++) F()[(g >>> 2) + r * D + j] = rng.normal() * mag;
  }
  let t = 0;
  const bc = () => { t++; return [1 - 0.9 ** t, 1 - 0.999 ** t] as const; };
  const k = e.k;
  const res = interleaved({
    'adam_rows_f32': () => k.adam_rows_f32(p, g, m, v, ids, U, D, 1e-3, 0.9, 0.999, 1e-8, ...bc()),
    'adam_rows_f16_ref (2-pass)': () => k.adam_rows_f16_ref(p, g, m16[0], v16[0], s2[0], ids, U, D, 1e-3, 0.9, 0.999, 1e-8, ...bc()),
    'adam_rows_f16 (1-pass)': () => k.adam_rows_f16(p, g, m16[1], v16[1], s2[1], ids, U, D, 1e-3, 0.9, 0.999, 1e-8, ...bc()),
    'adagrad_rows_f32': () => k.adagrad_rows_f32(p, g, acc, ids, U, D, 1e-2, 1e-10),
    'adagrad_rows_f16_ref (2-pass)': () => k.adagrad_rows_f16_ref(p, g, a16[0], s1[0], ids, U, D, 1e-2, 1e-10),
    'adagrad_rows_f16 (1-pass)': () => k.adagrad_rows_f16(p, g, a16[1], s1[1], ids, U, D, 1e-2, 1e-10),
  }, rounds, 5);
  console.log(`row updates: ${U} unique rows of D ${D} from a ${N}-row table, wasm-simd, one thread, ${rounds} rounds of 5 calls each`);
  report(Object.fromEntries(Object.entries(res).filter(([n]) => n.startsWith('adam'))), 'adam_rows_f32');
  report(Object.fromEntries(Object.entries(res).filter(([n]) => n.startsWith('adagrad'))), 'adagrad_rows_f32');
}

async function steps(N: number, rounds: number): Promise<void> {
  const e = await init({ backend: 'wasm-simd', threads: 1 });
  const B = 128, T = 20, D = 64;
  const run = (state: 'f32' | 'f16') => {
    const model = new ComiRecSA({ items: N, dim: D, interests: 4, seqLen: T, seed: 1 });
    const opt = new Adam(model.params.list(), { lr: 1e-3, sparseState: state });
    const rng = new Rng(N), draw = new Rng(9);
    return () => e.step(() => { backward(model.loss(logUniformBatch(rng, N, B, T), draw)); opt.step(); });
  };
  const res = interleaved({ 'ComiRec-SA step, f32 state': run('f32'), 'ComiRec-SA step, f16 state': run('f16') }, rounds, 3);
  console.log(`ComiRec-SA steps: N ${N}, D ${D}, B ${B}, T ${T}, K 4, log-uniform negatives, lazy Adam, wasm-simd, one thread, ${rounds} rounds of 3 steps each`);
  report(res, 'ComiRec-SA step, f32 state');
}

if (mode === 'kernel') await kernels(Number(a1 ?? 64), Number(a2 ?? 40));
else if (mode === 'step') await steps(Number(a1 ?? 50_000), Number(a2 ?? 10));
else if (mode === 'memory') await memory(Number(a1), Number(a2), a3 === 'f16' ? 'f16' : 'f32');
else await quality((a1 as 'tiny' | 'small') ?? 'tiny', Number(a2 ?? 300));

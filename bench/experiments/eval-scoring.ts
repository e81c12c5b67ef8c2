// Full-catalogue evaluation cost at catalogue scale: a stand-in model with a random item table
// (default the filtered Book shape, 304,648 items + padding, D 64) and random interest vectors
// (K 4) is evaluated like a validation pass (`retrieve` top-50 in batches of 256 users). Reports
// CPU time (process.cpuUsage, all threads; robust to a contended machine) per 1k users, split by
// kernel (wrapped) and the JavaScript rest, and the projection for 46k validation users.
// Run: node --import tsx bench/experiments/eval-scoring.ts [--users 1000] [--items 304648] [--threads 1] [--filter]
import '../../test/helpers/node-host.js';
import { parseArgs } from 'node:util';
import { init, setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor, tensor } from '../../src/tensor.js';
import { ParamStore } from '../../src/nn/params.js';
import { retrieve } from '../../src/serve/retrieve.js';
import { RetrievalAccumulator } from '../../src/eval/retrieval-accumulator.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';

const { values } = parseArgs({ options: {
  users: { type: 'string', default: '1000' }, items: { type: 'string', default: '304648' },
  dim: { type: 'string', default: '64' }, interests: { type: 'string', default: '4' },
  threads: { type: 'string', default: '1' }, filter: { type: 'boolean', default: false },
  batch: { type: 'string', default: '256' }, 'project-users': { type: 'string', default: '46000' },
} });
const U = Number(values.users), N = Number(values.items) + 1, D = Number(values.dim), Q = Number(values.interests);
const T = 20, topN = 50, step = Number(values.batch);
const e = await init({ threads: Number(values.threads) });
setEngine(e);
const rng = new Rng(7);
const gauss = (n: number) => Float32Array.from({ length: n }, () => (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 0.2);
const items = gauss(N * D);
items.fill(0, 0, D);
const table = poolTensor([N, D], items);
const model = {
  kind: 'Stand-in', config: { items: N, dim: D, interests: Q, seqLen: T, seed: 1 }, params: new ParamStore(new Rng(1)),
  itemTable: () => table,
  queries: (b: RetrievalBatch) => ({ vectors: tensor(gauss(b.B * Q * D), [b.B, Q, D]), active: new Uint8Array(b.B * Q).fill(1) }),
} as unknown as RetrievalModel;

// Wrap the kernels of the evaluation path: CPU µs per kernel (all threads of the process).
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const spent = new Map<string, number>();
const k = e.k as unknown as Record<string, (...a: number[]) => unknown>;
for (const name of Object.keys(k)) {
  if (!/^(gemm|topk|mask|score)/.test(name)) continue;
  const fn = k[name];
  k[name] = (...a: number[]) => { const t = cpu(); const r = fn(...a); spent.set(name, (spent.get(name) ?? 0) + cpu() - t); return r; };
}
const acc = new RetrievalAccumulator({ ns: [20, 50] });
const t0 = cpu(), w0 = performance.now();
for (let start = 0; start < U; start += step) {
  const B = Math.min(step, U - start);
  const hist = Int32Array.from({ length: B * T }, () => 1 + rng.int(N - 1));
  const batch: RetrievalBatch = { B, T, hist, mask: new Float32Array(B * T).fill(1), len: new Int32Array(B).fill(T) };
  e.step(() => retrieve(model, batch, { topN, filterHistory: values.filter }).forEach((l, i) => acc.add(l.ids, hist.subarray(i * T, i * T + 1))));
}
const total = cpu() - t0, wall = performance.now() - w0;
const per1k = (us: number) => (us / 1000 / (U / 1000)).toFixed(0);
let kernels = 0;
console.log(`items ${N - 1}, D ${D}, K ${Q}, users ${U}, threads ${values.threads}, filterHistory ${values.filter}`);
for (const [name, us] of [...spent].sort((a, b) => b[1] - a[1])) { kernels += us; console.log(`  ${name.padEnd(22)} ${per1k(us)} ms CPU / 1k users`); }
console.log(`  ${'JavaScript (rest)'.padEnd(22)} ${per1k(total - kernels)} ms CPU / 1k users`);
console.log(`  ${'total'.padEnd(22)} ${per1k(total)} ms CPU / 1k users (wall ${(wall / U * 1000).toFixed(0)} ms / 1k users)`);
const P = Number(values['project-users']);
console.log(`projection: ${P} users ≈ ${(total / 1e6 * P / U / 60).toFixed(1)} min CPU`);
e.close();
process.exit(0);

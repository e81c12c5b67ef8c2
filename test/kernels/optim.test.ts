// Optimizer kernels: Adam, Adagrad and SGD (dense and row-sparse) stepped several times on every
// float32 backend against the float64 oracle, the Adam formula by hand, and lazy updates that
// leave every unlisted row bit-identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import type { Engine } from '../../src/engine/engine.js';
import type { KernelName } from '../../src/engine/abi/index.js';

const SIZES = [0, 1, 3, 4, 5, 17, 67];
const [B1, B2, EPS, LR] = [0.9, 0.999, 1e-8, 1e-2];
const bc = (t: number) => [1 - B1 ** t, 1 - B2 ** t];

/** Run `steps` updates of `name` on engine e (fresh gradient each step); returns all buffers. */
function stepMany(e: Engine, name: KernelName, n: number, state: string[], ints: Record<string, number[]>, args: (p: Record<string, number>, t: number) => number[], steps: number, gradLen = n) {
  const heap: Record<string, number> = {};
  const F = () => e.floats;
  for (const k of ['param', ...state]) {
    heap[k] = e.heap.alloc(Math.max(1, n) * 4);
    F().set(k === 'param' ? randomFloats(n, 1) : new Float64Array(n).fill(k === 'acc' ? 0.1 : 0), heap[k] >> 2);
  }
  heap.grad = e.heap.alloc(Math.max(1, gradLen) * 4);
  for (const [k, v] of Object.entries(ints)) {
    heap[k] = e.heap.alloc(Math.max(1, v.length) * 4);
    e.i32.set(v, heap[k] >> 2);
  }
  for (let t = 1; t <= steps; t++) {
    F().set(randomFloats(gradLen, 100 + t, t === 3 ? 1e-4 : 1), heap.grad >> 2); // one tiny-gradient step
    e.call(name, ...args(heap, t));
  }
  const out: Record<string, Float64Array> = {};
  for (const k of ['param', ...state]) out[k] = Float64Array.from(F().subarray(heap[k] >> 2, (heap[k] >> 2) + n));
  for (const p of Object.values(heap)) e.heap.free(p);
  return out;
}

async function compareSteps(name: KernelName, n: number, state: string[], ints: Record<string, number[]>, args: (p: Record<string, number>, t: number) => number[], gradLen = n) {
  const want = stepMany(oracle(), name, n, state, ints, args, 5, gradLen);
  for (const e of await f32Backends()) {
    const got = stepMany(e, name, n, state, ints, args, 5, gradLen);
    for (const k of Object.keys(want)) assertClose(got[k], want[k], 2e-5, `${name} on ${e.backend}: ${k} after 5 steps`);
  }
  return want;
}

test('adam_f32: five steps match the float64 oracle on every backend', async () => {
  for (const n of [...SIZES, 1000]) {
    await compareSteps('adam_f32', n, ['m', 'v'], {}, (p, t) => [p.param, p.grad, p.m, p.v, n, LR, B1, B2, EPS, ...bc(t)]);
  }
});

test('adam_f32: first step moves every param by lr * sign(g) (bias correction)', async () => {
  const n = 9;
  const g = randomFloats(n, 3);
  const r = await checkKernel('adam_f32', {
    floats: { p: new Float64Array(n), g, m: new Float64Array(n), v: new Float64Array(n) },
    args: (p) => [p.p, p.g, p.m, p.v, n, LR, B1, B2, EPS, ...bc(1)],
  });
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(r.floats.p[i] + LR * Math.sign(g[i]) * (Math.abs(g[i]) / (Math.abs(g[i]) + EPS))) < 1e-12, `p[${i}]`);
    assert.ok(Math.abs(r.floats.m[i] - 0.1 * g[i]) < 1e-12 && Math.abs(r.floats.v[i] - 0.001 * g[i] * g[i]) < 1e-15, `moments[${i}]`);
  }
});

test('adagrad_f32 and sgd_f32: five steps match the oracle', async () => {
  for (const n of SIZES) {
    await compareSteps('adagrad_f32', n, ['acc'], {}, (p) => [p.param, p.grad, p.acc, n, LR, 1e-10]);
    await compareSteps('sgd_f32', n, [], {}, (p) => [p.param, p.grad, n, LR]);
  }
});

const ROWS = 11;
const IDS = [7, 0, 3, 10, 5]; // unique, unordered

const rowCases: [KernelName, string[], (p: Record<string, number>, t: number, count: number, d: number) => number[]][] = [
  ['adam_rows_f32', ['m', 'v'], (p, t, c, d) => [p.param, p.grad, p.m, p.v, p.ids, c, d, LR, B1, B2, EPS, ...bc(t)]],
  ['adagrad_rows_f32', ['acc'], (p, _t, c, d) => [p.param, p.grad, p.acc, p.ids, c, d, LR, 1e-10]],
  ['sgd_rows_f32', [], (p, _t, c, d) => [p.param, p.grad, p.ids, c, d, LR]],
];
for (const [name, state, args] of rowCases) {
  test(`${name}: matches the oracle and leaves unlisted rows bit-identical`, async () => {
    for (const d of SIZES) {
      for (const count of [0, 1, IDS.length]) {
        const ids = IDS.slice(0, count);
        const want = await compareSteps(name, ROWS * d, state, { ids }, (p, t) => args(p, t, count, d), count * d);
        // Unlisted rows of param and state keep their initial values exactly (on every backend).
        for (const e of [oracle(), ...(await f32Backends())]) {
          const got = e.backend === 'js64' ? want : stepMany(e, name, ROWS * d, state, { ids }, (p, t) => args(p, t, count, d), 5, count * d);
          const init = randomFloats(ROWS * d, 1).map((v) => (e.backend === 'js64' ? v : Math.fround(v)));
          for (let r = 0; r < ROWS; r++) {
            if (ids.includes(r)) continue;
            for (let j = 0; j < d; j++) {
              assert.is(got.param[r * d + j], init[r * d + j], `${name} ${e.backend}: param row ${r} changed`);
              for (const s of state) assert.is(got[s][r * d + j], s === 'acc' ? (e.backend === 'js64' ? 0.1 : Math.fround(0.1)) : 0, `${name}: ${s} row ${r} changed`);
            }
          }
        }
      }
    }
  });
}

test('adam_rows_f32 equals adam_f32 restricted to the listed rows', () => {
  const d = 5;
  const n = ROWS * d;
  const e = oracle();
  const g = randomFloats(IDS.length * d, 21);
  const dense = new Float64Array(n);
  IDS.forEach((id, r) => dense.set(g.subarray(r * d, (r + 1) * d), id * d));
  const rows = runKernel(e, 'adam_rows_f32', {
    floats: { p: randomFloats(n, 1), g, m: new Float64Array(n), v: new Float64Array(n) },
    ints: { ids: IDS },
    args: (p) => [p.p, p.g, p.m, p.v, p.ids, IDS.length, d, LR, B1, B2, EPS, ...bc(1)],
  });
  const full = runKernel(e, 'adam_f32', {
    floats: { p: randomFloats(n, 1), g: dense, m: new Float64Array(n), v: new Float64Array(n) },
    args: (p) => [p.p, p.g, p.m, p.v, n, LR, B1, B2, EPS, ...bc(1)],
  });
  for (const id of IDS) {
    for (let j = 0; j < d; j++) assert.is(rows.floats.p[id * d + j], full.floats.p[id * d + j]);
  }
});

test.run();

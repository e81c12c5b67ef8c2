// Elementwise kernels: oracle vs every float32 backend on tail-exercising lengths, special values
// of the transcendental functions, acc=1 accumulation and float64 finite differences of backward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { oracle } from '../helpers/engines.js';
import type { KernelName } from '../../src/engine/abi/index.js';

const SIZES = [0, 1, 3, 4, 5, 17, 67];
const zeros = (n: number) => new Float64Array(n);

const binary = ['add_f32', 'sub_f32', 'mul_f32', 'mul_acc_f32'] as const;
for (const name of binary) {
  test(`${name} matches the oracle`, async () => {
    for (const n of SIZES) {
      await checkKernel(name, {
        floats: { a: randomFloats(n, 1), b: randomFloats(n, 2), out: randomFloats(n, 3) },
        args: (p) => [p.a, p.b, p.out, n],
      });
    }
  });
}

const unary: [KernelName, number][] = [
  ['copy_f32', 3], ['relu_f32', 3], ['tanh_f32', 6], ['sigmoid_f32', 12], ['exp_f32', 20],
];
for (const [name, scale] of unary) {
  test(`${name} matches the oracle`, async () => {
    for (const n of [...SIZES, 1000]) {
      await checkKernel(name, { floats: { x: randomFloats(n, 5, scale), out: zeros(n) }, args: (p) => [p.x, p.out, n] });
    }
  });
}

test('log_f32 matches the oracle on positive inputs', async () => {
  for (const n of [...SIZES, 1000]) {
    const x = randomFloats(n, 6, 1).map((v) => Math.fround(Math.exp(20 * v)));
    await checkKernel('log_f32', { floats: { x, out: zeros(n) }, args: (p) => [p.x, p.out, n] });
  }
});

test('transcendentals keep special values', async () => {
  const x = [0, -0, 1, -1, NaN, Infinity, -Infinity, -1e4, 1e4, 1e-3, -1e-3, 0.5];
  const n = x.length;
  for (const name of ['tanh_f32', 'sigmoid_f32', 'exp_f32', 'relu_f32', 'log_f32'] as const) {
    await checkKernel(name, { floats: { x, out: zeros(n) }, args: (p) => [p.x, p.out, n], tol: 2e-6 });
  }
});

test('axpy, scale, add_scalar, fill', async () => {
  for (const n of SIZES) {
    await checkKernel('axpy_f32', { floats: { x: randomFloats(n, 1), y: randomFloats(n, 2) }, args: (p) => [n, 0.75, p.x, p.y] });
    await checkKernel('scale_f32', { floats: { x: randomFloats(n, 1), out: zeros(n) }, args: (p) => [p.x, -1.5, p.out, n] });
    await checkKernel('add_scalar_f32', { floats: { x: randomFloats(n, 1), out: zeros(n) }, args: (p) => [p.x, 0.25, p.out, n] });
    await checkKernel('fill_f32', { floats: { out: randomFloats(n + 2, 1) }, args: (p) => [p.out, 3.5, n] });
  }
});

test('row broadcasts: add_row, mul_rows_scalar', async () => {
  for (const rows of [0, 1, 3]) {
    for (const n of SIZES) {
      await checkKernel('add_row_f32', {
        floats: { x: randomFloats(rows * n, 1), b: randomFloats(n, 2), out: zeros(rows * n) },
        args: (p) => [p.x, p.b, p.out, rows, n],
      });
      await checkKernel('mul_rows_scalar_f32', {
        floats: { x: randomFloats(rows * n, 1), s: randomFloats(rows, 2), out: zeros(rows * n) },
        args: (p) => [p.x, p.s, p.out, rows, n],
      });
    }
  }
});

test('check_finite_f32 finds the first NaN/Inf', async () => {
  for (const n of SIZES) {
    await checkKernel('check_finite_f32', { floats: { x: randomFloats(n, 1) }, args: (p) => [p.x, n] });
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, n >> 1, n - 1]) {
        if (n === 0) continue;
        const x = randomFloats(n, 1);
        x[at] = bad;
        if (at + 1 < n) x[n - 1] = NaN;
        const r = await checkKernel('check_finite_f32', { floats: { x }, args: (p) => [p.x, n] });
        assert.is(r.ret, at);
      }
    }
  }
});

// Backward kernels: (forward name, backward name, whether the backward takes y (output) or x).
const bwd: [KernelName, KernelName, 'x' | 'y'][] = [
  ['relu_f32', 'relu_bwd_f32', 'x'],
  ['tanh_f32', 'tanh_bwd_f32', 'y'],
  ['sigmoid_f32', 'sigmoid_bwd_f32', 'y'],
];
for (const [fwd, name, saved] of bwd) {
  test(`${name} matches the oracle (acc = 0 and 1)`, async () => {
    for (const n of SIZES) {
      const x = randomFloats(n, 7, 3);
      const y = saved === 'x' ? x : runKernel(oracle(), fwd, { floats: { x, out: zeros(n) }, args: (p) => [p.x, p.out, n] }).floats.out.map(Math.fround);
      for (const acc of [0, 1]) {
        await checkKernel(name, { floats: { s: y, g: randomFloats(n, 8), dx: randomFloats(n, 9) }, args: (p) => [p.s, p.g, p.dx, n, acc] });
      }
    }
  });

  test(`${name} agrees with finite differences (float64) and acc=1 adds`, () => {
    const n = 9;
    const x = randomFloats(n, 11, 2).map((v) => (Math.abs(v) < 0.05 ? v + 0.2 : v)); // stay off relu's kink
    const g = randomFloats(n, 12);
    const f = (xs: ArrayLike<number>) => runKernel(oracle(), fwd, { floats: { x: xs, out: zeros(n) }, args: (p) => [p.x, p.out, n] }).floats.out;
    const y = saved === 'x' ? x : f(x);
    const dx = runKernel(oracle(), name, { floats: { s: y, g, dx: zeros(n) }, args: (p) => [p.s, p.g, p.dx, n, 0] }).floats.dx;
    for (let i = 0; i < n; i++) {
      const xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[i] += 1e-6;
      xm[i] -= 1e-6;
      const num = ((f(xp)[i] - f(xm)[i]) / 2e-6) * g[i];
      assert.ok(Math.abs(num - dx[i]) < 1e-6, `${name}[${i}]: numeric ${num} vs analytic ${dx[i]}`);
    }
    const base = randomFloats(n, 13);
    const dx2 = runKernel(oracle(), name, { floats: { s: y, g, dx: base }, args: (p) => [p.s, p.g, p.dx, n, 1] }).floats.dx;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(dx2[i] - (base[i] + dx[i])) < 1e-12, `${name} acc=1 [${i}]`);
  });
}

test.run();

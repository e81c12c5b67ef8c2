// LayerNorm kernels: oracle vs every float32 backend on tail-exercising shapes, constant rows
// (finite output), acc semantics of dx/dgamma/dbeta, and float64 finite differences of all three
// gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { oracle } from '../helpers/engines.js';

const SIZES = [0, 1, 3, 4, 5, 17, 64, 67];
const ROWS = [0, 1, 3, 4];
const EPS = 1e-5;
const zeros = (n: number) => new Float64Array(n);
const f32 = (a: ArrayLike<number>) => Float64Array.from(a, Math.fround);

function forward(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, rows: number, d: number) {
  return runKernel(oracle(), 'layernorm_f32', {
    floats: { x, gamma, beta, out: zeros(rows * d), mean: zeros(rows), rstd: zeros(rows) },
    args: (p) => [p.x, p.gamma, p.beta, p.out, p.mean, p.rstd, rows, d, EPS],
  }).floats;
}

test('layernorm_f32 matches the oracle, constant rows stay finite', async () => {
  for (const rows of ROWS) {
    for (const d of SIZES) {
      const x = randomFloats(rows * d, 3 + d, 2).map((v, i) => (i < d ? 0.1 : i < 2 * d ? Math.fround(3.7) : v));
      const r = await checkKernel('layernorm_f32', {
        floats: { x, gamma: randomFloats(d, 5), beta: randomFloats(d, 7), out: zeros(rows * d), mean: zeros(rows), rstd: zeros(rows) },
        args: (p) => [p.x, p.gamma, p.beta, p.out, p.mean, p.rstd, rows, d, EPS],
        tol: 1e-4,
      });
      for (const v of r.floats.out) assert.ok(Number.isFinite(v));
    }
  }
});

test('layernorm_bwd_f32 matches the oracle, acc = 0 and 1', async () => {
  for (const rows of ROWS) {
    for (const d of SIZES) {
      const x = randomFloats(rows * d, 11 + d, 2);
      const gamma = randomFloats(d, 13);
      const fw = forward(x, gamma, zeros(d), rows, d);
      for (const acc of [0, 1]) {
        await checkKernel('layernorm_bwd_f32', {
          floats: { x, gamma, mean: f32(fw.mean), rstd: f32(fw.rstd), g: randomFloats(rows * d, 17), dx: randomFloats(rows * d, 19), dg: randomFloats(d, 23), db: randomFloats(d, 29) },
          args: (p) => [p.x, p.gamma, p.mean, p.rstd, p.g, p.dx, p.dg, p.db, rows, d, acc],
          tol: 1e-4,
        });
      }
    }
  }
});

test('layernorm_bwd_f32 agrees with finite differences (float64); acc=1 adds', () => {
  const rows = 3;
  const d = 6;
  const x = randomFloats(rows * d, 31, 2);
  const gamma = randomFloats(d, 37);
  const beta = randomFloats(d, 41);
  const g = randomFloats(rows * d, 43);
  const L = (xs: Float64Array, ga: Float64Array, be: Float64Array) => forward(xs, ga, be, rows, d).out.reduce((s, v, i) => s + v * g[i], 0);
  const fw = forward(x, gamma, beta, rows, d);
  const bwd = (dx: Float64Array, dg: Float64Array, db: Float64Array, acc: number) =>
    runKernel(oracle(), 'layernorm_bwd_f32', {
      floats: { x, gamma, mean: fw.mean, rstd: fw.rstd, g, dx, dg, db },
      args: (p) => [p.x, p.gamma, p.mean, p.rstd, p.g, p.dx, p.dg, p.db, rows, d, acc],
    }).floats;
  const an = bwd(zeros(rows * d), randomFloats(d, 1), randomFloats(d, 2), 0);
  const numeric = (which: 0 | 1 | 2, i: number) => {
    const args = [x, gamma, beta].map((a) => [Float64Array.from(a), Float64Array.from(a)]);
    args[which][0][i] += 1e-6;
    args[which][1][i] -= 1e-6;
    return (L(args[0][0], args[1][0], args[2][0]) - L(args[0][1], args[1][1], args[2][1])) / 2e-6;
  };
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${what}: numeric ${a} vs analytic ${b}`);
  for (let i = 0; i < rows * d; i++) close(numeric(0, i), an.dx[i], `dx[${i}]`);
  for (let j = 0; j < d; j++) close(numeric(1, j), an.dg[j], `dgamma[${j}]`);
  for (let j = 0; j < d; j++) close(numeric(2, j), an.db[j], `dbeta[${j}]`);
  const bx = randomFloats(rows * d, 3), bg = randomFloats(d, 4), bb = randomFloats(d, 5);
  const ac = bwd(Float64Array.from(bx), Float64Array.from(bg), Float64Array.from(bb), 1);
  for (let i = 0; i < rows * d; i++) assert.ok(Math.abs(ac.dx[i] - (bx[i] + an.dx[i])) < 1e-12, `acc=1 dx[${i}]`);
  for (let j = 0; j < d; j++) assert.ok(Math.abs(ac.dg[j] - (bg[j] + an.dg[j])) < 1e-12, `acc=1 dgamma[${j}]`);
  for (let j = 0; j < d; j++) assert.ok(Math.abs(ac.db[j] - (bb[j] + an.db[j])) < 1e-12, `acc=1 dbeta[${j}]`);
});

test.run();

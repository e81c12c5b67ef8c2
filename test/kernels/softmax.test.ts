// Softmax kernels: oracle vs every float32 backend on tail-exercising shapes (including the
// 4-row lanes = rows path at n = 4), logits of +-1e4, masks (fully masked rows, garbage in masked
// slots), acc=1 accumulation, and float64 finite differences of both backward kernels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { oracle } from '../helpers/engines.js';

const SIZES = [0, 1, 3, 4, 5, 8, 17, 67];
const ROWS = [0, 1, 3, 4, 5, 9];
const zeros = (n: number) => new Float64Array(n);
const f32 = (a: ArrayLike<number>) => Float64Array.from(a, Math.fround);

function maskFor(rows: number, n: number, seed: number): Float64Array {
  const m = randomFloats(rows * n, seed).map((v) => (v > -0.4 ? 1 : 0));
  for (let j = 0; j < n && rows > 1; j++) m[n + j] = 0; // row 1 fully masked
  return m;
}

test('softmax, log_softmax, logsumexp match the oracle', async () => {
  for (const scale of [3, 1e4]) {
    for (const rows of ROWS) {
      for (const n of SIZES) {
        const x = randomFloats(rows * n, 7 + n, scale);
        const tol = scale > 100 ? 1e-4 : 1e-5; // f32 inputs near 1e4 carry 1e-3 absolute rounding
        await checkKernel('softmax_rows_f32', { floats: { x, out: zeros(rows * n) }, args: (p) => [p.x, p.out, rows, n], tol });
        await checkKernel('log_softmax_rows_f32', { floats: { x, out: zeros(rows * n) }, args: (p) => [p.x, p.out, rows, n], tol });
        await checkKernel('logsumexp_rows_f32', { floats: { x, out: zeros(rows) }, args: (p) => [p.x, p.out, rows, n], tol });
      }
    }
  }
});

test('softmax of huge logits stays finite and normalised', async () => {
  const x = [1e4, -1e4, 1e4, 0, -1e4, -1e4, -1e4, -1e4];
  const r = await checkKernel('softmax_rows_f32', { floats: { x, out: zeros(8) }, args: (p) => [p.x, p.out, 2, 4] });
  assert.equal(Array.from(r.floats.out), [0.5, 0, 0.5, 0, 0.25, 0.25, 0.25, 0.25]);
});

test('masked softmax: zeros at masked slots, fully masked rows give zeros', async () => {
  for (const rows of ROWS) {
    for (const n of SIZES) {
      const mask = maskFor(rows, n, 3 + n);
      // Masked slots hold values that would dominate (or overflow) if they leaked in.
      const x = randomFloats(rows * n, 5 + n, 4).map((v, i) => (mask[i] ? v : 1e4));
      const r = await checkKernel('softmax_rows_masked_f32', {
        floats: { x, mask, out: randomFloats(rows * n, 1) },
        args: (p) => [p.x, p.mask, p.out, rows, n],
      });
      for (let i = 0; i < rows * n; i++) if (!mask[i]) assert.is(r.floats.out[i], 0);
    }
  }
});

test('backward kernels match the oracle, acc = 0 and 1', async () => {
  for (const rows of ROWS) {
    for (const n of SIZES) {
      const x = randomFloats(rows * n, 11, 3);
      const mask = maskFor(rows, n, 13);
      const p = f32(runKernel(oracle(), 'softmax_rows_masked_f32', { floats: { x, mask, out: zeros(rows * n) }, args: (q) => [q.x, q.mask, q.out, rows, n] }).floats.out);
      const y = f32(runKernel(oracle(), 'log_softmax_rows_f32', { floats: { x, out: zeros(rows * n) }, args: (q) => [q.x, q.out, rows, n] }).floats.out);
      const g = randomFloats(rows * n, 17);
      for (const acc of [0, 1]) {
        const dx = randomFloats(rows * n, 19);
        await checkKernel('softmax_rows_bwd_f32', { floats: { p, g, dx }, args: (q) => [q.p, q.g, q.dx, rows, n, acc] });
        await checkKernel('log_softmax_rows_bwd_f32', { floats: { y, g, dx }, args: (q) => [q.y, q.g, q.dx, rows, n, acc] });
      }
    }
  }
});

/** Finite differences of L = <g, f(x)> in float64 against the analytic dx of `bwd`. */
function fdCheck(fwd: (x: Float64Array) => Float64Array, bwd: (y: Float64Array, g: Float64Array, dx: Float64Array, acc: number) => Float64Array, x: Float64Array, what: string, skip?: (i: number) => boolean): void {
  const g = randomFloats(x.length, 23);
  const y = fwd(x);
  const dx = bwd(y, g, zeros(x.length), 0);
  const L = (xs: Float64Array) => fwd(xs).reduce((s, v, i) => s + v * g[i], 0);
  for (let i = 0; i < x.length; i++) {
    if (skip?.(i)) {
      assert.is(dx[i], 0, `${what}: masked dx[${i}]`);
      continue;
    }
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i] += 1e-6;
    xm[i] -= 1e-6;
    const num = (L(xp) - L(xm)) / 2e-6;
    assert.ok(Math.abs(num - dx[i]) < 1e-6, `${what}: dx[${i}] numeric ${num} vs analytic ${dx[i]}`);
  }
  const base = randomFloats(x.length, 29);
  const dx2 = bwd(y, g, Float64Array.from(base), 1);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(dx2[i] - (base[i] + dx[i])) < 1e-12, `${what}: acc=1 dx[${i}]`);
}

test('backward kernels agree with finite differences (float64), acc=1 adds', () => {
  const rows = 3;
  const n = 5;
  const x = randomFloats(rows * n, 31, 2);
  const mask = maskFor(rows, n, 37);
  mask[0] = 1;
  const sm = (xs: Float64Array) => runKernel(oracle(), 'softmax_rows_f32', { floats: { x: xs, out: zeros(rows * n) }, args: (q) => [q.x, q.out, rows, n] }).floats.out;
  const msm = (xs: Float64Array) => runKernel(oracle(), 'softmax_rows_masked_f32', { floats: { x: xs, mask, out: zeros(rows * n) }, args: (q) => [q.x, q.mask, q.out, rows, n] }).floats.out;
  const lsm = (xs: Float64Array) => runKernel(oracle(), 'log_softmax_rows_f32', { floats: { x: xs, out: zeros(rows * n) }, args: (q) => [q.x, q.out, rows, n] }).floats.out;
  const sbwd = (p: Float64Array, g: Float64Array, dx: Float64Array, acc: number) =>
    runKernel(oracle(), 'softmax_rows_bwd_f32', { floats: { p, g, dx }, args: (q) => [q.p, q.g, q.dx, rows, n, acc] }).floats.dx;
  const lbwd = (y: Float64Array, g: Float64Array, dx: Float64Array, acc: number) =>
    runKernel(oracle(), 'log_softmax_rows_bwd_f32', { floats: { y, g, dx }, args: (q) => [q.y, q.g, q.dx, rows, n, acc] }).floats.dx;
  fdCheck(sm, sbwd, x, 'softmax');
  fdCheck(msm, sbwd, x, 'masked softmax', (i) => mask[i] === 0);
  fdCheck(lsm, lbwd, x, 'log_softmax');
});

test.run();

// Squash kernels (docs/model-guide.md#squash): oracle vs every float32 backend on tail-exercising shapes and
// norms n in {1e-6, 1, 1e4}, zero rows (output and gradient exactly 0), norm < 1, acc=1, and
// float64 finite differences of the backward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { oracle } from '../helpers/engines.js';

const SIZES = [0, 1, 3, 4, 5, 17, 32, 67];
const ROWS = [0, 1, 3, 4];
const zeros = (n: number) => new Float64Array(n);

/** rows of length d scaled so that |s|^2 = n2 exactly-ish; row 0 is all zeros when zeroRow. */
function rowsWithNorm(rows: number, d: number, n2: number, seed: number, zeroRow = false): Float64Array {
  const s = randomFloats(rows * d, seed);
  for (let r = 0; r < rows; r++) {
    let q = 0;
    for (let j = 0; j < d; j++) q += s[r * d + j] ** 2;
    const k = zeroRow && r === 0 ? 0 : Math.sqrt(n2 / Math.max(q, 1e-30));
    for (let j = 0; j < d; j++) s[r * d + j] = Math.fround(s[r * d + j] * k);
  }
  return s;
}

test('squash_f32 and squash_bwd_f32 match the oracle', async () => {
  for (const n2 of [1e-6, 1, 1e4]) {
    for (const rows of ROWS) {
      for (const d of SIZES) {
        const s = rowsWithNorm(rows, d, n2, 3 + d, true);
        await checkKernel('squash_f32', { floats: { s, out: zeros(rows * d) }, args: (p) => [p.s, p.out, rows, d] });
        for (const acc of [0, 1]) {
          await checkKernel('squash_bwd_f32', {
            floats: { s, g: randomFloats(rows * d, 5), ds: randomFloats(rows * d, 7) },
            args: (p) => [p.s, p.g, p.ds, rows, d, acc],
            tol: 2e-5,
          });
        }
      }
    }
  }
});

test('squash(0) = 0 with zero gradient; norms < 1 and increasing', async () => {
  const d = 5;
  const s = zeros(d);
  const r = await checkKernel('squash_f32', { floats: { s, out: randomFloats(d, 1) }, args: (p) => [p.s, p.out, 1, d] });
  assert.equal(Array.from(r.floats.out), [0, 0, 0, 0, 0]);
  const b = await checkKernel('squash_bwd_f32', { floats: { s, g: randomFloats(d, 2), ds: randomFloats(d, 3) }, args: (p) => [p.s, p.g, p.ds, 1, d, 0] });
  assert.equal(Array.from(b.floats.ds), [0, 0, 0, 0, 0]);
  let prev = 0;
  for (const n2 of [1e-6, 0.1, 1, 10, 1e4]) {
    const x = rowsWithNorm(1, 17, n2, 9);
    const out = runKernel(oracle(), 'squash_f32', { floats: { x, out: zeros(17) }, args: (p) => [p.x, p.out, 1, 17] }).floats.out;
    const norm = Math.hypot(...out);
    assert.ok(norm < 1 && norm > prev, `norm ${norm} at n=${n2}`);
    prev = norm;
  }
});

test('squash_bwd_f32 agrees with finite differences (float64) at n in {1e-6, 1, 1e4}; acc=1 adds', () => {
  const rows = 2;
  const d = 5;
  for (const n2 of [1e-6, 1, 1e4]) {
    const s = rowsWithNorm(rows, d, n2, 41);
    const g = randomFloats(rows * d, 43);
    const fwd = (x: Float64Array) => runKernel(oracle(), 'squash_f32', { floats: { x, out: zeros(rows * d) }, args: (p) => [p.x, p.out, rows, d] }).floats.out;
    const bwd = (ds: Float64Array, acc: number) =>
      runKernel(oracle(), 'squash_bwd_f32', { floats: { s, g, ds }, args: (p) => [p.s, p.g, p.ds, rows, d, acc] }).floats.ds;
    const L = (x: Float64Array) => fwd(x).reduce((a, v, i) => a + v * g[i], 0);
    const dx = bwd(zeros(rows * d), 0);
    // Near 0 the curvature is ~1/|s|, so the step shrinks with the norm.
    const h = 1e-6 * Math.min(1, Math.sqrt(n2) * 10);
    for (let i = 0; i < rows * d; i++) {
      const xp = Float64Array.from(s), xm = Float64Array.from(s);
      xp[i] += h;
      xm[i] -= h;
      const num = (L(xp) - L(xm)) / (2 * h);
      assert.ok(Math.abs(num - dx[i]) < 1e-6 * Math.max(1, Math.abs(dx[i])), `n=${n2} ds[${i}]: numeric ${num} vs analytic ${dx[i]}`);
    }
    const base = randomFloats(rows * d, 47);
    const dx2 = bwd(Float64Array.from(base), 1);
    for (let i = 0; i < rows * d; i++) assert.ok(Math.abs(dx2[i] - (base[i] + dx[i])) < 1e-12, `acc=1 ds[${i}]`);
  }
});

test.run();

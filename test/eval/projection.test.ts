// pcaProjection: the principal axes found by power iteration over the GEMM-built covariance match
// a float64 reference (covariance in plain JS, cyclic Jacobi eigendecomposition) on every
// backend, the coordinates are the centred rows on those axes, block size does not change the
// result, the padding row is left out, and bad inputs are refused with a message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor } from '../../src/tensor.js';
import { pcaProjection } from '../../src/eval/projection.js';
import { f32Backends, oracle } from '../helpers/engines.js';

/** A table [N, D] with well separated variances along a random rotation (row 0 = padding zeros). */
function table(N: number, D: number, seed = 5): Float64Array {
  const rng = new Rng(seed);
  const u = () => rng.nextU32() / 4294967296 - 0.5;
  const scales = Array.from({ length: D }, (_, d) => 3 / (1 + d) ** 1.5);
  // Random orthogonal basis by Gram–Schmidt.
  const Q: number[][] = [];
  for (let i = 0; i < D; i++) {
    let v = Array.from({ length: D }, u);
    for (const q of Q) { const dot = v.reduce((a, x, j) => a + x * q[j], 0); v = v.map((x, j) => x - dot * q[j]); }
    const n = Math.hypot(...v);
    Q.push(v.map((x) => x / n));
  }
  const X = new Float64Array(N * D);
  for (let r = 1; r < N; r++) {
    const z = scales.map((s) => s * u() * 3.4);
    for (let d = 0; d < D; d++) X[r * D + d] = 0.7 + Q.reduce((a, q, i) => a + z[i] * q[d], 0);
  }
  return X;
}

/** Eigenpairs of a symmetric matrix by cyclic Jacobi rotations (float64), sorted descending. */
function jacobi(a0: Float64Array, D: number): { values: number[]; vectors: number[][] } {
  const a = Float64Array.from(a0), v = new Float64Array(D * D);
  for (let i = 0; i < D; i++) v[i * D + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < D; p++) for (let q = p + 1; q < D; q++) off += a[p * D + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < D; p++) {
      for (let q = p + 1; q < D; q++) {
        if (Math.abs(a[p * D + q]) < 1e-300) continue;
        const theta = (a[q * D + q] - a[p * D + p]) / (2 * a[p * D + q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < D; k++) {
          const akp = a[k * D + p], akq = a[k * D + q];
          a[k * D + p] = c * akp - s * akq;
          a[k * D + q] = s * akp + c * akq;
        }
        for (let k = 0; k < D; k++) {
          const apk = a[p * D + k], aqk = a[q * D + k];
          a[p * D + k] = c * apk - s * aqk;
          a[q * D + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < D; k++) {
          const vkp = v[k * D + p], vkq = v[k * D + q];
          v[k * D + p] = c * vkp - s * vkq;
          v[k * D + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: D }, (_, i) => i).sort((x, y) => a[y * D + y] - a[x * D + x]);
  return { values: order.map((i) => a[i * D + i]), vectors: order.map((i) => Array.from({ length: D }, (_, k) => v[k * D + i])) };
}

function reference(X: Float64Array, N: number, D: number) {
  const n = N - 1, mean = new Float64Array(D), cov = new Float64Array(D * D);
  for (let r = 1; r < N; r++) for (let d = 0; d < D; d++) mean[d] += X[r * D + d] / n;
  for (let r = 1; r < N; r++) for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) cov[i * D + j] += (X[r * D + i] - mean[i]) * (X[r * D + j] - mean[j]) / n;
  return { mean, ...jacobi(cov, D), trace: Array.from({ length: D }, (_, d) => cov[d * D + d]).reduce((a, b) => a + b, 0) };
}

const N = 801, D = 12;
const X = table(N, D);
const ref = reference(X, N, D);

test('axes, variances and coordinates match the float64 Jacobi reference on every backend', async () => {
  for (const e of [oracle(), ...(await f32Backends())]) {
    setEngine(e);
    const tol = e.backend === 'js64' ? 1e-9 : 2e-4;
    const t = poolTensor([N, D], X, e);
    const p = pcaProjection(t, { block: 100 });
    assert.is(p.components, 2);
    for (let c = 0; c < 2; c++) {
      const axis = p.axes.subarray(c * D, (c + 1) * D);
      const cos = Math.abs(axis.reduce((a, x, d) => a + x * ref.vectors[c][d], 0));
      assert.ok(1 - cos < tol, `${e.backend}: axis ${c} |cos| ${cos}`);
      assert.ok(Math.abs(p.variance[c] - ref.values[c]) < tol * ref.values[0], `${e.backend}: variance ${c} ${p.variance[c]} vs ${ref.values[c]}`);
      assert.ok(p.iterations[c] < 500, `${e.backend}: converged`);
    }
    assert.ok(Math.abs(p.totalVariance - ref.trace) < tol * ref.trace);
    assert.equal([p.coords[0], p.coords[1]], [0, 0], 'padding row at the origin');
    let worst = 0;
    for (let r = 1; r < N; r++) {
      for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += (X[r * D + d] - ref.mean[d]) * p.axes[c * D + d];
        worst = Math.max(worst, Math.abs(p.coords[r * 2 + c] - s));
      }
    }
    assert.ok(worst < (e.backend === 'js64' ? 1e-6 : 1e-4), `${e.backend}: coordinates off by ${worst}`);
    const row = Array.from(X.subarray(7 * D, 8 * D));
    assert.ok(Math.abs(p.project(row)[0] - p.coords[14]) < 1e-4, 'project() agrees with the table coordinates');
    e.heap.resetArena();
  }
});

test('block size and backend do not change the map beyond rounding; the sign is fixed', async () => {
  const [js, , simd] = await f32Backends();
  setEngine(simd);
  const a = pcaProjection(poolTensor([N, D], X, simd), { block: 64 });
  const b = pcaProjection(poolTensor([N, D], X, simd), { block: 100000 });
  setEngine(js);
  const c = pcaProjection(poolTensor([N, D], X, js));
  for (const other of [b, c]) for (let i = 0; i < a.coords.length; i++) assert.ok(Math.abs(a.coords[i] - other.coords[i]) < 1e-3);
  for (let comp = 0; comp < 2; comp++) {
    const axis = Array.from(a.axes.subarray(comp * D, (comp + 1) * D));
    const big = axis.reduce((m, x, i) => (Math.abs(x) > Math.abs(axis[m]) ? i : m), 0);
    assert.ok(axis[big] > 0);
  }
});

test('bad input is refused with a message', () => {
  const e = setEngine(oracle());
  assert.throws(() => pcaProjection(poolTensor([2, 3], new Float64Array(6), e)), /1 rows to fit after skipping 1; need ≥ 2/);
  assert.throws(() => pcaProjection(poolTensor([5, 3], new Float64Array(15), e), { components: 4 }), /components 4; expected 1\.\.3/);
  assert.throws(() => pcaProjection(poolTensor([15], new Float64Array(15), e)), /expected a 2-D table/);
  // A constant table: zero variance everywhere, still finite unit axes.
  const flat = pcaProjection(poolTensor([6, 3], new Float64Array(18).fill(2), e));
  assert.ok(flat.variance.every((v) => Math.abs(v) < 1e-12));
  assert.ok(Array.from(flat.coords).every((x) => x === 0));
  for (let c = 0; c < 2; c++) assert.ok(Math.abs(Math.hypot(...flat.axes.subarray(c * 3, c * 3 + 3)) - 1) < 1e-12);
});

test.run();

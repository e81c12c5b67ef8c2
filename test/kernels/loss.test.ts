// Loss kernels: BCE with logits (forward finite and exact at |logit| 100, backward by float64
// finite differences, pos weight, acc) and the fused sampled-softmax cross-entropy (docs/model-guide.md
// docs/model-guide.md#sampled-softmax/docs/model-guide.md#shared-building-blocks: the hand example, accidental hits weigh exactly 0, gradients by finite differences).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { f32Backends, oracle } from '../helpers/engines.js';

const SIZES = [0, 1, 3, 4, 5, 17, 67];
const zeros = (n: number) => new Float64Array(n);
const labels = (n: number, seed: number) => randomFloats(n, seed).map((v) => (v > 0 ? 1 : 0));

test('bce_logits_f32 matches the oracle (pos weight 1 and 3, soft labels)', async () => {
  for (const n of [...SIZES, 1000]) {
    for (const w of [1, 3]) {
      await checkKernel('bce_logits_f32', { floats: { x: randomFloats(n, 1, 8), y: labels(n, 2), out: zeros(n) }, args: (p) => [p.x, p.y, p.out, n, w] });
      await checkKernel('bce_logits_f32', { floats: { x: randomFloats(n, 3, 8), y: randomFloats(n, 4).map((v) => (v + 1) / 2), out: zeros(n) }, args: (p) => [p.x, p.y, p.out, n, w] });
    }
  }
});

test('bce at logits +-100 (and +-1e4) is finite and exact', async () => {
  const x = [100, 100, -100, -100, 1e4, -1e4, 20, -20];
  const y = [1, 0, 1, 0, 0, 1, 1, 0];
  const r = await checkKernel('bce_logits_f32', { floats: { x, y, out: zeros(8) }, args: (p) => [p.x, p.y, p.out, 8, 1], tol: 1e-6 });
  const want = [Math.exp(-100), 100, 100, Math.exp(-100), 1e4, 1e4, Math.log1p(Math.exp(-20)), Math.log1p(Math.exp(-20))];
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(r.floats.out[i] - want[i]) <= 1e-12 * Math.max(1, want[i]), `bce[${i}] = ${r.floats.out[i]}`);
  const g = await checkKernel('bce_logits_bwd_f32', { floats: { x, y, g: new Array(8).fill(1), dx: zeros(8) }, args: (p) => [p.x, p.y, p.g, p.dx, 8, 1, 0], tol: 1e-6 });
  assert.equal(Array.from(g.floats.dx.slice(0, 6)).map((v) => Math.round(v)), [0, 1, -1, 0, 1, -1]);
});

test('bce_logits_bwd_f32 matches the oracle (acc 0 and 1)', async () => {
  for (const n of SIZES) {
    for (const [w, acc] of [[1, 0], [2.5, 1]]) {
      await checkKernel('bce_logits_bwd_f32', {
        floats: { x: randomFloats(n, 5, 8), y: labels(n, 6), g: randomFloats(n, 7), dx: randomFloats(n, 8) },
        args: (p) => [p.x, p.y, p.g, p.dx, n, w, acc],
      });
    }
  }
});

test('bce_logits_bwd_f32 agrees with finite differences (float64)', () => {
  const n = 12;
  const x = randomFloats(n, 9, 6);
  const y = randomFloats(n, 10).map((v) => (v + 1) / 2);
  const g = randomFloats(n, 11);
  for (const w of [1, 4]) {
    const f = (xs: ArrayLike<number>) => runKernel(oracle(), 'bce_logits_f32', { floats: { x: xs, y, out: zeros(n) }, args: (p) => [p.x, p.y, p.out, n, w] }).floats.out;
    const dx = runKernel(oracle(), 'bce_logits_bwd_f32', { floats: { x, y, g, dx: zeros(n) }, args: (p) => [p.x, p.y, p.g, p.dx, n, w, 0] }).floats.dx;
    for (let i = 0; i < n; i++) {
      const xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[i] += 1e-6;
      xm[i] -= 1e-6;
      const num = ((f(xp)[i] - f(xm)[i]) / 2e-6) * g[i];
      assert.ok(Math.abs(num - dx[i]) < 1e-7, `bce dx[${i}] w=${w}: numeric ${num} vs ${dx[i]}`);
    }
  }
});

const xentArgs = (rows: number, n: number, scale: number) => (p: Record<string, number>) => [p.x, p.m, rows, n, p.loss, p.dl, scale];

test('softmax_xent_rows_f32 matches the oracle (masks, padding rows, big logits)', async () => {
  for (const rows of [0, 1, 3]) {
    for (const n of SIZES) {
      const m = randomFloats(rows * n, n + 2).map((v) => (v > -0.6 ? 1 : 0));
      if (rows === 3 && n > 0) m[2 * n] = 0; // padding row
      for (const scale of [1, 50]) {
        await checkKernel('softmax_xent_rows_f32', {
          floats: { x: randomFloats(rows * n, n + 1, scale), m, loss: randomFloats(rows, 3), dl: randomFloats(rows * n, 4) },
          args: xentArgs(rows, n, 1 / Math.max(1, rows)),
        });
      }
    }
  }
});

test('softmax_xent by hand (docs/model-guide.md#shared-building-blocks): ln(e + 2) - 1, an accidental hit contributes 0', async () => {
  // v = [1, 0], e_y = [1, 0], negatives with logit 0; a third negative is an accidental hit (its
  // logit equals the label's) and is masked.
  const r = await checkKernel('softmax_xent_rows_f32', {
    floats: { x: [1, 0, 0, 1], m: [1, 1, 1, 0], loss: [0], dl: zeros(4) },
    args: xentArgs(1, 4, 1),
  });
  assert.ok(Math.abs(r.floats.loss[0] - (Math.log(Math.E + 2) - 1)) < 1e-12);
  assert.ok(Math.abs(r.floats.loss[0] - 0.5514) < 1e-4);
  assert.is(r.floats.dl[3], 0);
  const z = Math.E + 2;
  assert.ok(Math.abs(r.floats.dl[0] - (Math.E / z - 1)) < 1e-12 && Math.abs(r.floats.dl[1] - 1 / z) < 1e-12);
  const padded = await checkKernel('softmax_xent_rows_f32', { floats: { x: [1, 0, 0, 1], m: [0, 1, 1, 1], loss: [5], dl: zeros(4).fill(5) }, args: xentArgs(1, 4, 1) });
  assert.equal(Array.from(padded.floats.loss), [0]);
  assert.equal(Array.from(padded.floats.dl), [0, 0, 0, 0]);
});

test('softmax_xent gradients agree with finite differences of scale * sum(loss) (float64)', () => {
  const rows = 3;
  const n = 9;
  const scale = 1 / rows;
  const x = randomFloats(rows * n, 21, 3);
  const m = randomFloats(rows * n, 22).map((v, i) => (i % n === 0 || v > -0.5 ? 1 : 0));
  const run = (xs: ArrayLike<number>) => runKernel(oracle(), 'softmax_xent_rows_f32', { floats: { x: xs, m, loss: zeros(rows), dl: zeros(rows * n) }, args: xentArgs(rows, n, scale) }).floats;
  const L = (xs: ArrayLike<number>) => run(xs).loss.reduce((a, b) => a + b, 0) * scale;
  const dl = run(x).dl;
  for (let i = 0; i < rows * n; i++) {
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i] += 1e-6;
    xm[i] -= 1e-6;
    const num = (L(xp) - L(xm)) / 2e-6;
    assert.ok(Math.abs(num - dl[i]) < 1e-8, `dlogits[${i}]: numeric ${num} vs ${dl[i]}`);
    if (m[i] === 0) assert.is(dl[i], 0);
  }
});

test.run();

/** The former JavaScript loop of the sampled softmax (Float32Array −= float64): the bits to keep. */
function shiftMaskJs(L: Float32Array, M: Float32Array, B: number, S: number, rowShift: Float64Array, labels: Int32Array, cand: Int32Array, candShift: Float64Array): void {
  M.fill(1);
  for (let b = 0; b < B; b++) {
    const row = b * (1 + S);
    L[row] -= rowShift[b];
    for (let j = 0; j < S; j++) {
      L[row + 1 + j] -= candShift[j];
      if (cand[j] === labels[b]) M[row + 1 + j] = 0;
    }
  }
}
const words = (v: Float64Array) => Array.from(new Int32Array(v.buffer));

test('logq_shift_mask_f32: float64 shifts rounded once (the bits of the JavaScript loop), accidental hits masked', async () => {
  for (const rows of [1, 3, 5]) {
    for (const S of [0, 1, 3, 4, 7, 64, 67]) {
      const n = 1 + S;
      const x = randomFloats(rows * n, rows * 100 + S, 12);
      // ln Q-like shifts that are not float32 numbers: the subtraction must happen in float64.
      const rowShift = Float64Array.from(randomFloats(rows, S + 7), (v) => Math.log((v + 1.5) / 7));
      const candShift = Float64Array.from(randomFloats(S, S + 9), (v) => Math.log((v + 1.5) / 1e4));
      const cand = Int32Array.from({ length: S }, (_, j) => 1 + ((j * 7) % 11));
      const labels = Int32Array.from({ length: rows }, (_, r) => 1 + ((r * 5) % 11)); // some hit a candidate
      const c = {
        floats: { x, m: zeros(rows * n).fill(7) },
        ints: { rs: words(rowShift), y: labels, c: cand, cs: words(candShift) },
        args: (p: Record<string, number>) => [p.x, p.m, rows, n, p.rs, p.y, p.c, p.cs],
      };
      const want = await checkKernel('logq_shift_mask_f32', c);
      const L = Float32Array.from(x), M = new Float32Array(rows * n);
      shiftMaskJs(L, M, rows, S, rowShift, labels, cand, candShift);
      assert.equal(Array.from(want.floats.m), Array.from(M), `mask rows ${rows} S ${S}`);
      for (const e of await f32Backends()) {
        const got = runKernel(e, 'logq_shift_mask_f32', c);
        assert.equal(Array.from(got.floats.x), Array.from(L), `logits on ${e.backend}, rows ${rows} S ${S}: the JavaScript loop's bits`);
        assert.equal(Array.from(got.floats.m), Array.from(M), `mask on ${e.backend}, rows ${rows} S ${S}`);
      }
    }
  }
});

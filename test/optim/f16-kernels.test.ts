// The f16-state optimizer kernels (adam_rows_f16, adagrad_rows_f16): bit-identical params, halves
// and row scales on the pure-TS float32, wasm scalar and wasm SIMD backends; close to the float64
// oracle of the same kernel and to the f32-state kernels; scale-invariant (gradients 2^-30 times
// smaller step the same bits); unlisted rows untouched. Adam's second slot holds √v.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomFloats } from '../helpers/kernel-check.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import type { Engine } from '../../src/engine/engine.js';
import { fromHalfBits } from '../../src/engine/reference/quant.js';

const [B1, B2, EPS, LR] = [0.9, 0.999, 1e-8, 1e-2];
const bc = (t: number) => [1 - B1 ** t, 1 - B2 ** t];
const ROWS = 11;
const IDS = [7, 0, 3, 10, 5];
const STEPS = 6;

/** Gradient of step t: rows of very different magnitude, and spread inside a row (exercises f16 subnormals). */
function gradient(count: number, d: number, t: number, factor: number): Float64Array {
  const g = randomFloats(count * d, 100 + t);
  for (let r = 0; r < count; r++) {
    const rowMag = [1, 1e-7, 30, 1e-3, 0.2][r % 5];
    for (let j = 0; j < d; j++) g[r * d + j] = Math.fround(g[r * d + j] * rowMag * 10 ** -(j % 6) * factor);
  }
  if (t === 3 && count > 1) g.fill(0, d, 2 * d); // a step where one row's gradient is zero
  return g;
}

interface Run { param: Float64Array; halves: number[][]; scales: Float64Array }

/** STEPS updates of the f16 kernel `kind` on e; returns params, halves (per moment) and scales. */
function run(e: Engine, kind: 'adam' | 'adagrad', d: number, count: number, opts: { factor?: number; eps?: number } = {}): Run {
  const n = ROWS * d, moments = kind === 'adam' ? 2 : 1;
  const alloc = (elems: number) => e.heap.alloc(Math.max(1, elems) * 4);
  const param = alloc(n), grad = alloc(count * d), ids = alloc(count), scales = alloc(ROWS * moments);
  const halves = Array.from({ length: moments }, () => alloc(Math.ceil(n / 2)));
  e.floats.set(randomFloats(n, 1), param >> 2);
  e.floats.fill(1, scales >> 2, (scales >> 2) + ROWS * moments);
  for (const h of halves) e.i32.fill(0, h >> 2, (h >> 2) + Math.max(1, Math.ceil(n / 2)));
  e.i32.set(IDS.slice(0, count), ids >> 2);
  const eps = opts.eps ?? EPS;
  for (let t = 1; t <= STEPS; t++) {
    e.floats.set(gradient(count, d, t, opts.factor ?? 1), grad >> 2);
    if (kind === 'adam') e.call('adam_rows_f16', param, grad, halves[0], halves[1], scales, ids, count, d, LR, B1, B2, eps, ...bc(t));
    else e.call('adagrad_rows_f16', param, grad, halves[0], scales, ids, count, d, LR, eps);
  }
  const H = new Uint16Array(e.i32.buffer, e.i32.byteOffset);
  const out: Run = {
    param: Float64Array.from(e.floats.subarray(param >> 2, (param >> 2) + n)),
    halves: halves.map((h) => Array.from(H.subarray(h >> 1, (h >> 1) + n))),
    scales: Float64Array.from(e.floats.subarray(scales >> 2, (scales >> 2) + ROWS * moments)),
  };
  for (const p of [param, grad, ids, scales, ...halves]) e.heap.free(p);
  return out;
}

const decoded = (r: Run, m: number, moments: number, d: number) => r.halves[m].map((h, i) => fromHalfBits(h) * r.scales[Math.floor(i / d) * moments + m]);

for (const kind of ['adam', 'adagrad'] as const) {
  test(`${kind}_rows_f16: bit-identical on js, wasm and wasm-simd; close to the float64 oracle`, async () => {
    const moments = kind === 'adam' ? 2 : 1;
    for (const d of [1, 3, 4, 5, 8, 17, 64, 67]) {
      for (const count of [0, 1, IDS.length]) {
        const [js, ...wasm] = await Promise.all((await f32Backends()).map((e) => run(e, kind, d, count)));
        for (const [i, w] of wasm.entries()) {
          const what = `${kind} d ${d} count ${count} ${['wasm', 'wasm-simd'][i]} vs js`;
          assert.equal(Array.from(w.param), Array.from(js.param), `${what}: params`);
          assert.equal(w.halves, js.halves, `${what}: halves`);
          assert.equal(Array.from(w.scales), Array.from(js.scales), `${what}: scales`);
        }
        const o = run(oracle(), kind, d, count);
        for (let i = 0; i < js.param.length; i++) {
          assert.ok(Math.abs(js.param[i] - o.param[i]) <= 1e-5 * Math.max(1, Math.abs(o.param[i])), `${kind} d ${d}: param ${i} ${js.param[i]} vs oracle ${o.param[i]}`);
        }
        // Unlisted rows keep param, halves and scale exactly.
        const init = randomFloats(ROWS * d, 1);
        for (let r = 0; r < ROWS; r++) {
          if (IDS.slice(0, count).includes(r)) continue;
          for (let j = 0; j < d; j++) {
            assert.is(js.param[r * d + j], init[r * d + j], `${kind}: param row ${r} changed`);
            for (let m = 0; m < moments; m++) assert.is(js.halves[m][r * d + j], 0, `${kind}: halves of row ${r} changed`);
          }
          for (let m = 0; m < moments; m++) assert.is(js.scales[r * moments + m], 1, `${kind}: scale of row ${r} changed`);
        }
        // Every touched row's scale puts its largest stored value in [2^14, 2^15) (or the row is all zero).
        for (const id of IDS.slice(0, count)) {
          for (let m = 0; m < moments; m++) {
            const top = Math.max(...js.halves[m].slice(id * d, id * d + d).map((h) => Math.abs(fromHalfBits(h))));
            assert.ok(top === 0 || (top >= 2 ** 14 && top <= 2 ** 15), `${kind} row ${id} moment ${m}: largest stored ${top}`);
          }
        }
      }
    }
  });
}

test('adam_rows_f16 tracks the f32-state kernel: moments within f16 rounding, params within a few 2^-11 of lr', () => {
  const d = 17, count = IDS.length, n = ROWS * d;
  const e = oracle();
  const h = run(e, 'adam', d, count);
  // The same steps with f32 moments, on the same engine.
  const p = e.heap.alloc(n * 4), g = e.heap.alloc(count * d * 4), m = e.heap.alloc(n * 4), v = e.heap.alloc(n * 4), ids = e.heap.alloc(count * 4);
  e.floats.set(randomFloats(n, 1), p >> 2);
  e.floats.fill(0, m >> 2, (m >> 2) + n);
  e.floats.fill(0, v >> 2, (v >> 2) + n);
  e.i32.set(IDS, ids >> 2);
  const F = e.floats;
  const [mTop, vTop] = [new Float64Array(n), new Float64Array(n)]; // largest |moment| over the steps
  for (let t = 1; t <= STEPS; t++) {
    e.floats.set(gradient(count, d, t, 1), g >> 2);
    e.call('adam_rows_f32', p, g, m, v, ids, count, d, LR, B1, B2, EPS, ...bc(t));
    for (let i = 0; i < n; i++) (mTop[i] = Math.max(mTop[i], Math.abs(F[(m >> 2) + i]))), (vTop[i] = Math.max(vTop[i], F[(v >> 2) + i]));
  }
  const init = randomFloats(n, 1);
  const mf = F.subarray(m >> 2, (m >> 2) + n), vf = F.subarray(v >> 2, (v >> 2) + n), pf = F.subarray(p >> 2, (p >> 2) + n);
  const [mh, vh] = [decoded(h, 0, 2, d), decoded(h, 1, 2, d).map((r) => r * r)]; // √v is stored
  let worst = 0;
  for (const id of IDS) {
    const rowMax = (a: ArrayLike<number>) => Math.max(...Array.from({ length: d }, (_, j) => Math.abs(a[id * d + j])));
    const [mMax, vMax] = [rowMax(mTop), rowMax(vTop)];
    for (let j = 0; j < d; j++) {
      const i = id * d + j;
      // Each step rounds once (relative 2^-11 normal, 2^-24 of the row's top value subnormal; v
      // is squared from √v: twice that), and the errors of earlier steps decay: at most STEPS
      // roundings of the largest value seen.
      assert.ok(Math.abs(mh[i] - mf[i]) <= STEPS * (2 ** -11 * mTop[i] + 2 ** -24 * mMax), `m[${i}] ${mh[i]} vs ${mf[i]}`);
      assert.ok(Math.abs(vh[i] - vf[i]) <= STEPS * (2 ** -10 * vTop[i] + 2 ** -23 * vMax), `v[${i}] ${vh[i]} vs ${vf[i]}`);
      const moved = Math.abs(pf[i] - init[i]);
      assert.ok(moved > 0, `f32 row ${id} moved`);
      // A step moves a param by about lr·m̂/√v̂ (≲ lr); moments off by ≤ STEPS·2^-11 relative move it
      // by ≤ 1.5 times that of lr (√v halves v's error); STEPS steps add up.
      assert.ok(Math.abs(h.param[i] - pf[i]) <= STEPS * STEPS * 1.5 * 2 ** -11 * LR, `param[${i}]: f16 state ${h.param[i]}, f32 state ${pf[i]}, moved ${moved}`);
      worst = Math.max(worst, Math.abs(h.param[i] - pf[i]) / LR);
    }
  }
  assert.ok(worst > 0, "the f16 state rounds something");
});

test('adam_rows_f16 is scale-invariant: gradients and eps 2^±16 times the size give the same bits', async () => {
  for (const e of await f32Backends()) {
    const a = run(e, 'adam', 17, IDS.length);
    for (const k of [-16, 16]) {
      const b = run(e, 'adam', 17, IDS.length, { factor: 2 ** k, eps: EPS * 2 ** k });
      assert.equal(Array.from(b.param), Array.from(a.param), `${e.backend} 2^${k}: params`);
      assert.equal(b.halves, a.halves, `${e.backend} 2^${k}: halves`);
      // Only the row scales move, by 2^k (m and √v; untouched rows keep scale 1).
      a.scales.forEach((s, i) => assert.is(b.scales[i], s === 1 && IDS.every((id) => id !== i >> 1) ? 1 : s * 2 ** k, `${e.backend} 2^${k}: scale ${i}`));
    }
  }
});

test.run();

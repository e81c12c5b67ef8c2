// Compact item tables: int8 and f16 panel copies (exact bytes on every backend, rounding and
// saturation edge cases), their dequantization, and scoring from them against the oracle and
// against float32 scoring of the original table (error bounds of the quantization).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';
import { fromHalfBits, toHalfBits } from '../../src/engine/reference/quant.js';
import { QUANT_ABI } from '../../src/engine/abi/quant.js';
import { f32Backends } from '../helpers/engines.js';

const pad8 = (rows: number) => Math.ceil(rows / 8) * 8;
/** Int32 words holding `bytes` bytes (zeros), for the int heap. */
const words = (bytes: number) => new Int32Array(Math.max(1, Math.ceil(bytes / 4)));
const asI8 = (w: ArrayLike<number>) => new Int8Array(Int32Array.from(w).buffer);
const asU16 = (w: ArrayLike<number>) => new Uint16Array(Int32Array.from(w).buffer);
const atPanel = (j: number, k: number, d: number) => (j >> 3) * d * 8 + k * 8 + (j & 7);

/** Random rows of mixed magnitude (one all-zero row) so scales differ. */
function table(rows: number, d: number, seed: number): Float64Array {
  const x = randomFloats(rows * d, seed);
  for (let j = 0; j < rows; j++) for (let k = 0; k < d; k++) x[j * d + k] = Math.fround(x[j * d + k] * (j % 3 === 0 ? 0.05 : j % 3 === 1 ? 1 : 7));
  if (rows > 2) x.fill(0, 2 * d, 3 * d);
  return x;
}

async function quantize(x: Float64Array, rows: number, d: number) {
  return checkKernel('quantize_i8_panels', {
    floats: { x, scales: new Float64Array(pad8(rows)) },
    ints: { tab: words(pad8(rows) * d) },
    args: (p) => [p.x, rows, d, p.tab, p.scales],
    tol: 0,
  });
}

test('quantize_i8_panels: same bytes and scales everywhere; |x - q·s| ≤ s/2; padding zero', async () => {
  for (const [rows, d] of [[1, 1], [5, 3], [8, 16], [13, 64], [3, 300]]) {
    const x = table(rows, d, rows + d);
    const r = await quantize(x, rows, d);
    const q = asI8(r.ints.tab);
    const s = r.floats.scales;
    for (let j = 0; j < pad8(rows); j++) {
      if (j >= rows || (rows > 2 && j === 2)) assert.is(s[j], 0, `scale of zero/padding row ${j}`);
      let m = 0;
      for (let k = 0; k < d; k++) {
        const v = j < rows ? x[j * d + k] : 0;
        m = Math.max(m, Math.abs(v));
        const got = q[atPanel(j, k, d)];
        assert.ok(Math.abs(got) <= 127, 'in [-127, 127]');
        assert.ok(Math.abs(v - got * s[j]) <= s[j] / 2 * 1.0001 + 1e-12, `row ${j} dim ${k}: ${v} vs ${got}·${s[j]}`);
      }
      if (m > 0) assert.ok(Math.abs(s[j] - m / 127) <= 1e-7 * s[j]);
    }
  }
});

test('f16_panels: round to nearest even, subnormals, saturation; same bits everywhere', async () => {
  const special = [0, -0, 1, -1, 65504, 65519, 65520, 1e6, -1e6, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -14, 2 ** -14 - 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 0.1, -3.14159, 6e-5];
  const vals = [...special, ...randomFloats(45, 3, 100)].map((v) => Math.fround(v)); // 64 values
  const rows = 8, d = 8;
  const r = await checkKernel('f16_panels', {
    floats: { x: vals },
    ints: { tab: words(rows * d * 2) },
    args: (p) => [p.x, rows, d, p.tab],
  });
  const h = asU16(r.ints.tab);
  const back = (i: number) => fromHalfBits(h[atPanel(Math.floor(i / d), i % d, d)]);
  assert.is(back(6), 65504, '65520 saturates (would round to Inf)');
  assert.is(back(5), 65504, '65519 rounds down');
  assert.is(back(7), 65504);
  assert.is(back(9), 2 ** -24);
  assert.is(back(10), 0, '2^-25 ties to even (0)');
  assert.is(back(11), 2 ** -24, '3·2^-26 rounds up');
  assert.is(back(14), 1, '1 + 2^-11 ties to even (1)');
  assert.is(back(15), 1 + 2 ** -9, '1 + 3·2^-11 ties to even (up)');
  assert.is(Object.is(back(1), -0), true, '-0 kept');
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (Math.abs(v) > 65504) continue;
    assert.ok(Math.abs(back(i) - v) <= Math.max(Math.abs(v) * 2 ** -11, 2 ** -25), `value ${v} -> ${back(i)}`);
    assert.is(toHalfBits(back(i)), h[atPanel(Math.floor(i / d), i % d, d)], 'round trip of a half is exact');
  }
});

test('dequantize_i8_panels and f16_panels_to_f32 on every backend', async () => {
  const [rows, d] = [13, 20];
  const x = table(rows, d, 9);
  const qi = await quantize(x, rows, d);
  await checkKernel('dequantize_i8_panels', {
    floats: { scales: qi.floats.scales, out: new Float64Array(rows * d) },
    ints: { tab: qi.ints.tab },
    args: (p) => [p.tab, p.scales, rows, d, p.out],
    tol: 0,
  });
  const h = await checkKernel('f16_panels', { floats: { x }, ints: { tab: words(pad8(rows) * d * 2) }, args: (p) => [p.x, rows, d, p.tab] });
  const r = await checkKernel('f16_panels_to_f32', { floats: { out: new Float64Array(rows * d) }, ints: { tab: h.ints.tab }, args: (p) => [p.tab, rows, d, p.out], tol: 0 });
  for (let i = 0; i < rows * d; i++) assert.ok(Math.abs(r.floats.out[i] - x[i]) <= Math.abs(x[i]) * 2 ** -11 + 2 ** -25);
});

/** Scores of M query rows (ld ldq) against items j0..j0+n of a compact copy of x; checked on every backend. */
async function score(fmt: 'i8' | 'f16', x: Float64Array, rows: number, d: number, M: number, j0: number, n: number, seed: number) {
  const ldq = d + 3, ldo = n + 2;
  const q = randomFloats(M * ldq, seed);
  const built = fmt === 'i8'
    ? await quantize(x, rows, d)
    : await checkKernel('f16_panels', { floats: { x }, ints: { tab: words(pad8(rows) * d * 2) }, args: (p) => [p.x, rows, d, p.tab] });
  const tabOff = fmt === 'i8' ? (j0 / 8) * d * 8 : (j0 / 8) * d * 16; // bytes
  const out = new Float64Array(M * ldo).fill(-7); // the gaps between rows must stay -7
  const r = fmt === 'i8'
    ? await checkKernel('score_i8_nt', {
      floats: { q, scales: built.floats.scales, out },
      ints: { tab: built.ints.tab },
      args: (p) => [M, n, d, p.q, ldq, p.tab + tabOff, p.scales + j0 * 4, p.out, ldo],
      tol: 1e-4,
    })
    : await checkKernel('score_f16_nt', {
      floats: { q, out },
      ints: { tab: built.ints.tab },
      args: (p) => [M, n, d, p.q, ldq, p.tab + tabOff, p.out, ldo],
      tol: 1e-4,
    });
  // Against float32-table scores: int8 error ≤ Σ|q_k|·s_j/2, f16 ≤ Σ|q_k x_k|·2^-11 (+ subnormals).
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0, bound = 1e-5;
      for (let k = 0; k < d; k++) {
        const qk = q[i * ldq + k], xk = x[(j0 + j) * d + k];
        exact += qk * xk;
        bound += fmt === 'i8' ? Math.abs(qk) * built.floats.scales[j0 + j] / 2 : Math.abs(qk * xk) * 2 ** -11 + Math.abs(qk) * 2 ** -25;
      }
      const got = r.floats.out[i * ldo + j];
      assert.ok(Math.abs(got - exact) <= bound, `${fmt} row ${i} item ${j0 + j}: ${got} vs ${exact} (bound ${bound})`);
    }
    for (let j = n; j < ldo; j++) assert.is(r.floats.out[i * ldo + j], -7, 'gap untouched');
  }
}

test('score_i8_nt / score_f16_nt: tiles, row and column tails, offsets, D > KC; error bounds vs float32', async () => {
  for (const fmt of ['i8', 'f16'] as const) {
    for (const [M, rows, j0, n, d] of [[1, 1, 0, 1, 1], [3, 13, 0, 13, 5], [4, 40, 8, 30, 64], [5, 40, 16, 7, 16], [9, 24, 0, 24, 300], [2, 9, 8, 1, 0]]) {
      await score(fmt, table(rows, d, M + rows + d), rows, d, M, j0, n, M * 7 + n);
    }
  }
});

test('every quant signature has the arity of its wasm export', async () => {
  for (const e of (await f32Backends()).slice(1)) {
    for (const [name, sig] of Object.entries(QUANT_ABI)) assert.is((e.exports![name] as (...a: number[]) => void).length, sig.length, `${name} on ${e.backend}`);
  }
});

test.run();

// The one-pass f16-state kernels (adam_rows_f16, adagrad_rows_f16) against the two-pass reference
// kernels they replace (adam_rows_f16_ref, adagrad_rows_f16_ref), bit for bit, on every wasm build
// and the pure-TS backend: thousands of random rows of every width up to 70 (the fast path is
// D ≤ 64, whole vectors plus a scalar tail), random halves (subnormal, negative, zero rows),
// random power-of-two scales (including ≥ 2^16, where the fast kernel defers to the reference),
// gradients that move a row's scale up and down by many binades, and overflowing gradients
// (g² = Inf, g = ±Inf).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { f32Backends } from '../helpers/engines.js';
import { Rng } from '../../src/engine/random.js';
import type { Engine } from '../../src/engine/engine.js';

const ROWS = 40;

/** A random finite f16 bit pattern: any sign, exponent 0 (subnormal/zero) to 30. */
function randomHalf(r: Rng): number {
  const u = r.uniform();
  if (u < 0.1) return 0;
  const exp = u < 0.3 ? 0 : Math.floor(r.uniform() * 31);
  return (r.uniform() < 0.3 ? 0x8000 : 0) | (exp << 10) | Math.floor(r.uniform() * 1024);
}

/** A gradient value of row magnitude `mag`, spread over 2^±12, with rare zeros and overflows. */
function randomGrad(r: Rng, mag: number, overflow: boolean): number {
  const u = r.uniform();
  if (u < 0.05) return 0;
  if (overflow && u < 0.08) return r.uniform() < 0.5 ? 3e38 : -Infinity;
  return (r.uniform() - 0.5) * mag * 2 ** Math.floor(r.uniform() * 24 - 12);
}

interface Case { d: number; ids: number[]; grad: Float32Array; halves: Uint16Array[]; scales: Float32Array; param: Float32Array }

function randomCase(r: Rng, d: number, moments: number, overflow: boolean): Case {
  const ids = Array.from({ length: ROWS }, (_, i) => i).sort(() => r.uniform() - 0.5).slice(0, 1 + Math.floor(r.uniform() * ROWS));
  const rowMag = () => 2 ** Math.floor(r.uniform() * 60 - 40);
  const grad = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) {
    const mag = rowMag();
    for (let j = 0; j < d; j++) grad[i * d + j] = randomGrad(r, mag, overflow);
  }
  const halves = Array.from({ length: moments }, () => Uint16Array.from({ length: ROWS * d }, () => randomHalf(r)));
  // Row scales: powers of two, mostly near the gradients' sizes, some beyond the fused range.
  const scales = Float32Array.from({ length: ROWS * moments }, () => 2 ** (r.uniform() < 0.1 ? 15 + Math.floor(r.uniform() * 100) : Math.floor(r.uniform() * 80 - 70)));
  const param = Float32Array.from({ length: ROWS * d }, () => r.normal());
  return { d, ids, grad, halves, scales, param };
}

/** Run `kernel` on a copy of the case in e; the resulting param, halves and scales as raw bits. */
type Kernel = 'adam_rows_f16' | 'adam_rows_f16_ref' | 'adagrad_rows_f16' | 'adagrad_rows_f16_ref';

function run(e: Engine, kernel: Kernel, c: Case, t: number): number[][] {
  const { d, ids } = c;
  const a = (bytes: number) => e.heap.alloc(Math.max(4, Math.ceil(bytes / 4) * 4));
  const P = a(c.param.byteLength), G = a(c.grad.byteLength), I = a(ids.length * 4), S = a(c.scales.byteLength);
  const H = c.halves.map((h) => a(h.byteLength));
  const u8 = () => new Uint8Array(e.i32.buffer);
  const put = (ptr: number, x: ArrayBufferView) => u8().set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), e.i32.byteOffset + ptr);
  put(P, c.param); put(G, c.grad); put(I, Int32Array.from(ids)); put(S, c.scales);
  H.forEach((h, i) => put(h, c.halves[i]));
  if (kernel.startsWith('adam')) e.call(kernel, P, G, H[0], H[1], S, I, ids.length, d, 1e-2, 0.9, 0.999, 1e-8, 1 - 0.9 ** t, 1 - 0.999 ** t);
  else e.call(kernel, P, G, H[0], S, I, ids.length, d, 5e-2, 1e-10);
  const bytes = (ptr: number, n: number) => Array.from(u8().slice(e.i32.byteOffset + ptr, e.i32.byteOffset + ptr + n));
  const out = [bytes(P, c.param.byteLength), ...H.map((h, i) => bytes(h, c.halves[i].byteLength)), bytes(S, c.scales.byteLength)];
  for (const p of [P, G, I, S, ...H]) e.heap.free(p);
  return out;
}

for (const kind of ['adam', 'adagrad'] as const) {
  test(`${kind}_rows_f16 gives the bits of ${kind}_rows_f16_ref on random rows of every width`, async () => {
    const engines = await f32Backends();
    const r = new Rng(kind === 'adam' ? 12 : 13);
    const what = ['param', ...(kind === 'adam' ? ['m halves', 'v halves'] : ['acc halves']), 'scales'];
    let rows = 0, rescaled = 0;
    for (let round = 0; round < 3; round++) {
      for (let d = 1; d <= 70; d++) {
        const c = randomCase(r, d, kind === 'adam' ? 2 : 1, round === 2);
        const t = 1 + Math.floor(r.uniform() * 50);
        for (const e of engines) {
          const ref = run(e, `${kind}_rows_f16_ref` as const, c, t);
          const fast = run(e, `${kind}_rows_f16` as const, c, t);
          ref.forEach((b, i) => {
            const at = b.findIndex((x, j) => x !== fast[i][j]);
            assert.is(at, -1, `${e.backend} d ${d} round ${round}: ${what[i]} differ at byte ${at}`);
          });
          if (e.backend === 'wasm-simd') {
            const after = new Float32Array(Uint8Array.from(ref.at(-1)!).buffer);
            rescaled += c.ids.filter((id) => after[id * (kind === 'adam' ? 2 : 1)] !== c.scales[id * (kind === 'adam' ? 2 : 1)]).length;
          }
        }
        rows += c.ids.length;
      }
    }
    assert.ok(rows > 3000, `${rows} rows`);
    assert.ok(rescaled > rows / 4, `${rescaled} of ${rows} rows changed their scale`);
  });
}

test.run();

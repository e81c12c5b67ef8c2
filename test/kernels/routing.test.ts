// MIND's fused routing kernel: oracle vs every float32 backend (padded slots, inactive interests,
// tails of T, K and D), and the same bits as the op-by-op sequence it replaces (masked softmax,
// batched TN product, squash, batched NT product into the logits) on each float32 backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { f32Backends } from '../helpers/engines.js';

/** [B, T, K] mask: slots past a row's length and interests past its active count are 0. */
function routingMask(B: number, T: number, K: number, seed: number): Float64Array {
  const r = randomFloats(2 * B, seed);
  const m = new Float64Array(B * T * K);
  for (let b = 0; b < B; b++) {
    const len = Math.floor(((r[b] + 1) / 2) * (T + 1)); // 0..T (0 = a fully padded row)
    const act = 1 + Math.floor(((r[B + b] + 1) / 2) * K) % K;
    for (let t = 0; t < len; t++) for (let k = 0; k < act; k++) m[(b * T + t) * K + k] = 1;
  }
  return m;
}

const SHAPES = [[3, 5, 4, 8], [5, 10, 4, 16], [2, 7, 3, 17], [4, 20, 4, 64], [1, 1, 1, 1], [0, 4, 4, 4]];

test('route_shared_f32 matches the float64 oracle', async () => {
  for (const [B, T, K, D] of SHAPES) {
    for (const iters of [0, 1, 2]) {
      await checkKernel('route_shared_f32', {
        floats: {
          h: randomFloats(B * T * D, B + T + D, 0.5), logits: randomFloats(B * T * K, 7 + K), mask: routingMask(B, T, K, 3 + T),
          c: randomFloats(B * T * K, 4), s: new Float64Array(B * K * D), u: new Float64Array(B * K * D),
        },
        args: (p) => [p.h, p.logits, p.mask, p.c, p.s, p.u, B, T, K, D, iters],
        compare: ['logits', 'c'],
        tol: 1e-4,
      });
    }
  }
});

test('route_shared_f32 gives the bits of the op-by-op routing', async () => {
  for (const e of await f32Backends()) {
    for (const [B, T, K, D] of SHAPES) {
      const floats = {
        h: randomFloats(B * T * D, B + T + D, 0.5), logits: randomFloats(B * T * K, 7 + K), mask: routingMask(B, T, K, 3 + T),
        c: new Float64Array(B * T * K), s: new Float64Array(B * K * D), u: new Float64Array(B * K * D),
      };
      const fused = runKernel(e, 'route_shared_f32', { floats, args: (p) => [p.h, p.logits, p.mask, p.c, p.s, p.u, B, T, K, D, 2] });
      const ops = runKernel(e, 'route_shared_f32', {
        floats,
        args: (p) => {
          const tk = T * K, td = T * D, kd = K * D;
          for (let r = 0; r < 2; r++) {
            e.call('softmax_rows_masked_f32', p.logits, p.mask, p.c, B * T, K);
            e.call('gemm_batched_f32_tn', B, K, D, T, 1, p.c, K, tk, p.h, D, td, 0, p.s, D, kd);
            e.call('squash_f32', p.s, p.u, B * K, D);
            e.call('gemm_batched_f32_nt', B, T, K, D, 1, p.h, D, td, p.u, D, kd, 1, p.logits, K, tk);
          }
          // The final softmax runs as the kernel with zero iterations.
          return [p.h, p.logits, p.mask, p.c, p.s, p.u, B, T, K, D, 0];
        },
      });
      assert.equal(Array.from(fused.floats.logits), Array.from(ops.floats.logits), `${e.backend} ${[B, T, K, D]}: logits`);
      assert.equal(Array.from(fused.floats.c), Array.from(ops.floats.c), `${e.backend} ${[B, T, K, D]}: weights`);
    }
  }
});

test.run();

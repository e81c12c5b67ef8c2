// Dynamic (capsule) routing of MIND (docs/model-guide.md#mind step 4) and ComiRec-DR (docs/model-guide.md#comirec-dr step 4), built from
// GEMMs, the masked row softmax and squash. Iterations 1..r−1 run off the tape on sg(Ĥ); the last
// one is the only taped step, Z = sg(w)·Ĥ, V = squash(Z). Logits are kept with the interest axis
// last so the per-behaviour softmax over *active* interests is one masked row softmax; a padded
// behaviour has every entry masked, so its row comes out all zero (no renormalisation).
import { Tensor, empty } from '../tensor.js';
import { noGrad, stopGradient } from '../autograd/tape.js';
import { bmm, reshape, slotSum, softmax, squash } from '../ops/index.js';
import { gemm } from '../engine/gemm.js';
import { detExp } from '../engine/det-math.js';
import type { Rng } from '../engine/random.js';

/** Routing result: the capsules, the final coupling weights (constants) and the final logits. */
export interface Routed {
  /** Interest capsules [B, K, D] (on the tape through Ĥ / Û of the last iteration only). */
  V: Tensor;
  /** Coupling weights used by the last iteration: [B, T, K] (shared) or [T, B, K] (per interest). */
  weights: Tensor;
  /** Routing logits after the last update, same layout as `weights`; never on the tape. */
  logits: Tensor;
}

/** MIND's adaptive interest count K′ = max(1, min(K, ⌊log₂ n⌋)); K when not adaptive. */
export function activeInterestCount(n: number, K: number, adaptive = true): number {
  if (!adaptive) return K;
  const lg = n >= 1 ? 31 - Math.clz32(n) : 0; // ⌊log₂ n⌋ exactly, no float log
  return Math.max(1, Math.min(K, lg));
}

const U32 = 1 / 4294967296;

/**
 * Fill `out` with TruncatedNormal(0, 1) draws (|x| ≤ 2, TF semantics) for MIND's per-pass routing
 * logits. Exact rejection from U(−2, 2) with acceptance e^{−x²/2}, squeezed by
 * 1 − y ≤ e^{−y} ≤ 1 − y + y²/2 so that four draws in five need no exp: about 10x cheaper than
 * Box–Muller with det-math, and still bit-identical on every runtime (integer draws, IEEE
 * arithmetic, detExp).
 */
export function fillTruncatedNormal(rng: Rng, out: Float32Array | Float64Array, n = out.length): void {
  for (let i = 0; i < n; i++) {
    for (;;) {
      const x = (rng.nextU32() + 0.5) * U32 * 4 - 2;
      const u = (rng.nextU32() + 0.5) * U32;
      const y = 0.5 * x * x;
      if (u <= 1 - y) { out[i] = x; break; }
      if (u > 1 - y + 0.5 * y * y) continue;
      if (u <= detExp(-y)) { out[i] = x; break; }
    }
  }
}

/**
 * The routing softmax mask: 1 iff slot t of row b holds an item and interest k is active.
 * `layout` 'BTK' orders rows b·T + t (MIND), 'TBK' orders them t·B + b (DR).
 * @param mask history mask [B*T]; @param active interest flags [B*K]
 */
export function routingMask(
  mask: ArrayLike<number>, active: ArrayLike<number>, B: number, T: number, K: number, layout: 'BTK' | 'TBK', ref: Tensor,
): Tensor {
  const out = empty(layout === 'BTK' ? [B, T, K] : [T, B, K], 'f32', ref.engine);
  const M = out.data;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const valid = mask[b * T + t] !== 0;
      const row = (layout === 'BTK' ? b * T + t : t * B + b) * K;
      for (let k = 0; k < K; k++) M[row + k] = valid && active[b * K + k] ? 1 : 0;
    }
  }
  return out;
}

/**
 * MIND routing with one map shared by all interests: Ĥ [B, T, D], logits [B, T, K] (updated in
 * place; caller-owned arena scratch, never on the tape), mask [B, T, K] from `routingMask`.
 * `frozen` [B, T, K] replaces the routing by fixed final weights (gradchecks).
 */
export function routeShared(hHat: Tensor, logits: Tensor, mask: Tensor, iterations: number, frozen?: Tensor): Routed {
  const e = hHat.engine;
  const [B, T, D] = hHat.shape;
  const K = logits.cols;
  const sgH = stopGradient(hHat);
  let w = frozen as Tensor;
  if (!frozen) {
    // Iterations 1..r−1 and the final softmax in one kernel (split by rows b between threads): per
    // iteration c = softmax(logits, mask) (padded t and inactive k are 0), u = squash(cᵀ Ĥ)
    // [B, K, D], logits += Ĥ uᵀ; then w = softmax(logits, mask) [B, T, K].
    if (logits.shape.join() !== [B, T, K].join() || mask.shape.join() !== logits.shape.join()) {
      throw new Error(`routeShared: logits ${JSON.stringify(logits.shape)} and mask ${JSON.stringify(mask.shape)} must be [${B}, ${T}, ${K}]`);
    }
    noGrad(() => {
      w = empty([B, T, K], 'f32', e);
      const s = empty([B, K, D], 'f32', e), u = empty([B, K, D], 'f32', e); // scratch
      e.k.route_shared_f32(sgH.ptr, logits.ptr, mask.ptr, w.ptr, s.ptr, u.ptr, B, T, K, D, Math.max(0, iterations - 1));
    });
  }
  const V = squash(bmm(w, hHat, true)); // [B, K, D] = squash(sg(w)ᵀ Ĥ)
  return { V, weights: w, logits };
}

/**
 * ComiRec-DR routing with a map per (slot, interest): Û [T, B·K, D] (row t·B·K + b·K + k holds
 * û_{k,t} of row b), logits [T, B, K] (updated in place), mask [T, B, K]. Output V [B, K, D].
 */
export function routePerInterest(uHat: Tensor, logits: Tensor, mask: Tensor, iterations: number, frozen?: Tensor): Routed {
  const e = uHat.engine;
  const [T, J, D] = uHat.shape;
  const [, B, K] = logits.shape;
  const sgU = stopGradient(uHat);
  let c = frozen as Tensor;
  if (!frozen) {
    noGrad(() => {
      for (let r = 1; r < iterations; r++) {
        const w = softmax(logits, mask); // [T, B, K]
        const u = squash(slotSum(w, sgU)); // [B·K, D]
        // logits[t, j] += ⟨û[t, j], u[j]⟩: per j an [T, D]·[D, 1] product written with stride J.
        gemm(e, { batch: J, M: T, N: 1, K: D, a: sgU.ptr, lda: J * D, strideA: D, b: u.ptr, transB: true, strideB: D, beta: 1, c: logits.ptr, ldc: J, strideC: 1 });
      }
      c = softmax(logits, mask); // [T, B, K]
    });
  }
  const V = squash(slotSum(c, uHat)); // [B·K, D]
  return { V: reshape(V, [B, K, D]), weights: c, logits };
}

// gradcheck: central finite differences in float64 on the pure-TS reference engine, compared
// with the tape's gradients. Public so users who write their own layers can check them.
import { Engine } from '../engine/engine.js';
import { engine as currentEngine, setEngine } from '../engine/current.js';
import { Tensor, poolTensor } from '../tensor.js';
import { backward, clearTape, noGrad } from './tape.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Allowed |analytic − numeric| / max(1, |numeric|) (default 1e-5). */
  tol?: number;
  /** Check at most this many coordinates per input, evenly spread (default all). */
  maxChecks?: number;
}

export interface GradcheckResult {
  ok: boolean;
  maxError: number;
  /** First failing coordinate, if any: input index, flat index, analytic and numeric values. */
  worst?: { input: number; index: number; analytic: number; numeric: number };
}

/**
 * Check `fn` (inputs → any tensor) at `inputs` (values and shapes). The scalar checked is
 * Σ w ⊙ fn(x) with fixed pseudo-random weights w, so every output element matters.
 * Runs on a fresh float64 reference engine and restores the caller's engine.
 */
export function gradcheck(
  fn: (inputs: Tensor[]) => Tensor,
  inputs: { values: ArrayLike<number>; shape: number[]; requiresGrad?: boolean }[],
  opts: GradcheckOptions = {},
): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const tol = opts.tol ?? 1e-5;
  let previous: Engine | null = null;
  try {
    previous = currentEngine();
  } catch {
    previous = null;
  }
  const e = setEngine(Engine.fromReference(64));
  try {
    const xs = inputs.map((inp) => {
      const t = poolTensor(inp.shape, inp.values, e);
      t.requiresGrad = inp.requiresGrad !== false;
      return t;
    });
    let weights: Float64Array | null = null;
    const objective = (): number => {
      const y = fn(xs);
      if (!weights) weights = Float64Array.from({ length: y.size }, (_, i) => Math.sin(i * 1.7 + 0.3) + 1.1);
      let s = 0;
      const d = y.data;
      for (let i = 0; i < d.length; i++) s += weights[i] * d[i];
      return s;
    };
    // Analytic: seed the output gradient with w.
    const analytic = e.step(() => {
      const y = fn(xs);
      weights ??= Float64Array.from({ length: y.size }, (_, i) => Math.sin(i * 1.7 + 0.3) + 1.1);
      const seed = poolTensor(y.shape, weights, e);
      backward(y, seed);
      return xs.map((x) => (x.requiresGrad && x.grad ? Float64Array.from(x.grad.data) : null));
    });
    let maxError = 0;
    let worst: GradcheckResult['worst'];
    noGrad(() => {
      xs.forEach((x, xi) => {
        if (!x.requiresGrad) return;
        const n = x.size;
        const stride = opts.maxChecks && n > opts.maxChecks ? n / opts.maxChecks : 1;
        for (let f = 0; f < n; f += stride) {
          const i = Math.floor(f);
          const F = e.floats;
          const at = (x.ptr >>> 2) + i;
          const keep = F[at];
          F[at] = keep + eps;
          const up = e.step(objective);
          e.floats[at] = keep - eps;
          const down = e.step(objective);
          e.floats[at] = keep;
          const numeric = (up - down) / (2 * eps);
          const a = analytic[xi] ? analytic[xi]![i] : 0;
          const err = Math.abs(a - numeric) / Math.max(1, Math.abs(numeric));
          if (err > maxError) {
            maxError = err;
            worst = { input: xi, index: i, analytic: a, numeric };
          }
        }
      });
    });
    clearTape();
    return { ok: maxError <= tol, maxError, worst };
  } finally {
    if (previous) setEngine(previous);
  }
}

// checkOp: one line per op test. Gradcheck in float64 on the reference engine, then forward
// values and input gradients of every float32 backend against the float64 run.
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import { setEngine } from '../../src/engine/load.js';
import { Tensor, poolTensor } from '../../src/tensor.js';
import { backward } from '../../src/autograd/tape.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { f32Backends, oracle } from './engines.js';
import { assertClose, randomFloats } from './kernel-check.js';

export interface OpInput {
  shape: number[];
  values?: ArrayLike<number>;
  /** false for constants (masks, labels). */
  requiresGrad?: boolean;
}

interface Run {
  out: Float64Array;
  grads: (Float64Array | null)[];
}

function runOn(e: Engine, inputs: OpInput[], values: ArrayLike<number>[], build: (xs: Tensor[]) => Tensor): Run {
  setEngine(e);
  const xs = inputs.map((inp, i) => {
    const t = poolTensor(inp.shape, values[i], e);
    t.requiresGrad = inp.requiresGrad !== false;
    return t;
  });
  const y = build(xs);
  const out = Float64Array.from(y.data);
  const w = Float64Array.from({ length: y.size }, (_, i) => Math.sin(i * 1.7 + 0.3) + 1.1);
  backward(y, poolTensor(y.shape, w, e));
  const grads = xs.map((x) => (x.requiresGrad ? Float64Array.from(x.grad!.data) : null));
  e.heap.resetArena();
  return { out, grads };
}

/**
 * Gradcheck `build` in float64, then compare every float32 backend's output and gradients with
 * the float64 run (relative tolerance `tol`, default 1e-4).
 */
export async function checkOp(
  name: string,
  inputs: OpInput[],
  build: (xs: Tensor[]) => Tensor,
  opts: { tol?: number; gradTol?: number; eps?: number; seed?: number } = {},
): Promise<void> {
  const values = inputs.map((inp, i) => inp.values ?? randomFloats(inp.shape.reduce((a, b) => a * b, 1), (opts.seed ?? 7) + i));
  const gc = gradcheck(build, inputs.map((inp, i) => ({ values: values[i], shape: inp.shape, requiresGrad: inp.requiresGrad })), {
    tol: opts.gradTol ?? 1e-5,
    eps: opts.eps,
  });
  assert.ok(gc.ok, `${name}: gradcheck failed, max error ${gc.maxError} at ${JSON.stringify(gc.worst)}`);
  const want = runOn(oracle(), inputs, values, build);
  for (const e of await f32Backends()) {
    const got = runOn(e, inputs, values, build);
    const tol = opts.tol ?? 1e-4;
    assertClose(got.out, want.out, tol, `${name} on ${e.backend}: output`);
    got.grads.forEach((g, i) => {
      if (g) assertClose(g, want.grads[i]!, tol, `${name} on ${e.backend}: grad of input ${i}`);
    });
  }
}

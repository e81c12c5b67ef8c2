// The tape: each differentiable op records its inputs, its output and a backward closure that
// reads the output's gradient and *accumulates* into its inputs' gradients (so fan-out works).
// `backward(loss)` sweeps the tape in reverse once and clears it. Gradient buffers are not
// zero-filled: the first write of a step overwrites (acc = 0), later writes add (acc = 1).
import { Tensor, empty, viewAs } from '../tensor.js';

interface TapeNode {
  op: string;
  inputs: readonly Tensor[];
  output: Tensor;
  backward: () => void;
}

let nodes: TapeNode[] = [];
let enabled = true;
let step = 0;

/** Whether ops record onto the tape right now. */
export function isRecording(): boolean {
  return enabled;
}

/** True when `inputs` need an op to be recorded. */
export function needsGrad(...inputs: Tensor[]): boolean {
  if (!enabled) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Record an op if any input requires a gradient. Marks the output as requiring one.
 * `backward` runs during the reverse sweep, after the output's gradient is complete.
 */
export function record(op: string, inputs: readonly Tensor[], output: Tensor, backward: () => void): Tensor {
  if (!needsGrad(...inputs)) return output;
  output.requiresGrad = true;
  nodes.push({ op, inputs, output, backward });
  return output;
}

/**
 * Where to write a gradient for `t`: returns the gradient tensor and `acc` (0 on the first write
 * in this backward pass: overwrite; 1 afterwards: add). Allocates the buffer on first use (in the
 * pool for pool tensors, so parameter gradients keep their address across steps).
 */
export function gradSlot(t: Tensor): { grad: Tensor; acc: 0 | 1 } {
  if (t.sparseGrad) throw new Error(`autograd: ${t.describe()} takes row-sparse gradients; use addSparseGrad`);
  if (!t.grad || t.grad.engine !== t.engine) {
    t.grad =
      t.lifetime === 'pool'
        ? new Tensor(t.engine, t.engine.heap.alloc(t.size * 4), t.shape, 'f32', 'pool')
        : empty(t.shape, 'f32', t.engine);
  }
  const acc: 0 | 1 = t.gradStep === step ? 1 : 0;
  t.gradStep = step;
  return { grad: t.grad, acc };
}

/**
 * For an op whose gradient to `t` is its output's gradient unchanged (add, sub's first input, a
 * bias add's input): when `t` is a step tensor with no gradient yet in this pass, it takes over
 * `out`'s gradient buffer instead of a copy. `out`'s gradient is final once its node runs and
 * nothing reads it after, so `out` gives it up (its `grad` becomes null). Returns false (the
 * caller copies or adds) when `t` must keep its own buffer: a parameter, sparse, or already
 * holding a gradient.
 */
export function takeGrad(t: Tensor, out: Tensor): boolean {
  const g = out.grad;
  if (!g || t.lifetime !== 'arena' || g.lifetime !== 'arena' || t.sparseGrad || t.gradStep === step || t.engine !== out.engine || g.size !== t.size) return false;
  t.grad = g.shape.length === t.shape.length && g.shape.every((d, i) => d === t.shape[i]) ? g : viewAs(g, t.shape);
  t.gradStep = step;
  out.grad = null;
  return true;
}

/** Append a row-sparse gradient piece to a table (see ops/embedding). */
export function addSparseGrad(table: Tensor, ids: Tensor, rows: Tensor): void {
  if (table.gradStep !== step || !table.sparse) table.sparse = [];
  table.gradStep = step;
  table.sparse.push({ ids, rows });
}

/** Whether `t` received a gradient in the latest backward pass. */
export function hasGrad(t: Tensor): boolean {
  return t.gradStep === step && (t.sparseGrad ? !!t.sparse?.length : !!t.grad);
}

/**
 * Reverse sweep from a scalar loss (or from `seed`, a gradient of the loss's shape). Clears the
 * tape. Gradients of tensors not reached stay as they were, flagged stale by `hasGrad`.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  step++;
  if (!loss.requiresGrad) {
    nodes = [];
    throw new Error(`backward: ${loss.describe()} does not depend on any tensor that requires a gradient`);
  }
  if (!seed && loss.size !== 1) throw new Error(`backward: ${loss.describe()} is not a scalar; pass a seed gradient`);
  const { grad } = gradSlot(loss);
  if (seed) loss.engine.floats.set(seed.data, grad.ptr >>> 2);
  else loss.engine.floats[grad.ptr >>> 2] = 1;
  const list = nodes;
  nodes = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const n = list[i];
    if (n.output.gradStep === step) n.backward();
  }
}

/** Drop every recorded node without running it (e.g. after an evaluation forward pass). */
export function clearTape(): void {
  nodes = [];
}

/** Number of recorded nodes (tests, debugging). */
export function tapeLength(): number {
  return nodes.length;
}

/** Run `fn` without recording (inference, routing iterations, metrics). */
export function noGrad<T>(fn: () => T): T {
  const was = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = was;
  }
}

/** The same values with no gradient path (sg(x) in docs/model-guide.md). */
export function stopGradient(t: Tensor): Tensor {
  const v = viewAs(t, t.shape);
  v.name = t.name;
  return v;
}

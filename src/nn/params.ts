// ParamStore: a model's named parameters in the engine's pool, with the initialisers of
// docs/model-guide.md#conventions (glorot-uniform by default, N(0, σ²), zeros, ones). Id tables keep row 0 (padding)
// at zero. Freed together with the model.
import type { Engine } from '../engine/engine.js';
import { engine as currentEngine } from '../engine/current.js';
import type { Rng } from '../engine/random.js';
import { Tensor, poolTensor } from '../tensor.js';

export type Init =
  | { kind: 'glorot' }
  | { kind: 'normal'; std: number }
  | { kind: 'truncatedNormal'; std: number }
  | { kind: 'uniform'; limit: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export interface ParamOptions {
  /** Row 0 is padding: kept at zero (and its gradient discarded by the ops that read it). */
  paddingRow?: boolean;
  /** Gradients arrive as row lists (embedding tables), for the lazy optimizers. */
  sparse?: boolean;
  /** false: a buffer (saved in checkpoints, not trained). */
  trainable?: boolean;
}

/**
 * Where the values of parameters being created come from while a checkpoint is loaded: called
 * with the parameter's name and the shape the config asks for, it returns the file's values or
 * throws (missing tensor, other shape). Checked before anything config-sized is allocated, so a
 * crafted config (`dim: 1e6`) fails on its first parameter instead of filling gigabytes.
 */
export type ParamSource = (name: string, shape: readonly number[]) => ArrayLike<number>;

let activeSource: ParamSource | null = null;
let activeStores: ParamStore[] | null = null;

/**
 * Build (synchronously) with every `ParamStore.create` taking its values from `source`. When the
 * build throws, the parameters already created are freed, so a server that is handed bad files
 * again and again does not leak engine memory.
 */
export function withParamSource<T>(source: ParamSource, build: () => T): T {
  const prev = activeSource, prevStores = activeStores;
  const stores: ParamStore[] = [];
  activeSource = source;
  activeStores = stores;
  try {
    return build();
  } catch (e) {
    for (const s of stores) s.free();
    throw e;
  } finally {
    activeSource = prev;
    activeStores = prevStores;
  }
}

export class ParamStore {
  readonly tensors = new Map<string, Tensor>();
  readonly trainable = new Set<string>();

  constructor(readonly rng: Rng, readonly engine: Engine = currentEngine()) {
    activeStores?.push(this);
  }

  /** Create parameter `name` of `shape`, initialised by `init`. */
  create(name: string, shape: number[], init: Init = { kind: 'glorot' }, opts: ParamOptions = {}): Tensor {
    if (this.tensors.has(name)) throw new Error(`ParamStore: parameter "${name}" already exists`);
    let values: ArrayLike<number>;
    if (activeSource) values = activeSource(name, shape);
    else {
      const v = initValues(shape, init, this.rng);
      if (opts.paddingRow) v.fill(0, 0, shape[shape.length - 1]);
      values = v;
    }
    const t = poolTensor(shape, values, this.engine);
    t.name = name;
    t.requiresGrad = opts.trainable !== false;
    t.sparseGrad = !!opts.sparse;
    this.tensors.set(name, t);
    if (opts.trainable !== false) this.trainable.add(name);
    return t;
  }

  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`ParamStore: no parameter "${name}" (have ${[...this.tensors.keys()].join(', ')})`);
    return t;
  }

  /** Trainable tensors, in creation order. */
  list(): Tensor[] {
    return [...this.tensors.entries()].filter(([n]) => this.trainable.has(n)).map(([, t]) => t);
  }

  /** Total number of scalars (trainable and buffers). */
  count(): number {
    let n = 0;
    for (const t of this.tensors.values()) n += t.size;
    return n;
  }

  /** Release every parameter (and its gradient) back to the pool. */
  free(): void {
    for (const t of this.tensors.values()) {
      if (t.grad && t.grad.lifetime === 'pool') this.engine.heap.free(t.grad.ptr);
      this.engine.heap.free(t.ptr);
    }
    this.tensors.clear();
    this.trainable.clear();
  }
}

/** Initial values in float64, drawn from `rng` in row-major order. */
export function initValues(shape: number[], init: Init, rng: Rng): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'glorot': {
      // TF glorot_uniform for a 2-D [fanIn, fanOut] variable; higher ranks use the last two axes
      // with the leading ones as receptive field, as TF does.
      const fanIn = shape.length >= 2 ? shape[shape.length - 2] : shape[0];
      const fanOut = shape.length >= 2 ? shape[shape.length - 1] : shape[0];
      const field = shape.length > 2 ? n / (fanIn * fanOut) : 1;
      const limit = Math.sqrt(6 / ((fanIn + fanOut) * field));
      for (let i = 0; i < n; i++) out[i] = (rng.uniform() * 2 - 1) * limit;
      return out;
    }
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = (rng.uniform() * 2 - 1) * init.limit;
      return out;
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = rng.normal() * init.std;
      return out;
    case 'truncatedNormal':
      for (let i = 0; i < n; i++) out[i] = rng.truncatedNormal() * init.std;
      return out;
  }
}

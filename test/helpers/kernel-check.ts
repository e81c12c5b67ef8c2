// checkKernel: run one kernel on the float64 oracle and on every float32 backend with the same
// inputs, then compare every buffer (inputs may be outputs too). One line per kernel test.
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import type { KernelName } from '../../src/engine/abi/index.js';
import { f32Backends, oracle } from './engines.js';

export interface KernelCase {
  /** Float buffers by name (inputs and outputs alike). */
  floats: Record<string, ArrayLike<number>>;
  /** Int32 buffers by name (ids, indices). */
  ints?: Record<string, ArrayLike<number>>;
  /** Kernel arguments, given the byte pointer of each named buffer. */
  args: (p: Record<string, number>) => number[];
  /** Relative-or-absolute tolerance of float32 backends against the oracle (default 1e-5). */
  tol?: number;
  /** Buffers to compare (default: all). */
  compare?: string[];
}

export interface KernelRun {
  floats: Record<string, Float64Array>;
  ints: Record<string, Int32Array>;
  ret: number | void;
}

/** Copy the case into `e`, run `name`, read every buffer back. */
export function runKernel(e: Engine, name: KernelName, c: KernelCase): KernelRun {
  const p: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.floats)) {
    p[k] = e.heap.alloc(Math.max(1, v.length) * 4);
    e.floats.set(Array.from(v), p[k] >> 2);
  }
  for (const [k, v] of Object.entries(c.ints ?? {})) {
    p[k] = e.heap.alloc(Math.max(1, v.length) * 4);
    e.i32.set(Array.from(v), p[k] >> 2);
  }
  const ret = e.call(name, ...c.args(p));
  const floats: Record<string, Float64Array> = {};
  const ints: Record<string, Int32Array> = {};
  for (const [k, v] of Object.entries(c.floats)) {
    floats[k] = Float64Array.from(e.floats.subarray(p[k] >> 2, (p[k] >> 2) + v.length));
  }
  for (const [k, v] of Object.entries(c.ints ?? {})) {
    ints[k] = Int32Array.from(e.i32.subarray(p[k] >> 2, (p[k] >> 2) + v.length));
  }
  for (const ptr of Object.values(p)) e.heap.free(ptr);
  return { floats, ints, ret };
}

/** Assert |x - y| <= tol * max(1, |y|) elementwise, naming the buffer, backend and index. */
export function assertClose(x: ArrayLike<number>, y: ArrayLike<number>, tol: number, what: string): void {
  assert.is(x.length, y.length, `${what}: length`);
  for (let i = 0; i < y.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (a === b) continue;
    const err = Math.abs(a - b);
    if (!(err <= tol * Math.max(1, Math.abs(b)))) {
      assert.unreachable(`${what}[${i}]: got ${a}, expected ${b} (tol ${tol})`);
    }
  }
}

/** Run on the oracle and all float32 backends; compare. Returns the oracle's run. */
export async function checkKernel(name: KernelName, c: KernelCase): Promise<KernelRun> {
  const want = runKernel(oracle(), name, c);
  const tol = c.tol ?? 1e-5;
  for (const e of await f32Backends()) {
    const got = runKernel(e, name, c);
    const names = c.compare ?? [...Object.keys(c.floats), ...Object.keys(c.ints ?? {})];
    for (const k of names) {
      if (k in got.floats) assertClose(got.floats[k], want.floats[k], tol, `${name} on ${e.backend}: ${k}`);
      else assert.equal(Array.from(got.ints[k]), Array.from(want.ints[k]), `${name} on ${e.backend}: ${k}`);
    }
    if (typeof want.ret === 'number') assertClose([got.ret as number], [want.ret], tol, `${name} on ${e.backend}: return`);
  }
  return want;
}

/** Deterministic pseudo-random floats in [-scale, scale) for test inputs (not library code). */
export function randomFloats(n: number, seed = 1, scale = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = Math.fround(((s / 4294967296) * 2 - 1) * scale);
  }
  return out;
}

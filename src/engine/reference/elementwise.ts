// Pure-TS reference kernels of the elementwise family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/elementwise.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
import type { Floats } from './types.js';

/** out[i] = a[i] + b[i] for i < n. */
export function add_f32(F: Floats, _I: Int32Array, a: number, b: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[a + i] + F[b + i];
}

// Pure-TS reference kernels of the embedding family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/embedding.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
import type { Floats } from './types.js';

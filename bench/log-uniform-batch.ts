// A synthetic training batch whose items are log-uniform over the catalogue (popular ids are
// small, as in a real log): the batches of the catalogue-size suite and the optimizer-state
// experiment, which time a step without reading a data file.
import type { Rng } from '../src/engine/random.js';
import type { RetrievalBatch } from '../src/models/types.js';

/** B users with 1..T history items and one target each, drawn from `rng` over items 1..N−1. */
export function logUniformBatch(rng: Rng, N: number, B: number, T: number): RetrievalBatch {
  const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B), target = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    len[b] = 1 + rng.int(T);
    for (let t = 0; t < len[b]; t++) (hist[b * T + t] = rng.logUniform(N)), (mask[b * T + t] = 1);
    target[b] = rng.logUniform(N);
  }
  return { B, T, hist, mask, len, target };
}

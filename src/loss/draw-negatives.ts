// Drawing one batch's negatives: S unique ids by rejection from the generator's stream, exactly
// the JavaScript loop's ids, tries and final generator state. Log-uniform draws (a double-double
// pow each) run in the `log_uniform_draws` kernel, split between threads, about twice as many as
// still needed per call; the uniforms come from the `rng_uniforms` kernel, the generator's own
// bits from its state, which is rewound to the draws actually taken. Only the cheap uniqueness
// scan stays in JavaScript.
import type { Rng } from '../engine/random.js';
import type { Engine } from '../engine/engine.js';
import type { Ptr } from '../engine/abi/index.js';

export type DrawnKind = 'logUniform' | 'tfLogUniform' | 'uniform';

/** Ids already drawn in the current call, by id (cleared before returning; grown to the largest N). */
let seen = new Uint8Array(0);

/** Most draws computed ahead in one kernel call (bounds the buffers at 12 bytes a draw). */
const MAX_AHEAD = 1 << 20;

/** Per engine: pool blocks for a chunk of uniforms (f64) and their ids (i32), `cap` entries, and the generator's state (four words). */
const buffers = new WeakMap<Engine, { u: Ptr; k: Ptr; state: Ptr; cap: number }>();

/**
 * S unique ids from 1..N−1 and the number of draws that counted (`tries`): 'uniform' by
 * rejection-free integers, the log-uniform kinds by ⌊n^u⌋ (TF's kind over 0..N−1, rejecting 0
 * without counting it). With an engine the log-uniform draws go through the kernel.
 */
export function drawUnique(rng: Rng, kind: DrawnKind, N: number, S: number, e: Engine | null): { ids: Int32Array; tries: number } {
  if (seen.length < N) seen = new Uint8Array(N);
  const ids = new Int32Array(S);
  let tries = 0;
  let n = 0;
  const take = (k: number) => {
    tries++;
    if (!seen[k]) {
      seen[k] = 1;
      ids[n++] = k;
    }
  };
  try {
    if (kind === 'uniform' || !e) {
      while (n < S) {
        if (kind === 'uniform') take(1 + rng.int(N - 1));
        else if (kind === 'tfLogUniform') {
          const k = rng.logUniform(N + 1) - 1; // TF's range 0..N−1; 0 (padding) is rejected, not a try
          if (k !== 0) take(k);
        } else take(rng.logUniform(N));
      }
      return { ids, tries };
    }
    const range = kind === 'tfLogUniform' ? N + 1 : N;
    while (n < S) {
      // Draw ahead: about twice the ids still missing in one kernel call (split between threads),
      // then take them in stream order until S are unique. The generator is rewound and advanced
      // by the draws taken, so ids, tries and its final state are those of one draw at a time.
      const m = Math.min(2 * (S - n) + 64, MAX_AHEAD);
      const buf = chunkBuffers(e, m);
      const saved = rng.getState();
      const w = buf.state >>> 2;
      e.i32.set(saved, w);
      e.k.rng_uniforms(buf.state, buf.u, m); // [m] uniforms, in stream order
      e.k.log_uniform_draws(buf.u, buf.k, m, range);
      const K = e.i32;
      const k0 = buf.k >>> 2;
      let used = 0;
      if (kind === 'tfLogUniform') {
        for (; used < m && n < S; used++) if (K[k0 + used] !== 1) take(K[k0 + used] - 1);
      } else for (; used < m && n < S; used++) take(K[k0 + used]);
      if (used < m) {
        // Rewind: the generator advances by the draws taken only.
        e.i32.set(saved, w);
        e.k.rng_uniforms(buf.state, buf.u, used);
      }
      rng.setState(Array.from(e.i32.subarray(w, w + 4), (x) => x >>> 0));
    }
    return { ids, tries };
  } finally {
    for (let j = 0; j < n; j++) seen[ids[j]] = 0;
  }
}

function chunkBuffers(e: Engine, S: number): { u: Ptr; k: Ptr; state: Ptr; cap: number } {
  const had = buffers.get(e);
  if (had && had.cap >= S) return had;
  if (had) {
    e.heap.free(had.u);
    e.heap.free(had.k);
    e.heap.free(had.state);
  }
  const cap = Math.max(S, 64);
  const b = { u: e.heap.alloc(cap * 8), k: e.heap.alloc(cap * 4), state: e.heap.alloc(16), cap };
  buffers.set(e, b);
  return b;
}

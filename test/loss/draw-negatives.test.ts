// Negatives drawn through the `rng_uniforms` and `log_uniform_draws` kernels against the
// sequential JavaScript loop: rng_uniforms gives Rng.uniform's stream and state;
// the kernel's ⌊n^u⌋ has Rng.logUniform's bits (many n, uniforms at the edges and in between, every
// backend), and sampleNegatives with an engine returns the same ids and tries and leaves the
// generator in the same state as without one, for every kind, on every backend and on 3 threads.
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import { Rng } from '../../src/engine/random.js';
import { logUniformOf } from '../../src/engine/det-sampler.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import { sampleNegatives, type NegativeKind } from '../../src/loss/sampled-softmax.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { f32Backends, oracle } from '../helpers/engines.js';

/** ⌊n^u⌋ of each uniform by the kernel on engine e. */
function kernelDraws(e: Engine, u: Float64Array, n: number): number[] {
  const pu = e.heap.alloc(Math.max(1, u.length) * 8);
  const pk = e.heap.alloc(Math.max(1, u.length) * 4);
  new Float64Array(e.heap.store.buffer, pu, u.length).set(u);
  e.i32.fill(-7, pk >>> 2, (pk >>> 2) + u.length);
  e.k.log_uniform_draws(pu, pk, u.length, n);
  const out = Array.from(e.i32.subarray(pk >>> 2, (pk >>> 2) + u.length));
  e.heap.free(pu);
  e.heap.free(pk);
  return out;
}

test('log_uniform_draws: Rng.logUniform bits for edge and random uniforms, every n, every backend', async () => {
  const rng = new Rng(77);
  const edges = [0, 2 ** -53, 2 ** -30, 1e-9, 0.25, 0.5, 0.999999, 1 - 2 ** -53];
  const u = Float64Array.from([...edges, ...Array.from({ length: 3000 }, () => rng.uniform())]);
  let compared = 0;
  for (const e of [...(await f32Backends()), oracle()]) {
    for (const n of [2, 3, 10, 101, 50_000, 50_001, 304_649, 1_300_001, 2 ** 31 - 1]) {
      const want = Array.from(u, (v) => logUniformOf(n, v));
      assert.equal(kernelDraws(e, u, n), want, `${e.backend}, n ${n}`);
      compared += u.length;
    }
  }
  assert.ok(compared > 100_000);
  // and the JavaScript generator itself draws ⌊n^u⌋ of its own uniforms
  const a = new Rng(3), b = new Rng(3);
  for (let i = 0; i < 200; i++) assert.is(a.logUniform(1000), logUniformOf(1000, b.uniform()));
});

test('rng_uniforms: Rng.uniform\'s stream and final state from any state, every backend', async () => {
  const seeds = [1, 77, 2 ** 40 + 3, -5];
  for (const e of [...(await f32Backends()), oracle()]) {
    for (const seed of seeds) {
      const js = new Rng(seed);
      js.uniform(); // a state past the seeding
      for (const count of [0, 1, 7, 2624]) {
        const start = js.getState();
        const want = Array.from({ length: count }, () => js.uniform());
        const ps = e.heap.alloc(16), pu = e.heap.alloc(Math.max(1, count) * 8);
        e.i32.set(start, ps >>> 2);
        e.k.rng_uniforms(ps, pu, count);
        const got = Array.from(new Float64Array(e.heap.store.buffer, pu, count));
        assert.equal(got, want, `${e.backend}, seed ${seed}, ${count} uniforms`);
        assert.equal(Array.from(e.i32.subarray(ps >>> 2, (ps >>> 2) + 4), (x) => x >>> 0), js.getState(), `${e.backend}, seed ${seed}: state after ${count}`);
        e.heap.free(ps);
        e.heap.free(pu);
      }
    }
  }
});

/** Draw with engine e and without (the JavaScript loop); ids, tries, generator state must agree. */
function sameDraws(e: Engine, kind: NegativeKind, N: number, S: number, seed: number): void {
  const r1 = new Rng(seed), r2 = new Rng(seed);
  for (let batch = 0; batch < 3; batch++) {
    const a = sampleNegatives(r1, kind, N, S, e);
    const b = sampleNegatives(r2, kind, N, S, null);
    const at = `${e.backend} ${kind} N ${N} S ${S} batch ${batch}`;
    assert.equal(Array.from(a.ids), Array.from(b.ids), `${at}: ids`);
    assert.is(a.tries, b.tries, `${at}: tries`);
    assert.equal(r1.getState(), r2.getState(), `${at}: generator state`);
    assert.is(new Set(a.ids).size, S, `${at}: unique`);
  }
}

const SHAPES: [number, number][] = [[3, 1], [10, 4], [101, 50], [2000, 999], [50_000, 1280], [304_649, 640]];

test('sampleNegatives through the kernel: the JavaScript loop\'s ids, tries and generator state', async () => {
  for (const e of [...(await f32Backends()), oracle()]) {
    for (const kind of ['logUniform', 'tfLogUniform', 'uniform'] as NegativeKind[]) {
      for (const [N, S] of SHAPES) sameDraws(e, kind, N, S, N + S);
    }
  }
});

test('sampleNegatives on 3 threads (draw chunks split between threads): the same draws', async () => {
  const bytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0));
  const three = await threadedEngine(await WebAssembly.compile(bytes), 3);
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, { gemm: 1, other: 1 });
  try {
    const before = three.threadSplits;
    for (const kind of ['logUniform', 'tfLogUniform'] as NegativeKind[]) {
      for (const [N, S] of SHAPES) sameDraws(three, kind, N, S, 7 * N + S);
    }
    assert.ok(three.threadSplits > before + 20, 'draws were split');
  } finally {
    Object.assign(MIN_WORK, saved);
    three.close();
  }
});

test.run();

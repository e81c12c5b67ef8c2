// The ln Q kernel `sampler_logq_f64` (assembly/sampler.ts, a port of the deterministic math)
// against the loss's JavaScript definition (engine/det-sampler.ts), bit for bit: many catalogue
// sizes, sample sizes, draw counts and ids, all three sampler kinds, every backend (TS float32 and
// float64, wasm scalar, wasm SIMD) and a 3-thread split. Then whole sampled-softmax losses: the
// kernel path (a drawn sample) equals the JavaScript path (a copy with its ln Q read out).
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import { setEngine } from '../../src/engine/current.js';
import { Rng } from '../../src/engine/random.js';
import { logQInto, type SamplerKindCode } from '../../src/engine/det-sampler.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import { clearTape } from '../../src/autograd/tape.js';
import { poolTensor } from '../../src/tensor.js';
import { sampleNegatives, sampledSoftmaxLoss, type NegativeKind, type NegativeSample } from '../../src/loss/sampled-softmax.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { f32Backends, oracle } from '../helpers/engines.js';

const KINDS: [NegativeKind, SamplerKindCode][] = [['logUniform', 0], ['tfLogUniform', 1], ['uniform', 2]];

/** ln Q of `ids` computed by kernel on engine `e` (read back as words, so −0 and NaN bits count). */
function kernelWords(e: Engine, ids: Int32Array, N: number, tries: number, S: number, kind: number): number[] {
  const pi = e.heap.alloc(Math.max(1, ids.length) * 4);
  const po = e.heap.alloc(Math.max(1, ids.length) * 8);
  e.i32.set(ids, pi >>> 2);
  e.i32.fill(0x7ff80001, po >>> 2, (po >>> 2) + 2 * ids.length); // poison: every element must be written
  e.k.sampler_logq_f64(pi, po, ids.length, N, tries, S, kind);
  const out = Array.from(e.i32.subarray(po >>> 2, (po >>> 2) + 2 * ids.length));
  e.heap.free(pi);
  e.heap.free(po);
  return out;
}
const jsWords = (ids: Int32Array, kind: SamplerKindCode, N: number, tries: number, S: number) =>
  Array.from(new Int32Array(logQInto(new Float64Array(ids.length), ids, kind, N, tries, S).buffer));

/** Cases: catalogue sizes from tiny to past 2^24, ids at both ends and log-uniform in between. */
function cases(): { N: number; S: number; tries: number; ids: Int32Array }[] {
  const rng = new Rng(41);
  const out = [];
  for (const N of [3, 5, 10, 101, 1000, 50_000, 304_649, 1_300_001, 20_000_001]) {
    for (const S of [1, 2, 7, 64, 1280]) {
      if (S > N - 1) continue;
      for (const tries of [S, S + 1, S + 3 * S + 17, 40 * S]) {
        const ids = Int32Array.from({ length: Math.min(S, 300) + 2 }, (_, j) => (j === 0 ? 1 : j === 1 ? N - 1 : rng.logUniform(N)));
        out.push({ N, S, tries, ids });
      }
    }
  }
  return out;
}

test('sampler_logq_f64: the bits of the JavaScript ln Q on every backend, every kind', async () => {
  const engines = [...(await f32Backends()), oracle()];
  let compared = 0;
  for (const { N, S, tries, ids } of cases()) {
    for (const [name, kind] of KINDS) {
      const want = jsWords(ids, kind, N, tries, S);
      for (const e of engines) {
        assert.equal(kernelWords(e, ids, N, tries, S, kind), want, `${e.backend}: ${name} N ${N} S ${S} tries ${tries}`);
        compared += ids.length;
      }
    }
  }
  assert.ok(compared > 50_000, `${compared} values compared`);
});

test('sampler_logq_f64: split between 3 threads (ranges of ids) gives the bits of one call', async () => {
  const bytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0));
  const three = await threadedEngine(await WebAssembly.compile(bytes), 3);
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, { gemm: 1, other: 1 });
  try {
    const rng = new Rng(5);
    for (const count of [5, 12, 37, 1280, 1283]) {
      const ids = Int32Array.from({ length: count }, () => rng.logUniform(50_000));
      for (const [name, kind] of KINDS) {
        const before = three.threadSplits;
        const got = kernelWords(three, ids, 50_000, 3 * count, count, kind);
        assert.equal(got, jsWords(ids, kind, 50_000, 3 * count, count), `${name}, ${count} ids`);
        if (count >= 12) assert.ok(three.threadSplits > before, `${name}, ${count} ids: the call was split`);
      }
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    three.close();
  }
});

/** One sampled-softmax loss on engine e: user [B, D], table [N, D], labels, a sample. */
function lossOn(e: Engine, negatives: NegativeSample, N: number, labels: Int32Array): number {
  setEngine(e);
  const B = labels.length, D = 8;
  const user = poolTensor([B, D], Array.from({ length: B * D }, (_, i) => Math.sin(i * 0.37)), e);
  const table = poolTensor([N, D], Array.from({ length: N * D }, (_, i) => Math.cos(i * 0.11)), e);
  const loss = sampledSoftmaxLoss({ user, table, labels, negatives }).item();
  clearTape();
  e.heap.resetArena();
  e.heap.free(user.ptr);
  e.heap.free(table.ptr);
  return loss;
}

test('sampled softmax: a drawn sample (ln Q by the kernel) and its JavaScript copy give the same loss bits', async () => {
  for (const e of [...(await f32Backends()), oracle()]) {
    for (const [kind] of KINDS) {
      for (const [N, S] of [[20, 9], [300, 40], [3000, 100]]) {
        const labels = Int32Array.from({ length: 6 }, (_, b) => 1 + ((b * 37) % (N - 1)));
        const drawn = sampleNegatives(new Rng(N + S), kind, N, S);
        const copy: NegativeSample = { ids: drawn.ids, tries: drawn.tries, kind, logQ: Float64Array.from(drawn.logQ) };
        const a = lossOn(e, drawn, N, labels), b = lossOn(e, copy, N, labels);
        assert.ok(Number.isFinite(a), `${e.backend} ${kind}: finite loss`);
        assert.is(Object.is(a, b), true, `${e.backend} ${kind} N ${N} S ${S}: ${a} vs ${b}`);
        // Replacing ln Q takes effect (the kernel path is not used for replaced values).
        const edited = sampleNegatives(new Rng(N + S), kind, N, S);
        edited.logQ = Float64Array.from(drawn.logQ, (v) => v + 0.5);
        assert.ok(lossOn(e, edited, N, labels) !== a, `${e.backend} ${kind}: edited ln Q changes the loss`);
      }
    }
  }
});

test.run();

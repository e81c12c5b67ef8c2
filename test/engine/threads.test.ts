// Threaded kernels: every split gives the bits of one thread. GEMMs of every variant and shape
// class (row split, column split, few rows, batched), then whole training steps of each retrieval
// model and a full-catalogue retrieval with every splittable call forced to split (3 threads).
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { embeddedBytes, engine, instantiate, setEngine } from '../../src/engine/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { MIN_WORK, SPLIT, threadedEngine, threadsUnavailable, type ThreadPool } from '../../src/engine/threads/index.js';
import { ranges, SPLITTERS, SPLIT_COST } from '../../src/engine/threads/split.js';
import { Rng } from '../../src/engine/random.js';
import { asPtr } from '../../src/engine/abi/index.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { ComiRecDR } from '../../src/models/comirec-dr.js';
import { MIND } from '../../src/models/mind.js';
import { SINE } from '../../src/models/sine.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import { retrieve } from '../../src/serve/retrieve.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FORCE = { gemm: 1, other: 1 };

async function engines(): Promise<[Engine, Engine]> {
  const bytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0));
  const module = await WebAssembly.compile(bytes);
  return [await threadedEngine(module, 1), await threadedEngine(module, 3)];
}

test('ranges: aligned parts, a short tail joins the part before it', () => {
  assert.equal(ranges(100, 2, 4, 12), [[0, 52], [52, 48]]);
  assert.equal(ranges(50, 4, 4, 12), [[0, 16], [16, 16], [32, 18]]);
  assert.equal(ranges(10, 4, 4, 12), [[0, 10]]);
  for (const [count, parts, align, min] of [[1000, 3, 64, 64], [37, 2, 8, 8], [4096, 4, 4, 1]]) {
    const rs = ranges(count, parts, align, min);
    assert.is(rs.reduce((s, [, n]) => s + n, 0), count);
    rs.forEach(([s, n], i) => {
      assert.is(s % align, 0);
      if (i < rs.length - 1) assert.is(n % align, 0);
      assert.ok(n >= min);
    });
  }
});

test('host: Node has threads', () => {
  assert.is(threadsUnavailable(), null);
});

test('gemm: every variant and shape class gives the single-thread bits', async () => {
  const [one, three] = await engines();
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, FORCE);
  try {
    const rng = new Rng(5);
    const shapes = [[64, 40, 300], [20, 16, 600], [30, 17, 9], [6, 100, 70], [4, 9, 33], [25, 64, 64], [200, 8, 5]];
    for (const e of [one, three]) e.heap.resetArena();
    for (const [M, N, K] of shapes) {
      for (const v of ['nn', 'nt', 'tn'] as const) {
        const out = [one, three].map((e) => {
          const r = new Rng(M * 1000 + N * 10 + K);
          const a = e.heap.scratch(M * K * 4), b = e.heap.scratch(K * N * 4), c = e.heap.scratch(M * N * 4);
          const F = e.floats;
          for (let i = 0; i < M * K; i++) F[(a >> 2) + i] = r.normal();
          for (let i = 0; i < K * N; i++) F[(b >> 2) + i] = r.normal();
          for (let i = 0; i < M * N; i++) F[(c >> 2) + i] = r.normal();
          const lda = v === 'tn' ? M : K, ldb = v === 'nt' ? K : N;
          e.k[`gemm_f32_${v}`](M, N, K, 0.75, a, lda, b, ldb, 0.5, c, N);
          // Entries sharing one C (sc = 0) accumulate in order: never split.
          e.k[`gemm_batched_f32_${v}`](3, Math.ceil(M / 3), N, K, 1, a, 0, 0, b, ldb, 0, 0, c, N, 0);
          // Disjoint entries (rows of C in thirds) split by entry.
          const m3 = Math.floor(M / 3);
          if (m3 > 0 && v !== 'tn') e.k[`gemm_batched_f32_${v}`](3, m3, N, K, 0.5, a, lda, m3 * lda, b, ldb, 0, 1, c, N, m3 * N);
          return Float32Array.from(e.floats.subarray(c >> 2, (c >> 2) + M * N));
        });
        assert.equal(out[1], out[0], `${v} ${M}x${N}x${K}`);
      }
    }
    assert.ok(three.threadSplits > 0);
    void rng;
  } finally {
    Object.assign(MIN_WORK, saved);
    one.close();
    three.close();
  }
});

test('batched gemm: entries side by side in the same rows split by entry, overlapping ones never', async () => {
  const [one, three] = await engines();
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, FORCE);
  try {
    // [batch, M, N, K, sc, ldc]: ComiRec-DR's per-(b, k) columns (N 1, sc 1, ldc = batch), blocks
    // of 8 and of 5 columns side by side, and sc = 2 < N = 3 (overlapping columns: whole).
    const cases = [[24, 20, 1, 16, 1, 24], [6, 7, 8, 9, 8, 48], [5, 9, 5, 12, 5, 27], [7, 5, 3, 6, 2, 17]];
    for (const [batch, M, N, K, sc, ldc] of cases) {
      for (const v of ['nn', 'nt', 'tn'] as const) {
        const splits: number[] = [];
        const out = [one, three].map((e) => {
          e.heap.resetArena();
          const r = new Rng(batch * 100 + N);
          const a = e.heap.scratch(batch * M * K * 4), b = e.heap.scratch(batch * K * N * 4), c = e.heap.scratch(M * ldc * 4);
          const F = e.floats;
          for (let i = 0; i < batch * M * K; i++) F[(a >> 2) + i] = r.normal();
          for (let i = 0; i < batch * K * N; i++) F[(b >> 2) + i] = r.normal();
          for (let i = 0; i < M * ldc; i++) F[(c >> 2) + i] = r.normal();
          const lda = v === 'tn' ? M : K, ldb = v === 'nt' ? K : N;
          const before = e.threadSplits;
          e.k[`gemm_batched_f32_${v}`](batch, M, N, K, 0.5, a, lda, M * K, b, ldb, K * N, 1, c, ldc, sc);
          splits.push(e.threadSplits - before);
          return Float32Array.from(e.floats.subarray(c >> 2, (c >> 2) + M * ldc));
        });
        assert.equal(out[1], out[0], `${v} ${[batch, M, N, K, sc, ldc]}`);
        assert.is(splits[1], sc >= N ? 1 : 0, `${v} ${[batch, M, N, K, sc, ldc]}: split only when the entries are disjoint`);
      }
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    one.close();
    three.close();
  }
});

test('scatter_add_rows and sum_cols split by column ranges give the single-thread bits', async () => {
  const [one, three] = await engines();
  const plain = await instantiate(await embeddedBytes(true), 'wasm-simd');
  const saved = { ...MIN_WORK }, savedCost = { ...SPLIT_COST };
  Object.assign(MIN_WORK, FORCE);
  SPLIT_COST.minColumns = 1; // parts as narrow as the alignment (16 floats) allows
  try {
    for (const d of [64, 40, 100, 17]) {
      const splits: number[] = [];
      const out = [plain, one, three].map((e) => {
        e.heap.resetArena();
        const r = new Rng(d);
        const rows = 7, count = 300, tall = 50;
        const src = e.heap.scratch(count * d * 4), table = e.heap.scratch(rows * d * 4), ids = e.heap.scratch(count * 4);
        const x = e.heap.scratch(tall * d * 4), sums = e.heap.scratch(2 * d * 4);
        const F = e.floats, I = e.i32;
        // Values of mixed magnitude and many duplicate ids: any change of summation order shows.
        for (let i = 0; i < count * d; i++) F[(src >> 2) + i] = r.normal() * 10 ** r.int(4);
        for (let i = 0; i < rows * d; i++) F[(table >> 2) + i] = r.normal();
        for (let i = 0; i < count; i++) I[(ids >> 2) + i] = r.int(rows);
        for (let i = 0; i < tall * d; i++) F[(x >> 2) + i] = r.normal() * 10 ** r.int(4);
        for (let i = 0; i < 2 * d; i++) F[(sums >> 2) + i] = r.normal();
        const before = e.threadSplits;
        e.k.scatter_add_rows_f32(src, ids, table, rows, count, d);
        e.k.sum_cols_f32(x, sums, tall, d, 0);
        e.k.sum_cols_f32(x, asPtr(sums + 4 * d), tall, d, 1);
        splits.push(e.threadSplits - before);
        return [Float32Array.from(F.subarray(table >> 2, (table >> 2) + rows * d)), Float32Array.from(e.floats.subarray(sums >> 2, (sums >> 2) + 2 * d))];
      });
      assert.equal(out[1], out[0], `d ${d}: threads build on 1 thread vs simd build`);
      assert.equal(out[2], out[0], `d ${d}: 3 threads vs 1`);
      assert.is(splits[2], d >= 32 ? 3 : 0, `d ${d}: calls split by columns (parts of at least 16 floats)`);
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    Object.assign(SPLIT_COST, savedCost);
    one.close();
    three.close();
  }
});

test('split costs: column parts narrower than minColumns are not cut', () => {
  const parts = (args: number[]) => SPLITTERS.sum_cols_f32!(args, 8, MIN_WORK.other)?.length ?? 1;
  assert.is(parts([0, 0, 2560, SPLIT_COST.minColumns, 0]), 1, 'one part of minColumns stays whole');
  const wide = parts([0, 0, 2560, 4 * SPLIT_COST.minColumns, 0]);
  assert.ok(wide >= 2 && wide <= 4, `${wide} column parts of at least minColumns`);
});

test("MIND's fused routing splits by batch entries with the single-thread bits", async () => {
  const [one, three] = await engines();
  const plain = await instantiate(await embeddedBytes(true), 'wasm-simd');
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, FORCE);
  try {
    // T odd, T ≡ 2 (mod 4) and T ≡ 0 (mod 4): parts of 4, 2 and 1 entries' alignment; K 4 takes
    // the masked softmax's 4-rows-at-a-time path.
    for (const [B, T, K, D] of [[13, 7, 4, 16], [11, 10, 4, 8], [9, 20, 4, 64], [10, 6, 3, 5]]) {
      const splits: number[] = [];
      const out = [plain, one, three].map((e) => {
        e.heap.resetArena();
        const r = new Rng(B * T + K);
        const h = e.heap.scratch(B * T * D * 4), logits = e.heap.scratch(B * T * K * 4), mask = e.heap.scratch(B * T * K * 4);
        const c = e.heap.scratch(B * T * K * 4), s = e.heap.scratch(B * K * D * 4), u = e.heap.scratch(B * K * D * 4);
        const F = e.floats;
        for (let i = 0; i < B * T * D; i++) F[(h >> 2) + i] = r.normal();
        for (let i = 0; i < B * T * K; i++) (F[(logits >> 2) + i] = r.normal()), (F[(mask >> 2) + i] = r.int(4) ? 1 : 0);
        const before = e.threadSplits;
        e.k.route_shared_f32(h, logits, mask, c, s, u, B, T, K, D, 2);
        splits.push(e.threadSplits - before);
        return [Float32Array.from(F.subarray(logits >> 2, (logits >> 2) + B * T * K)), Float32Array.from(e.floats.subarray(c >> 2, (c >> 2) + B * T * K))];
      });
      assert.equal(out[1], out[0], `${[B, T, K, D]}: threads build on 1 thread vs simd build`);
      assert.equal(out[2], out[0], `${[B, T, K, D]}: 3 threads vs 1`);
      assert.is(splits[2], 1, `${[B, T, K, D]}: the call was split`);
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    one.close();
    three.close();
  }
});

function batch(B: number, T: number, N: number, seed: number): RetrievalBatch {
  const r = new Rng(seed);
  const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B), target = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    len[b] = 1 + r.int(T);
    for (let t = 0; t < len[b]; t++) (hist[b * T + t] = 1 + r.int(N - 1)), (mask[b * T + t] = 1);
    target[b] = 1 + r.int(N - 1);
  }
  return { B, T, hist, mask, len, target };
}

type Make = () => RetrievalModel;
const common = { items: 500, dim: 16, interests: 4, seqLen: 10, seed: 3 };
const MODELS: [string, Make][] = [
  ['ComiRec-SA', () => new ComiRecSA(common)],
  ['ComiRec-DR', () => new ComiRecDR(common)],
  ['MIND', () => new MIND(common)],
  ['SINE', () => new SINE({ ...common, interests: 3 })],
  ['YouTubeDNN', () => new YouTubeDNN(common)],
];

/** Three Adam steps then a full-catalogue top-20 for every row; parameter bits and the lists. */
function run(e: Engine, make: Make): { params: Float32Array[]; lists: string } {
  const before = engine();
  setEngine(e);
  try {
    const model = make();
    const opt = new Adam(model.params.list(), { lr: 0.01 });
    const rng = new Rng(17);
    for (let s = 0; s < 3; s++) {
      backward(model.loss(batch(40, 10, 500, s), rng));
      opt.step();
      e.heap.resetArena();
    }
    const lists = retrieve(model, batch(40, 10, 500, 99), { topN: 20, filterHistory: true });
    e.heap.resetArena();
    return { params: model.params.list().map((p) => Float32Array.from(p.data)), lists: JSON.stringify(lists.map((l) => [Array.from(l.ids), Array.from(l.scores)])) };
  } finally {
    setEngine(before);
  }
}

test('every retrieval model: training steps and retrieval are bit-identical on 3 threads', async () => {
  await import('../../src/engine/load.js').then((m) => m.init());
  const [one, three] = await engines();
  const plain = await instantiate(await embeddedBytes(true), 'wasm-simd');
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, FORCE);
  try {
    for (const [name, make] of MODELS) {
      const splitsBefore = three.threadSplits;
      const a = run(plain, make), b = run(one, make), c = run(three, make);
      assert.equal(b.params, a.params, `${name}: threads build vs simd build`);
      assert.equal(c.params, a.params, `${name}: 3 threads vs 1`);
      assert.is(c.lists, a.lists, `${name}: retrieval`);
      assert.ok(three.threadSplits > splitsBefore + 20, `${name}: calls were split`);
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    one.close();
    three.close();
  }
});

test('a call cut into more chunks than threads runs every chunk exactly once, on any thread', async () => {
  const [one, three] = await engines();
  const saved = { ...MIN_WORK }, savedChunks = SPLIT.chunksPerThread;
  Object.assign(MIN_WORK, FORCE);
  try {
    for (const chunks of [1, 4, 10]) {
      SPLIT.chunksPerThread = chunks;
      const before = { ...(three as unknown as { pool: ThreadPool }).pool.stats };
      // y += x: a chunk run twice or skipped shows in y; 200 calls so workers win some chunks.
      const n = 64 * 3 * chunks * 7 + 13;
      const out = [one, three].map((e) => {
        e.heap.resetArena();
        const x = e.heap.scratch(n * 4), y = e.heap.scratch(n * 4);
        const F = e.floats;
        for (let i = 0; i < n; i++) (F[(x >> 2) + i] = i % 97), (F[(y >> 2) + i] = 1);
        for (let r = 0; r < 200; r++) e.k.axpy_f32(n, 1, x, y);
        return Float32Array.from(e.floats.subarray(y >> 2, (y >> 2) + n));
      });
      assert.equal(out[1], out[0], `${chunks} chunks per thread`);
      const st = (three as unknown as { pool: ThreadPool }).pool.stats;
      assert.is(st.splits - before.splits, 200);
      assert.is(st.chunks - before.chunks, 200 * ranges(n, 3 * chunks, 64, 1).length, `${chunks} per thread: the chunks of ranges()`);
      assert.ok(ranges(n, 3 * chunks, 64, 1).length >= 2 * chunks + 1, "more chunks than threads");
      assert.ok(st.callerChunks - before.callerChunks <= st.chunks - before.chunks);
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    SPLIT.chunksPerThread = savedChunks;
    one.close();
    three.close();
  }
});

test('a program that trained on 2 threads exits by itself when its work is done', () => {
  // The kernel workers must not hold the event loop: a listener on a worker's port refs it again.
  const node = fileURLToPath(new URL('../../src/node.ts', import.meta.url));
  const program = `import { init, generateSynthetic, prepareRetrieval, ComiRecSA, Trainer } from ${JSON.stringify(node)};
    const e = await init({ threads: 2 });
    const ds = prepareRetrieval(generateSynthetic('tiny', { seed: 7 }).events, { filter: false });
    const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, interests: 2, seqLen: 10, seed: 1 });
    new Trainer(model, ds, { maxSteps: 5, batchSize: 32 }).fit();
    console.log('threads ' + e.threads);`;
  const dir = mkdtempSync(join(tmpdir(), 'mirec-exit-'));
  const file = join(dir, 'program.mjs');
  writeFileSync(file, program);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  rmSync(dir, { recursive: true, force: true });
  assert.is(run.signal, null, `the program did not exit within 60 s (killed): ${run.stderr}`);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /threads 2/);
});

test.run();

// Layout kernels (the shape ops' copies): copy_rows_f32 and transpose_f32 against the oracle on
// every float32 backend (copies exact, adds within float32 rounding), the float32 backends bit for
// bit against each other, and split between 3 threads (forced) against one thread, bit for bit.
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { f32Backends } from '../helpers/engines.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';

// [rows, n, lds, ldd]: one row, tails of the SIMD width, gaps between rows on either side.
const BLOCKS = [[1, 1, 1, 1], [3, 5, 9, 5], [4, 4, 4, 11], [7, 17, 20, 33], [128, 13, 13, 1281], [0, 4, 4, 4]];
// [batch, R, C]
const TRANSPOSES = [[1, 1, 1], [1, 3, 5], [2, 4, 4], [3, 20, 4], [5, 7, 1]];

test('copy_rows_f32: strided row blocks, overwrite and add, match the oracle', async () => {
  for (const [rows, n, lds, ldd] of BLOCKS) {
    for (const acc of [0, 1]) {
      const src = randomFloats(Math.max(1, rows * lds), 3 + n), dst = randomFloats(Math.max(1, rows * ldd), 5 + n);
      const r = await checkKernel('copy_rows_f32', { floats: { src, dst }, args: (p) => [p.src, lds, p.dst, ldd, rows, n, acc], tol: acc ? 1e-6 : 0 });
      // Outside the block the destination is untouched.
      for (let i = 0; i < rows * ldd; i++) if (i % ldd >= n) assert.is(r.floats.dst[i], dst[i], `untouched gap ${i}`);
    }
  }
});

test('transpose_f32: batched blocks, overwrite and add, match the oracle', async () => {
  for (const [batch, R, C] of TRANSPOSES) {
    for (const acc of [0, 1]) {
      const src = randomFloats(batch * R * C, R), dst = randomFloats(batch * R * C, C);
      const r = await checkKernel('transpose_f32', { floats: { src, dst }, args: (p) => [p.src, p.dst, batch, R, C, acc], tol: acc ? 1e-6 : 0 });
      if (!acc) for (let b = 0; b < batch; b++) assert.is(r.floats.dst[b * R * C + (C - 1) * R + (R - 1)], Math.fround(src[b * R * C + (R - 1) * C + (C - 1)]));
    }
  }
});

test('float32 backends agree bit for bit (the JavaScript loops the kernels replace are the js backend)', async () => {
  const cases = [
    { name: 'copy_rows_f32' as const, floats: { src: randomFloats(7 * 33, 1), dst: randomFloats(7 * 40, 2) }, args: (p: Record<string, number>) => [p.src, 33, p.dst, 40, 7, 29, 1] },
    { name: 'transpose_f32' as const, floats: { src: randomFloats(3 * 20 * 4, 3), dst: randomFloats(3 * 20 * 4, 4) }, args: (p: Record<string, number>) => [p.src, p.dst, 3, 20, 4, 1] },
  ];
  for (const c of cases) {
    const runs = (await f32Backends()).map((e) => runKernel(e, c.name, c).floats.dst);
    for (const r of runs.slice(1)) assert.equal(Array.from(r), Array.from(runs[0]), c.name);
  }
});

test('split between 3 threads: the bits of one thread', async () => {
  const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));
  const engines = [await threadedEngine(module, 1), await threadedEngine(module, 3)];
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, { gemm: 1, other: 1 });
  try {
    const c1 = { floats: { src: randomFloats(128 * 1280, 1), dst: randomFloats(128 * 1281, 2) }, args: (p: Record<string, number>) => [p.src, 1280, p.dst + 4, 1281, 128, 1280, 1] };
    const c2 = { floats: { src: randomFloats(128 * 80, 3), dst: randomFloats(128 * 80, 4) }, args: (p: Record<string, number>) => [p.src, p.dst, 128, 20, 4, 1] };
    for (const [name, c] of [['copy_rows_f32', c1], ['transpose_f32', c2]] as const) {
      const before = engines[1].threadSplits;
      const [a, b] = engines.map((e) => runKernel(e, name, c).floats.dst);
      assert.equal(Array.from(b), Array.from(a), name);
      assert.is(engines[1].threadSplits, before + 1, `${name} was split`);
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    for (const e of engines) e.close();
  }
});

test.run();

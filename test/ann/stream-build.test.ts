// The streaming builder (the 10M-item path at a small size): its file is byte-identical to
// IvfIndex.build + encodeIvf for every storage, metric and init, whatever the chunk and buffer
// sizes; it reads a checkpoint's item table from the safetensors file by row ranges; bad tables,
// a source that changes between passes and a missing tensor fail naming the file, row or list.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { poolTensor } from '../../src/tensor.js';
import { IvfIndex } from '../../src/ann/ivf-index.js';
import { decodeIvf, encodeIvf, tableFingerprint } from '../../src/ann/ivf-format.js';
import { clusterCentres, clusteredQueries, clusteredRows, clusteredSource } from '../../src/ann/synthetic.js';
import { buildIvfStream, type RowSource } from '../../src/ann/stream-build.js';
import { buildIvfFile, safetensorsRowSource } from '../../src/ann/node-files.js';
import { encodeSafetensors, fromTyped } from '../../src/io/safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'mirec-stream-ivf-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The promise rejects with an Error whose message matches `re`. */
async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.match((err as Error).message, re);
    return;
  }
  assert.unreachable(`expected a rejection matching ${re}`);
}

const o = { rows: 3001, dim: 12, clusters: 11 };

/** A sink collecting the written bytes (grown as needed). */
function memorySink() {
  let buf = new Uint8Array(0);
  let size = 0;
  return {
    write(offset: number, bytes: Uint8Array) {
      if (offset + bytes.length > buf.length) { const b = new Uint8Array(Math.max(2 * buf.length, offset + bytes.length)); b.set(buf); buf = b; }
      buf.set(bytes, offset);
      size = Math.max(size, offset + bytes.length);
    },
    bytes: () => buf.slice(0, size),
  };
}

function tableSource(values: Float32Array, rows: number, dim: number): RowSource {
  return { name: 'table', rows, dim, read: (lo, hi, out) => out.set(values.subarray(lo * dim, hi * dim)) };
}

test('streamed file equals build + encode, byte for byte (storages, metrics, inits, chunkings)', async () => {
  const e = await init();
  const cen = clusterCentres(o);
  const values = clusteredRows(o, cen, 0, o.rows) as Float32Array;
  for (let t = 0; t < o.dim; t++) values[t] = 0.01 * (t + 1); // a non-zero padding row: it fills the panel padding
  const E = poolTensor([o.rows, o.dim], values, e);
  const fp = tableFingerprint(values, o.rows, o.dim);
  const cases = [
    { storage: 'int8', metric: 'ip', init: 'kmeans++', chunkRows: 97, bufferBytes: 1 },
    { storage: 'f16', metric: 'l2', init: 'random', chunkRows: 1000, bufferBytes: 1 << 20 },
    { storage: 'f32', metric: 'ip', init: 'kmeans++', chunkRows: 8, bufferBytes: 4096 },
    { storage: 'int8', metric: 'l2', init: 'random', chunkRows: 1 << 16, bufferBytes: 1 << 20 },
  ] as const;
  for (const c of cases) {
    const opts = { lists: 17, storage: c.storage, nprobe: 5, seed: 3, metric: c.metric, init: c.init, samplePerList: 20 };
    const want = encodeIvf(IvfIndex.build(E, opts), fp);
    const sink = memorySink();
    const phases = new Set<string>();
    const r = await buildIvfStream(e, tableSource(values, o.rows, o.dim), sink, { ...opts, chunkRows: c.chunkRows, bufferBytes: c.bufferBytes, onProgress: (p) => phases.add(p) });
    const got = sink.bytes();
    assert.is(got.length, want.length, `${JSON.stringify(c)}: length`);
    assert.ok(got.every((b, i) => b === want[i]), `${JSON.stringify(c)}: bytes differ`);
    assert.is(r.header.fingerprint, fp);
    assert.is(r.trainRows, 17 * 20);
    assert.ok(r.bufferRows % 8 === 0 && r.bufferRows >= 8);
    assert.equal([...phases], ['sample', 'train', 'assign', 'write']);
  }
});

test('the generator source and the file writer: same answers as the in-memory index', async () => {
  const e = await init();
  const cen = clusterCentres(o);
  const out = join(dir, 'gen.ivf');
  const r = await buildIvfFile(e, clusteredSource(o, cen), out, { lists: 20, storage: 'int8', nprobe: 4, chunkRows: 500 });
  const bytes = new Uint8Array(readFileSync(out));
  assert.is(r.fileBytes, bytes.length);
  assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows), e);
  const mem = IvfIndex.build(E, { lists: 20, storage: 'int8', nprobe: 4 });
  const q = clusteredQueries(o, cen, 12);
  const a = decodeIvf(bytes, e).search({ vectors: q, interests: 4 }, { topN: 25 });
  const b = mem.search({ vectors: q, interests: 4 }, { topN: 25 });
  assert.equal(a.map((x) => [Array.from(x.ids), Array.from(x.scores)]), b.map((x) => [Array.from(x.ids), Array.from(x.scores)]));
});

test('a checkpoint item table read by row ranges from its safetensors file', async () => {
  const e = await init();
  const cen = clusterCentres(o);
  const values = clusteredRows(o, cen, 0, o.rows) as Float32Array;
  const file = join(dir, 'model.safetensors');
  writeFileSync(file, encodeSafetensors([['param.other', fromTyped(new Float32Array(5), [5])], ['param.item_emb', fromTyped(values, [o.rows, o.dim])]], { config: '{}' }));
  const src = safetensorsRowSource(file);
  assert.is(src.rows, o.rows);
  assert.is(src.dim, o.dim);
  const out = join(dir, 'ckpt.ivf');
  try {
    await buildIvfFile(e, src, out, { lists: 16, storage: 'f16', chunkRows: 333 });
  } finally {
    src.close();
  }
  const want = encodeIvf(IvfIndex.build(poolTensor([o.rows, o.dim], values, e), { lists: 16, storage: 'f16' }), tableFingerprint(values, o.rows, o.dim));
  const got = new Uint8Array(readFileSync(out));
  assert.ok(got.length === want.length && got.every((b, i) => b === want[i]), 'bytes differ');
  assert.throws(() => safetensorsRowSource(file, 'param.item_table'), /model\.safetensors: no tensor "param\.item_table"/);
  assert.throws(() => safetensorsRowSource(file, 'param.other'), /"param\.other" is F32\[5\]; expected a 2-D F32 table/);
  writeFileSync(join(dir, 'short.safetensors'), new Uint8Array([255, 255, 0, 0, 0, 0, 0, 0, 1]));
  assert.throws(() => safetensorsRowSource(join(dir, 'short.safetensors')), /short\.safetensors: safetensors header length \d+ does not fit/);
});

test('bad tables and a source that changes between passes fail cleanly, leaving no file', async () => {
  const e = await init();
  const cen = clusterCentres(o);
  const values = clusteredRows(o, cen, 0, o.rows) as Float32Array;
  const nan = values.slice();
  nan[1234 * o.dim + 5] = NaN;
  const out = join(dir, 'bad.ivf');
  await rejects(buildIvfFile(e, tableSource(nan, o.rows, o.dim), out, { lists: 8, chunkRows: 256 }), /table: row 1234 holds NaN \(NaN\/Inf\) at dimension 5/);
  assert.not.ok(existsSync(out));
  assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  let pass = 0;
  const drifting: RowSource = {
    name: 'drift', rows: o.rows, dim: o.dim,
    read(lo, hi, out) {
      if (lo === 1) pass++;
      out.set(values.subarray(lo * o.dim, hi * o.dim));
      if (pass === 2) out.fill(0.5); // every row now lands in one list
    },
  };
  await rejects(buildIvfStream(e, drifting, memorySink(), { lists: 8, chunkRows: 4000, samplePerList: 4 }), /drift: the table changed between the assignment and the writing pass/);
  await rejects(buildIvfStream(e, tableSource(values, 6, o.dim), memorySink(), { lists: 8 }), /table: 5 items \(row 0 is padding\) for 8 lists/);
});

test.run();

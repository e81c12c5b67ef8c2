// loadCheckpoint streams a checkpoint file into the trainer: header first, then each tensor in
// chunks straight into the engine's memory. The following steps equal those of an in-memory
// resume and of the uninterrupted run (f32 and f16 optimizer state, several chunks per tensor,
// the float64 oracle, two threads); a bad file is refused naming the file and the tensor or field
// with the trainer untouched; a failure midway leaves a trainer that refuses to run until a
// resume completes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer, type TrainerOptions } from '../../src/train/trainer.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint-file.js';
import { MAX_HEADER_BYTES } from '../../src/io/safetensors.js';
import { setEngine } from '../../src/engine/current.js';
import { oracle } from '../helpers/engines.js';
import '../helpers/node-host.js'; // threads need Node's worker_threads

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const dir = mkdtempSync(join(tmpdir(), 'mirec-resume-stream-'));
const trainer = (o: TrainerOptions = {}) =>
  new Trainer(new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 2 }), ds, { batchSize: 64, lr: 5e-3, evalEvery: 15, maxSteps: 10, ...o });
/** Every parameter and optimizer value, as numbers (f16 state by its bits). */
const snapshot = (t: Trainer) => [
  ...t.model.params!.list().map((p) => Array.from(p.data)),
  ...t.optimizer.state().map((s) => Array.from(s.tensor.dtype === 'f32' ? s.tensor.data : s.tensor.ids)),
];
const same = (a: number[][], b: number[][]) => a.length === b.length && a.every((v, i) => v.length === b[i].length && v.every((x, j) => Object.is(x, b[i][j])));

/** A checkpoint file with its header JSON changed by `edit` (the data section kept). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, { shape: number[]; data_offsets: number[] }>) => void): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(h);
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return out;
}

/** Saves a 10-step trainer, runs it 20 more: the file and the uninterrupted run's values and losses. */
async function straightRun(o: TrainerOptions, name: string) {
  const a = trainer(o);
  a.fit();
  const path = join(dir, name);
  await saveCheckpoint(a, path);
  const bytes = new Uint8Array(readFileSync(path));
  a.opts.maxSteps = 30;
  const r = a.fit();
  return { path, bytes, values: snapshot(a), losses: r.lossCurve };
}

// 'oracle': the float64 reference engine, whose parameters are not float32 memory (read through a scratch chunk).
for (const [backend, threads] of [['wasm-simd', 1], ['wasm-simd', 2], ['oracle', 1]] as const) {
  for (const optimizerState of ['f32', 'f16'] as const) {
    test(`${backend} ${threads} thread(s), ${optimizerState} state: streamed in 4 KiB chunks = in-memory resume = uninterrupted run`, async () => {
      if (backend === 'oracle') setEngine(oracle());
      else await init({ backend, threads });
      const o = { optimizerState };
      const run = await straightRun(o, `ck-${backend}-${threads}-${optimizerState}.safetensors`);
      const results = [];
      for (const how of ['bytes', 'stream'] as const) {
        const b = trainer({ ...o, maxSteps: 30 });
        if (how === 'bytes') b.resume(run.bytes, run.path);
        else await loadCheckpoint(b, run.path, { chunkBytes: 4096 });
        assert.is(b.step, 10);
        const r = b.fit();
        // A checkpoint holds float32: the float64 oracle's resumed run is compared with the in-memory resume only.
        if (backend !== 'oracle') {
          assert.equal(r.lossCurve, run.losses, `${how}: losses`);
          assert.ok(same(snapshot(b), run.values), `${how}: values after 20 more steps differ from the uninterrupted run`);
        }
        results.push({ values: snapshot(b), losses: r.lossCurve });
      }
      assert.equal(results[1].losses, results[0].losses);
      assert.ok(same(results[1].values, results[0].values), 'streamed and in-memory resumes differ');
    });
  }
}

test('refused before a byte is written (trainer untouched): header length too large, past the end, offsets beyond the file, a wrong shape, the check hook', async () => {
  await init({ backend: 'wasm-simd' });
  const { bytes } = await straightRun({}, 'good.safetensors');
  const t = trainer();
  t.fit();
  const before = snapshot(t);
  const refused = async (file: Uint8Array | null, name: string, why: RegExp, opts = {}) => {
    const path = join(dir, name);
    if (file) writeFileSync(path, file);
    let msg = '';
    await loadCheckpoint(t, path, opts).catch((e: Error) => (msg = e.message));
    assert.match(msg, why);
    assert.ok(msg.includes(path), `${msg} names the file`);
    assert.ok(same(snapshot(t), before), `${name}: the trainer changed`);
    assert.is(t.step, 10);
  };
  // A sparse file larger than the cap whose first 8 bytes claim a header of cap + 1 bytes.
  const big = join(dir, 'big-header.safetensors');
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
  writeFileSync(big, head);
  truncateSync(big, MAX_HEADER_BYTES + 64);
  await refused(null, 'big-header.safetensors', /header length 100000001 exceeds 100000000/);
  const huge = new Uint8Array(bytes);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
  await refused(huge, 'past-end.safetensors', /header length \d+ runs past the end of the file/);
  await refused(bytes.subarray(0, 5), 'tiny.safetensors', /file is 5 bytes, shorter than the 8-byte header length/);
  await refused(bytes.subarray(0, bytes.length - 100), 'truncated.safetensors', /optim\.adam\.v\.\S+: data_offsets \[\d+, \d+\] outside the \d+-byte data section/);
  await refused(withHeader(bytes, (h) => { h['param.item_emb'].data_offsets[1] += 1e9; }), 'offsets.safetensors', /param\.item_emb: data_offsets .* outside the/);
  await refused(withHeader(bytes, (h) => { h['param.item_emb'].shape.reverse(); }), 'shape.safetensors', /param\.item_emb is \[16,\d+\] in the file, the model expects \[\d+,16\]/);
  await refused(withHeader(bytes, (h) => { h['optim.adam.m.sa.W1'].shape = [16 * 256]; }), 'optim-shape.safetensors', /does not fit|optim\.adam\.m\.sa\.W1/);
  await refused(withHeader(bytes, (h) => {
    const x = h.__metadata__ as unknown as Record<string, string>;
    x.extra = JSON.stringify({ ...JSON.parse(x.extra), trainer: { ...JSON.parse(x.extra).trainer, step: -3 } });
  }), 'state.safetensors', /trainer\.step is -3, expected a whole number/);
  await refused(bytes, 'hook.safetensors', /refused by the hook/, { check: (h: { kind: string }) => { throw new Error(`${join(dir, 'hook.safetensors')}: ${h.kind} refused by the hook`); } });
  assert.is(t.fit().steps, 10, 'the untouched trainer still runs');
});

test('a failure midway (non-finite value, file cut during the read) leaves a trainer that refuses to run until a resume completes', async () => {
  await init({ backend: 'wasm-simd' });
  const run = await straightRun({}, 'mid.safetensors');
  // A NaN in the last tensor: the earlier ones are already in the engine's memory when it is met.
  const bad = new Uint8Array(run.bytes);
  const n = Number(new DataView(bad.buffer).getBigUint64(0, true));
  new DataView(bad.buffer).setFloat32(bad.length - 4, NaN, true);
  const last = Object.entries(JSON.parse(new TextDecoder().decode(bad.subarray(8, 8 + n)))).find(([, v]) => (v as { data_offsets?: number[] }).data_offsets?.[1] === bad.length - 8 - n)![0];
  const nan = join(dir, 'nan.safetensors');
  writeFileSync(nan, bad);
  const t = trainer({ maxSteps: 30 });
  let msg = '';
  await loadCheckpoint(t, nan, { chunkBytes: 4096 }).catch((e: Error) => (msg = e.message));
  assert.match(msg, new RegExp(`${nan.replace(/[.\\/]/g, '\\$&')}: tensor ${last.replace(/\./g, '\\.')} holds NaN at index \\d+`));
  assert.match(msg, /refuses to train until a resume completes/);
  assert.is(t.step, 0, 'the trainer state is not set');
  for (const call of [() => t.fit(), () => t.validate(), () => t.checkpoint()]) assert.throws(call, /a resume from .*nan\.safetensors failed after it began writing the weights .*holds NaN/);
  let asyncMsg = '';
  await t.fitAsync().catch((e: Error) => (asyncMsg = e.message));
  assert.match(asyncMsg, /partly from that file/);
  // The file cut after its header was checked: the read meets the end inside a tensor.
  const cut = join(dir, 'cut.safetensors');
  writeFileSync(cut, run.bytes);
  let cutMsg = '';
  await loadCheckpoint(t, cut, { chunkBytes: 4096, check: () => truncateSync(cut, run.bytes.length - 5000) }).catch((e: Error) => (cutMsg = e.message));
  assert.match(cutMsg, /cut\.safetensors: the file ends at byte \d+, inside tensor optim\.\S+ \(truncated, or changed while being read\)/);
  assert.throws(() => t.fit(), /cut\.safetensors failed/);
  // A complete resume repairs it: the following steps are the uninterrupted run's.
  await loadCheckpoint(t, run.path);
  const r = t.fit();
  assert.equal(r.lossCurve, run.losses);
  assert.ok(same(snapshot(t), run.values));
});

test.run();
